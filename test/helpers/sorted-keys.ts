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

/**
 * A sorted set of strings in chunks of at most 2 × 512 (a two-level sorted list): inserts and deletes cost a binary
 * search and a splice of one chunk, so a partition of a million keys stays cheap to change and to read in order.
 */
export class SortedKeys {
  readonly #chunks: string[][] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The chunk that holds, or would hold, `key`. */
  #chunkOf(key: string): number {
    const chunks = this.#chunks;
    let low = 0;
    let high = chunks.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const chunk = chunks[middle]!;
      if (compareKeys(chunk[chunk.length - 1]!, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The first index in `chunk` whose key is not before `key` (`inclusive`) or after it. */
  static #bound(chunk: readonly string[], key: string, inclusive: boolean): number {
    let low = 0;
    let high = chunk.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = compareKeys(chunk[middle]!, key);
      if (order < 0 || (!inclusive && order === 0)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  add(key: string): void {
    if (this.#chunks.length === 0) {
      this.#chunks.push([key]);
      this.#size = 1;
      return;
    }
    const at = this.#chunkOf(key);
    const chunk = this.#chunks[at]!;
    const index = SortedKeys.#bound(chunk, key, true);
    if (chunk[index] === key) return;
    chunk.splice(index, 0, key);
    this.#size += 1;
    if (chunk.length > 2 * CHUNK) this.#chunks.splice(at + 1, 0, chunk.splice(CHUNK));
  }

  delete(key: string): void {
    if (this.#chunks.length === 0) return;
    const at = this.#chunkOf(key);
    const chunk = this.#chunks[at]!;
    const index = SortedKeys.#bound(chunk, key, true);
    if (chunk[index] !== key) return;
    chunk.splice(index, 1);
    this.#size -= 1;
    if (chunk.length === 0) this.#chunks.splice(at, 1);
  }

  /** The keys in order from `from` (all when absent; after it when not `inclusive`), or backwards from it. */
  *walk(from: string | undefined, inclusive: boolean, forward: boolean): Generator<string> {
    const chunks = this.#chunks;
    if (chunks.length === 0) return;
    if (forward) {
      let at = from === undefined ? 0 : this.#chunkOf(from);
      let index = from === undefined ? 0 : SortedKeys.#bound(chunks[at]!, from, inclusive);
      for (; at < chunks.length; at++, index = 0) {
        const chunk = chunks[at]!;
        for (; index < chunk.length; index++) yield chunk[index]!;
      }
      return;
    }
    let at = from === undefined ? chunks.length - 1 : this.#chunkOf(from);
    let index =
      from === undefined ? chunks[at]!.length - 1 : SortedKeys.#bound(chunks[at]!, from, !inclusive) - 1;
    for (; at >= 0; at--, index = at >= 0 ? chunks[at]!.length - 1 : 0) {
      const chunk = chunks[at]!;
      for (; index >= 0; index--) yield chunk[index]!;
    }
  }
}
