import { describe, expect, it } from 'vitest';
import { fnv1a32, spreadMs } from '../../../shared/core/scheduling/key-spread.ts';

describe('fnv1a32', () => {
  // The published FNV-1a 32-bit test vectors.
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foo', 0xa9f37ed7],
    ['foobar', 0xbf9cf968],
  ])('hashes "%s" like the reference', (key, expected) => {
    expect(fnv1a32(key)).toBe(expected);
  });
});

describe('spreadMs', () => {
  it.each([
    // 0xe40c292c = 3826002220 ≡ 520 (mod 900), 220 (mod 300), 40 (mod 60); 0xa9f37ed7 = 2851307223 ≡ 123 (mod 900).
    ['a', 8 * 3_600_000, 520_000],
    ['foo', 8 * 3_600_000, 123_000],
    ['a', 15 * 60_000, 520_000],
    ['a', 5 * 60_000, 220_000],
    ['a', 60_000, 40_000],
    ['a', 500, 0],
  ])('spreads key "%s" over a window of %i ms by %i ms', (key, windowMs, expected) => {
    expect(spreadMs(key, windowMs)).toBe(expected);
  });
});
