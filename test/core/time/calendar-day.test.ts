import { describe, expect, it } from 'vitest';
import { isoDateOf, weekdayOf } from '../../../shared/core/time/calendar-day.ts';
import { dayOfIsoDate } from '../../../shared/core/time/date-value.ts';

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

describe('dayOfIsoDate', () => {
  it.each(['2026-03-29', '1969-12-31', '0050-02-28'])('reads %s back as isoDateOf writes it', (date) => {
    expect(isoDateOf(dayOfIsoDate(date))).toBe(date);
  });
});
