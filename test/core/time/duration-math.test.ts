import { describe, expect, it } from 'vitest';
import { addDuration, subtractDuration } from '../../../shared/core/time/duration-math.ts';
import { parseIsoDuration } from '../../../shared/core/time/iso-duration.ts';
import { zoneOf } from '../../../shared/core/time/time-zone.ts';

const iso = (millis: number): string => new Date(millis).toISOString();

describe('subtractDuration', () => {
  it.each<[now: string, duration: string, expected: string]>([
    ['2026-03-10T12:00:00Z', 'P7D', '2026-03-03T12:00:00.000Z'],
    ['2026-03-10T12:00:00Z', 'PT36H', '2026-03-09T00:00:00.000Z'],
    ['2026-03-31T00:00:00Z', 'P1M', '2026-02-28T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', 'P1Y', '2023-02-28T00:00:00.000Z'],
    ['2026-03-31T06:00:00Z', 'P1MT12H', '2026-02-27T18:00:00.000Z'],
    ['2026-03-29T12:00:00Z', 'P1D', '2026-03-28T12:00:00.000Z'],
    ['2026-03-10T12:00:00Z', '-P1D', '2026-03-11T12:00:00.000Z'],
  ])('%s − %s = %s (in UTC)', (now, duration, expected) => {
    expect(iso(subtractDuration(Date.parse(now), parseIsoDuration(duration)!))).toBe(expected);
  });
});

describe('addDuration', () => {
  const paris = zoneOf('Europe/Paris');

  it.each<[start: string, duration: string, expected: string]>([
    ['2026-03-28T10:00:00+01:00', 'P1D', '2026-03-29T10:00:00+02:00'],
    ['2026-03-28T10:00:00+01:00', 'PT24H', '2026-03-29T11:00:00+02:00'],
    ['2026-03-28T02:30:00+01:00', 'P1D', '2026-03-29T03:00:00+02:00'],
    ['2026-10-24T02:30:00+02:00', 'P1D', '2026-10-25T02:30:00+02:00'],
    ['2026-01-31T09:00:00+01:00', 'P1M', '2026-02-28T09:00:00+01:00'],
  ])('%s + %s in Europe/Paris = %s', (start, duration, expected) => {
    expect(iso(addDuration(paris, Date.parse(start), parseIsoDuration(duration)!))).toBe(
      iso(Date.parse(expected)),
    );
  });
});
