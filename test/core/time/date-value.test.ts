import { describe, expect, it } from 'vitest';
import { dateSpan, normalizeDateValue } from '../../../shared/core/time/date-forms.ts';
import { parseDateValue, parseInstant } from '../../../shared/core/time/date-value.ts';

describe('parseInstant', () => {
  it.each<[text: string, expected: string | undefined]>([
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2026-03-01T10:20:30Z', '2026-03-01T10:20:30.000Z'],
    ['2026-03-01t10:20:30z', '2026-03-01T10:20:30.000Z'],
    ['2026-03-01 10:20:30Z', '2026-03-01T10:20:30.000Z'],
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
    ['2026-03-01T10:00:60Z', undefined],
    ['2026-03-01T10:00:00+24:00', undefined],
    ['2026-03-01T10:00:00', undefined],
    ['2026-03-01T10Z', undefined],
    ['2026-03-01T10:00:00,5Z', undefined],
    ['2026-03-01T10:00:00+0200', undefined],
    ['20260301', undefined],
    ['2026-W09-1', undefined],
    ['2026-060', undefined],
    ['2026-3-1', undefined],
    [' 2026-03-01', undefined],
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

describe('parseDateValue', () => {
  it.each([
    ['2026-05-10', { kind: 'date', day: Date.UTC(2026, 4, 10) / 86_400_000 }],
    ['0050-05-10', { kind: 'date', day: Date.parse('0050-05-10T00:00:00Z') / 86_400_000 }],
    ['2026-05-10T23:30:00Z', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 23, 30) }],
    ['2026-05-10T23:30:00.25Z', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 23, 30, 0, 250) }],
    ['2026-05-10T23:30:00.123456Z', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 23, 30, 0, 123) }],
    ['2026-05-10t10:00:00+05:30', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 4, 30) }],
    ['2026-05-10T10:00:00-03:00', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 13, 0) }],
    ['2026-05-10T10:00Z', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 10, 0) }],
    ['2026-05-10 10:00:00Z', { kind: 'datetime', instant: Date.UTC(2026, 4, 10, 10, 0) }],
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
    '2026-05-10T10:00:00+24:00',
  ])('rejects "%s"', (text) => {
    expect(parseDateValue(text)).toBeUndefined();
  });

  it.each([null, undefined, 0, 1_778_457_600_000, true])('rejects the non-string %s', (value) => {
    expect(parseDateValue(value)).toBeUndefined();
  });
});

describe('normalizeDateValue', () => {
  it.each<[text: string, expected: string | undefined]>([
    ['2026-03-01', '2026-03-01'],
    ['2026-03-01T10:00Z', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01 10:00:00z', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T10:00:00.5+02:00', '2026-03-01T08:00:00.500Z'],
    ['2026-03-01T00:30:00.123456+01:00', '2026-02-28T23:30:00.123Z'],
    ['2026-03-01T10:00', undefined],
    ['2026-02-30', undefined],
    ['soon', undefined],
  ])('stores %s as %s', (text, expected) => {
    expect(normalizeDateValue(text)).toBe(expected);
  });
});

describe('dateSpan', () => {
  it('covers the whole UTC day of a date, and one instant of a datetime', () => {
    // Act
    const spans = [dateSpan('2026-03-01'), dateSpan('2026-03-01T10:00+01:00'), dateSpan('2026-03-01T10:00')];

    // Assess
    expect(spans).toEqual([
      { first: Date.UTC(2026, 2, 1), last: Date.UTC(2026, 2, 2) - 1 },
      { first: Date.UTC(2026, 2, 1, 9), last: Date.UTC(2026, 2, 1, 9) },
      undefined,
    ]);
  });
});
