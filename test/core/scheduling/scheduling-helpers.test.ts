import { describe, expect, it } from 'vitest';
import { parseDateValue } from '../../../shared/core/scheduling/date-value.ts';
import { fnv1a32, spreadMs } from '../../../shared/core/scheduling/key-spread.ts';
import { fromWall, instantsOfWall, weekdayOf, zoneOf } from '../../../shared/core/scheduling/local-time.ts';

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

describe('parseDateValue', () => {
  it.each([
    ['2026-05-10', { kind: 'date', day: Date.UTC(2026, 4, 10) / 86_400_000 }],
    ['2026-05-10T23:30:00Z', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 23, 30) }],
    ['2026-05-10T23:30:00.25Z', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 23, 30, 0, 250) }],
    ['2026-05-10T23:30:00.123456Z', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 23, 30, 0, 123) }],
    ['2026-05-10t10:00:00+05:30', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 4, 30) }],
    ['2026-05-10T10:00:00-03:00', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 13, 0) }],
  ])('reads %s', (text, expected) => {
    expect(parseDateValue(text)).toEqual(expected);
  });

  it.each([
    '',
    '  ',
    'tomorrow',
    '2026-02-29',
    '2026-13-01',
    '2026-05-10T24:00:00Z',
    '2026-05-10T10:00:00',
    '2026-05-10T10:00Z',
    '2026-05-10 10:00:00Z',
    '2026-05-10T10:00:00+24:00',
  ])('rejects "%s"', (text) => {
    expect(parseDateValue(text)).toBeUndefined();
  });

  it.each([null, undefined, 0, 1_778_457_600_000, true])('rejects the non-string %s', (value) => {
    expect(parseDateValue(value)).toBeUndefined();
  });
});

describe('fromWall', () => {
  const wall = (text: string): number => Date.parse(`${text}Z`);
  it.each([
    ['Europe/Paris', '2026-03-29T02:30:00', '2026-03-29T03:00:00+02:00'],
    ['Europe/Paris', '2026-03-29T02:00:00', '2026-03-29T03:00:00+02:00'],
    ['Europe/Paris', '2026-03-29T01:59:59', '2026-03-29T01:59:59+01:00'],
    ['Europe/Paris', '2026-10-25T02:30:00', '2026-10-25T02:30:00+02:00'],
    ['Europe/Paris', '2026-10-25T03:00:00', '2026-10-25T03:00:00+01:00'],
    ['America/New_York', '2026-03-08T02:59:00', '2026-03-08T03:00:00-04:00'],
    ['America/New_York', '2026-11-01T01:00:00', '2026-11-01T01:00:00-04:00'],
    ['Pacific/Chatham', '2026-09-27T03:00:00', '2026-09-27T03:45:00+13:45'],
    ['Asia/Kolkata', '2026-03-29T02:30:00', '2026-03-29T02:30:00+05:30'],
    ['UTC', '2026-03-29T02:30:00', '2026-03-29T02:30:00Z'],
  ])('resolves %s wall time %s', (timeZone, text, expected) => {
    expect(new Date(fromWall(zoneOf(timeZone), wall(text))).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });

  it('lists both instants of a repeated wall time, earlier first', () => {
    const instants = instantsOfWall(zoneOf('America/New_York'), wall('2026-11-01T01:30:00'));
    expect(instants.map((instant) => new Date(instant).toISOString())).toEqual([
      new Date('2026-11-01T01:30:00-04:00').toISOString(),
      new Date('2026-11-01T01:30:00-05:00').toISOString(),
    ]);
  });

  it('refuses a time-zone name the database does not know', () => {
    expect(() => zoneOf('Europe/Atlantis')).toThrow(/"Europe\/Atlantis" is not an IANA time-zone name/);
  });
});

describe('weekdayOf', () => {
  it.each([
    [0, 'thu'],
    [-1, 'wed'],
    [Date.UTC(2026, 2, 29) / 86_400_000, 'sun'],
    [Date.UTC(2026, 2, 30) / 86_400_000, 'mon'],
  ])('names day %i %s', (day, expected) => {
    expect(weekdayOf(day)).toBe(expected);
  });
});
