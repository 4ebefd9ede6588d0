import type { EvaluationContext } from './filter-input.ts';

/**
 * A compiled comparison of one record value with a filter's value: `true`/`false`, or `undefined` when the
 * record value is empty (null, undefined, "") or cannot be compared with it (wrong type). Returning `undefined`
 * for empties lets a positive operator be just `test(value) === true`, with no extra layer on the hot path.
 */
export type TriTest = (value: unknown, ctx: EvaluationContext) => boolean | undefined;

/** A numeric comparison: `eq` the low bound, `between` both inclusive. */
export type NumberOperator = 'eq' | 'lt' | 'lte' | 'gt' | 'gte' | 'between';

/**
 * What a value test does, declared for the common comparisons so that they can run without a closure call
 * (filter instructions): the test answers exactly this, `undefined` for an empty value and for one of another
 * kind. `text`: a non-empty text whose lowercase is `lower` (no boolean reading); `texts`: a non-empty text whose
 * lowercase is one of `lowers`; `number`: a number (not NaN) compared with `low` (and `high`); `numbers`: a
 * number in `members`; `instant`: a text that reads as a date or datetime, its instant in `[min, max]`;
 * `substring`: a non-empty text whose lowercase holds `needle` (at its start, its end); `present`: any value set.
 */
export type ValueShape =
  | { readonly kind: 'text'; readonly lower: string }
  | { readonly kind: 'texts'; readonly lowers: readonly string[] }
  | {
      readonly kind: 'number';
      readonly operator: NumberOperator;
      readonly low: number;
      readonly high: number;
    }
  | { readonly kind: 'numbers'; readonly members: ReadonlySet<number> }
  | { readonly kind: 'instant'; readonly min: number; readonly max: number }
  | { readonly kind: 'substring'; readonly at: SubstringPosition; readonly needle: string }
  /** `containsToken`: the phrase's pattern (`undefined`: the phrase holds no word, nothing matches). */
  | { readonly kind: 'token'; readonly pattern: RegExp | undefined }
  | { readonly kind: 'present' };

/** Where a substring test looks for its (lowercase) needle in the lowercase text. */
export type SubstringPosition = 'anywhere' | 'start' | 'end';

/** A compiled comparison and, for explanations, what kind of value it can compare with. */
export interface ValueTest {
  readonly test: TriTest;
  readonly expects: string;
  /** What `test` does, when it is one of the common comparisons. */
  readonly shape?: ValueShape;
  /**
   * True when no value at all can be compared (an operator or filter value that does not fit the property's
   * type): the filter then matches nothing — an empty value included, whatever `includeEmpty` says.
   */
  readonly matchesNothing?: true;
}

/** True when a value counts as "not set": null, undefined or the empty string. */
export const isEmptyValue = (value: unknown): boolean =>
  value === null || value === undefined || value === '';

/** A test no record value can pass, for filters the engine cannot compare with anything: they match nothing. */
export const incomparable = (expects: string): ValueTest => ({
  test: () => undefined,
  expects,
  matchesNothing: true,
});

/** A filter value as a number when it is one or reads as one (`"42"`), else `undefined`. */
export const numberOf = (value: string | number | boolean): number | undefined => {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isNaN(parsed) ? undefined : parsed;
};
