/** Orders strings as DynamoDB orders its keys: by their UTF-8 bytes (code points, not UTF-16 code units). */
export const compareKeys = (a: string, b: string): number => {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (a code point above U+FFFF) sorts after every other UTF-16 unit in UTF-8.
    const sx = x >= 0xd800 && x <= 0xdfff;
    const sy = y >= 0xd800 && y <= 0xdfff;
    if (sx !== sy) return sx ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
};

const CHUNK = 512;

/** Where an entry stands against a target: negative before it, 0 at it, positive after it. */
export type Probe<T> = (entry: T) => number;

/**
 * The first index in `entries` (in order) whose entry is not before the target of `probe` (`inclusive`), or not
 * before or at it.
 */
export const bound = <T>(entries: readonly T[], probe: Probe<T>, inclusive: boolean): number => {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const order = probe(entries[middle]!);
    if (order < 0 || (!inclusive && order === 0)) low = middle + 1;
    else high = middle;
  }
  return low;
};

/**
 * A sorted list of entries (ordered by `order`, each unique under it) in chunks of at most 2 × 512 (a two-level
 * sorted list): inserts and deletes cost a binary search and a splice of one chunk, so a partition of a million
 * entries stays cheap to change and to read in order. Entries are found by a probe (an entry's place against a
 * target), so that they need no key of their own: a table's items are their own keys.
 */
export class SortedList<T> {
  readonly #chunks: T[][] = [];
  readonly #order: (a: T, b: T) => number;
  #size = 0;

  constructor(order: (a: T, b: T) => number) {
    this.#order = order;
  }

  get size(): number {
    return this.#size;
  }

  /** The first entry, if any. */
  get first(): T | undefined {
    return this.#chunks[0]?.[0];
  }

  /** The chunk that holds, or would hold, the target of `probe`. */
  #chunkOf(probe: Probe<T>): number {
    const chunks = this.#chunks;
    let low = 0;
    let high = chunks.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const chunk = chunks[middle]!;
      if (probe(chunk[chunk.length - 1]!) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The entry at the target of `probe`, if any. */
  find(probe: Probe<T>): T | undefined {
    if (this.#chunks.length === 0) return undefined;
    const chunk = this.#chunks[this.#chunkOf(probe)]!;
    const entry = chunk[bound(chunk, probe, true)];
    return entry !== undefined && probe(entry) === 0 ? entry : undefined;
  }

  /** Adds `entry`, in place of the one equal to it under the order if any (returned). */
  add(entry: T): T | undefined {
    if (this.#chunks.length === 0) {
      this.#chunks.push([entry]);
      this.#size = 1;
      return undefined;
    }
    const probe = (other: T) => this.#order(other, entry);
    const at = this.#chunkOf(probe);
    const chunk = this.#chunks[at]!;
    const index = bound(chunk, probe, true);
    const old = chunk[index];
    if (old !== undefined && probe(old) === 0) {
      chunk[index] = entry;
      return old;
    }
    chunk.splice(index, 0, entry);
    this.#size += 1;
    if (chunk.length > 2 * CHUNK) this.#chunks.splice(at + 1, 0, chunk.splice(CHUNK));
    return undefined;
  }

  /** Removes the entry at the target of `probe`, if any (returned). */
  delete(probe: Probe<T>): T | undefined {
    if (this.#chunks.length === 0) return undefined;
    const at = this.#chunkOf(probe);
    const chunk = this.#chunks[at]!;
    const index = bound(chunk, probe, true);
    const old = chunk[index];
    if (old === undefined || probe(old) !== 0) return undefined;
    chunk.splice(index, 1);
    this.#size -= 1;
    if (chunk.length === 0) this.#chunks.splice(at, 1);
    return old;
  }

  /**
   * The entries in order from the target of `from` (all when absent; after it when not `inclusive`), or backwards
   * from it.
   */
  *walk(from: Probe<T> | undefined, inclusive: boolean, forward: boolean): Generator<T> {
    const chunks = this.#chunks;
    if (chunks.length === 0) return;
    if (forward) {
      let at = from === undefined ? 0 : this.#chunkOf(from);
      let index = from === undefined ? 0 : bound(chunks[at]!, from, inclusive);
      for (; at < chunks.length; at++, index = 0) {
        const chunk = chunks[at]!;
        for (; index < chunk.length; index++) yield chunk[index]!;
      }
      return;
    }
    let at = from === undefined ? chunks.length - 1 : this.#chunkOf(from);
    let index = from === undefined ? chunks[at]!.length - 1 : bound(chunks[at]!, from, !inclusive) - 1;
    for (; at >= 0; at--, index = at >= 0 ? chunks[at]!.length - 1 : 0) {
      const chunk = chunks[at]!;
      for (; index >= 0; index--) yield chunk[index]!;
    }
  }
}
