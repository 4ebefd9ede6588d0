import { DateTime } from 'luxon';
import type { PropertyValue } from '../records/record.schema.ts';
import { DAY_MS } from './calendar-day.ts';
import { UTC_ZONE } from './time-zone.ts';

/*
 * The one reader of `date` and `datetime` values, for filters, validation, scheduling and actions alike:
 * - a date is `YYYY-MM-DD`;
 * - a datetime is a date, `T` (or `t`, or a space), `HH:mm`, optional `:ss`, an optional fraction of a
 *   second, and an offset that is required: `Z` (or `z`) or `±HH:mm`.
 * The shape is checked here; luxon checks that the date exists and applies the offset.
 */
const SHAPE =
  /^\d{4}-\d\d-\d\d(?:[Tt ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d))?$/;

/** 0000-01-01T00:00Z and 9999-12-31T23:59:59.999Z: an instant outside could not be written back as `YYYY-…`. */
const EARLIEST = new Date('0000-01-01T00:00:00.000Z').getTime();
const LATEST = new Date('9999-12-31T23:59:59.999Z').getTime();

const parseUncached = (text: string): number => {
  if (!SHAPE.test(text)) return Number.NaN;
  // luxon reads a `T` only; a space is RFC 3339's other separator. A date alone is 00:00 UTC.
  const iso = text.length > 10 ? `${text.slice(0, 10)}T${text.slice(11)}` : text;
  const parsed = DateTime.fromISO(iso, { zone: UTC_ZONE, setZone: true });
  if (!parsed.isValid) return Number.NaN;
  // An offset can carry a datetime of year 9999 into year 10000 (or 0000 into −1) in UTC.
  const millis = parsed.toMillis();
  return millis >= EARLIEST && millis <= LATEST ? millis : Number.NaN;
};

// One record is evaluated against many workflows, so the same few strings are parsed over and over: a
// bounded memo turns the repeats into one lookup (V8 keeps a string's hash with the string).
const MEMO_LIMIT = 4096;
const MAX_DATE_VALUE_LENGTH = 40;
const memo = new Map<string, number>();

/**
 * Epoch milliseconds of a date (00:00 UTC) or a datetime; `NaN` when `text` is neither. Memoised.
 * @example parseInstant('2026-03-01') // 1772323200000
 */
export const parseInstant = (text: string): number => {
  // No date or datetime is this long: a long text is not one, and is not worth a memo entry.
  if (text.length > MAX_DATE_VALUE_LENGTH) return Number.NaN;
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

/** True when `value` is a date `YYYY-MM-DD` that exists. */
export const isDateText = (value: unknown): value is string =>
  typeof value === 'string' && isDateOnly(value) && !Number.isNaN(parseInstant(value));

/** True when `value` is a datetime with an offset, on a date that exists. */
export const isDateTimeText = (value: unknown): value is string =>
  typeof value === 'string' && !isDateOnly(value) && !Number.isNaN(parseInstant(value));

/** The day number of a `YYYY-MM-DD` date that exists (NaN for any other text). */
export const dayOfIsoDate = (date: string): number => parseInstant(date) / DAY_MS;

/** A record's date-like value: a calendar date (day number) or an exact instant (epoch ms). */
export type DateValue =
  | { readonly kind: 'date'; readonly day: number }
  | { readonly kind: 'datetime'; readonly instant: number };

/**
 * Reads a property value as a date or a datetime; `undefined` when missing, not a string, or neither.
 * @example parseDateValue('2026-03-29T01:00:00Z') // { kind: 'datetime', instant: 1774746000000 }
 */
export const parseDateValue = (value: PropertyValue | undefined): DateValue | undefined => {
  if (typeof value !== 'string') return undefined;
  const millis = parseInstant(value);
  if (Number.isNaN(millis)) return undefined;
  return isDateOnly(value) ? { kind: 'date', day: millis / DAY_MS } : { kind: 'datetime', instant: millis };
};
