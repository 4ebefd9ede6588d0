import { DateTime } from 'luxon';
import type { IsoDuration } from '../time/iso-duration.ts';

export const DAY_MS = 86_400_000;

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|([+-])(\d{2}):(\d{2})))?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const utcMillis = (
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number => {
  const millis = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC maps years 0–99 to 1900–1999.
  return y >= 100 ? millis : new Date(millis).setUTCFullYear(y);
};

const parseUncached = (text: string): number => {
  const match = INSTANT.exec(text);
  if (!match) return Number.NaN;
  const y = Number(match[1]);
  const mo = Number(match[2]);
  const d = Number(match[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS_IN_MONTH[mo - 1]! || (mo === 2 && d === 29 && !isLeapYear(y))) {
    return Number.NaN;
  }
  if (match[4] === undefined) return utcMillis(y, mo, d, 0, 0, 0, 0);
  const h = Number(match[4]);
  const mi = Number(match[5]);
  const s = Number(match[6] ?? 0);
  if (h > 23 || mi > 59 || s > 60) return Number.NaN;
  const ms = match[7] ? Number(match[7].slice(1, 4).padEnd(3, '0')) : 0;
  const offset = match[9] ? (match[9] === '-' ? -1 : 1) * (Number(match[10]) * 60 + Number(match[11])) : 0;
  return utcMillis(y, mo, d, h, mi, s, ms) - offset * 60_000;
};

// One record is evaluated against many workflows, so the same few strings are parsed over and over: a
// bounded memo turns the repeats into one lookup (V8 keeps a string's hash with the string).
const MEMO_LIMIT = 4096;
const MAX_INSTANT_LENGTH = 40;
const memo = new Map<string, number>();

/**
 * Epoch milliseconds of a date `YYYY-MM-DD` (00:00 UTC) or an RFC 3339 datetime; `NaN` when `text` is neither.
 * @example parseInstant('2026-03-01') // 1772323200000
 */
export const parseInstant = (text: string): number => {
  // No date or datetime is this long: a long text is not one, and is not worth a memo entry.
  if (text.length > MAX_INSTANT_LENGTH) return Number.NaN;
  let millis = memo.get(text);
  if (millis === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    millis = parseUncached(text);
    memo.set(text, millis);
  }
  return millis;
};

/** True when `text` is a bare date (`YYYY-MM-DD`) rather than a datetime; only meaningful once it parsed. */
export const isDateOnly = (text: string): boolean => text.length === 10;

/** 00:00 UTC of the UTC calendar day holding `millis`. */
export const startOfUtcDay = (millis: number): number => Math.floor(millis / DAY_MS) * DAY_MS;

/** Epoch milliseconds of `nowMs − duration`; calendar parts (years, months) are subtracted in UTC with luxon. */
export const subtractDuration = (nowMs: number, duration: IsoDuration): number => {
  const clockMs =
    (((duration.weeks * 7 + duration.days) * 24 + duration.hours) * 60 + duration.minutes) * 60_000 +
    duration.seconds * 1000;
  if (duration.years === 0 && duration.months === 0) return nowMs - duration.sign * clockMs;
  const calendar = { years: duration.years, months: duration.months };
  const shifted = DateTime.fromMillis(nowMs, { zone: 'utc' });
  const moved = duration.sign > 0 ? shifted.minus(calendar) : shifted.plus(calendar);
  return moved.toMillis() - duration.sign * clockMs;
};
