import { parseInstant } from '../time/date-value.ts';
import { lowerCase } from './lower-case.ts';

let cellCount = 0;
const nextCellId = (): number => {
  cellCount += 1;
  return cellCount;
};

/**
 * The normalised forms of the last text a property path held: its lowercase and its instant. One record is
 * evaluated against many filters of many workflows, and they all read the same few values: the first filter
 * that needs a normal form computes it, the others find it here. A cell is keyed by the text itself (compared
 * with `===`), so it is never stale: another record's value, or a value changed in place, is normalised anew.
 */
export class ValueCell {
  /**
   * A number no other cell has: filters on the same property path hold the same cell, and so the same id, unless
   * the path came after the table's `CELL_LIMIT` paths (then each filter on it has a cell of its own: an extra
   * read, never a wrong answer).
   */
  readonly id = nextCellId();
  #text: string | undefined;
  #lower = '';
  #instantText: string | undefined;
  #instant = Number.NaN;

  /** `text.toLowerCase()`. */
  lower(text: string): string {
    if (text !== this.#text) {
      this.#lower = lowerCase(text);
      this.#text = text;
    }
    return this.#lower;
  }

  /** Epoch milliseconds of `text` as a date (00:00 UTC) or datetime; `NaN` when it is neither. */
  instant(text: string): number {
    if (text !== this.#instantText) {
      this.#instant = parseInstant(text);
      this.#instantText = text;
    }
    return this.#instant;
  }
}

// Property paths are few (a catalog's properties), but criteria may name any: past the limit, a path compiled
// afterwards gets a cell of its own, so the table stays bounded and sharing merely stops growing.
const CELL_LIMIT = 10_000;
const cells = new Map<string, ValueCell>();

/** The cell every filter on the property `path` (`city`, `companies.industry`) reads its normal forms from. */
export const cellOf = (path: string): ValueCell => {
  let cell = cells.get(path);
  if (!cell) {
    cell = new ValueCell();
    if (cells.size < CELL_LIMIT) cells.set(path, cell);
  }
  return cell;
};
