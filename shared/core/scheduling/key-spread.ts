/** The longest spread of a backlog over the start of a window: its first 15 minutes. */
const MAX_SPREAD_MS = 15 * 60_000;

const encoder = new TextEncoder();

/**
 * FNV-1a, 32 bits, of the UTF-8 bytes of `key`: small, stable across runtimes and releases.
 * @example fnv1a32('a') // 0xe40c292c
 */
export const fnv1a32 = (key: string): number => {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(key)) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return hash;
};

/**
 * Whole seconds (as milliseconds) to start after a window opens, in [0, min(15 min, window length)), the same for the same key.
 * @example spreadMs('a', 8 * 3600_000) // 520_000: 8 min 40 s
 */
export const spreadMs = (key: string, windowMs: number): number => {
  const limitSeconds = Math.max(1, Math.floor(Math.min(MAX_SPREAD_MS, windowMs) / 1000));
  return (fnv1a32(key) % limitSeconds) * 1000;
};
