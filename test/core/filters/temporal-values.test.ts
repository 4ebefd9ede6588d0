import { describe, expect, it } from 'vitest';
import { parseInstant, subtractDuration } from '../../../shared/core/filters/temporal-values.ts';
import { parseIsoDuration } from '../../../shared/core/time/iso-duration.ts';

describe('parseInstant', () => {
  it.each<[text: string, expected: string | undefined]>([
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2026-03-01T10:20:30Z', '2026-03-01T10:20:30.000Z'],
    ['2026-03-01T10:20:30.5Z', '2026-03-01T10:20:30.500Z'],
    ['2026-03-01T10:20:30.123456789Z', '2026-03-01T10:20:30.123Z'],
    ['2026-03-01T10:20Z', '2026-03-01T10:20:00.000Z'],
    ['2026-03-01T10:20:30+02:00', '2026-03-01T08:20:30.000Z'],
    ['2026-03-01T00:30:00-01:30', '2026-03-01T02:00:00.000Z'],
    ['0050-01-01', '0050-01-01T00:00:00.000Z'],
    ['2023-02-29', undefined],
    ['2026-02-30', undefined],
    ['2026-13-01', undefined],
    ['2026-00-10', undefined],
    ['2026-03-01T24:00:00Z', undefined],
    ['2026-03-01T10:60:00Z', undefined],
    ['2026-03-01T10:00:00', undefined],
    ['2026-3-1', undefined],
    ['March 1, 2026', undefined],
    ['', undefined],
    [`2026-03-01T10:00:00.${'0'.repeat(40)}Z`, undefined],
  ])('%s → %s', (text, expected) => {
    const millis = parseInstant(text);
    expect(Number.isNaN(millis) ? undefined : new Date(millis).toISOString()).toBe(expected);
  });

  it('gives the same answer from its memo as on first sight', () => {
    expect([parseInstant('2026-03-01T10:20:30Z'), parseInstant('2026-03-01T10:20:30Z')]).toEqual([
      Date.UTC(2026, 2, 1, 10, 20, 30),
      Date.UTC(2026, 2, 1, 10, 20, 30),
    ]);
  });
});

describe('subtractDuration', () => {
  it.each<[now: string, duration: string, expected: string]>([
    ['2026-03-10T12:00:00Z', 'P7D', '2026-03-03T12:00:00.000Z'],
    ['2026-03-10T12:00:00Z', 'PT36H', '2026-03-09T00:00:00.000Z'],
    ['2026-03-31T00:00:00Z', 'P1M', '2026-02-28T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', 'P1Y', '2023-02-28T00:00:00.000Z'],
    ['2026-03-31T06:00:00Z', 'P1MT12H', '2026-02-27T18:00:00.000Z'],
    ['2026-03-29T12:00:00Z', 'P1D', '2026-03-28T12:00:00.000Z'],
  ])('%s − %s = %s', (now, duration, expected) => {
    const start = subtractDuration(Date.parse(now), parseIsoDuration(duration)!);
    expect(new Date(start).toISOString()).toBe(expected);
  });
});
