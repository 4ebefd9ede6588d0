import { z } from 'zod';

/** An ISO 8601 duration, broken into its calendar and clock parts. */
export interface IsoDuration {
  readonly sign: 1 | -1;
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

const PATTERN =
  /^([+-])?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** The syntax of an ISO 8601 duration, its numbers as written (however large). */
const readDuration = (text: string): IsoDuration | undefined => {
  const match = PATTERN.exec(text);
  if (!match || text.endsWith('T') || /^[+-]?P$/.test(text)) return undefined;
  const [, sign, y, mo, w, d, h, mi, s] = match;
  return {
    sign: sign === '-' ? -1 : 1,
    years: Number(y ?? 0),
    months: Number(mo ?? 0),
    weeks: Number(w ?? 0),
    days: Number(d ?? 0),
    hours: Number(h ?? 0),
    minutes: Number(mi ?? 0),
    seconds: Number(s ?? 0),
  };
};

// Past 2^53 a number no longer holds the digits written: arithmetic on it would be silently wrong.
const isCountable = (d: IsoDuration): boolean =>
  [d.years, d.months, d.weeks, d.days, d.hours, d.minutes, Math.trunc(d.seconds)].every(Number.isSafeInteger);

/**
 * Parses an ISO 8601 duration such as `P2D`, `PT36H`, `P1Y2M` or `-P1D`; `undefined` when it is not one, or
 * holds a number past the safe integers.
 * @example parseIsoDuration('-PT2H') // { sign: -1, hours: 2, … }
 */
export const parseIsoDuration = (text: string): IsoDuration | undefined => {
  const duration = readDuration(text);
  return duration && isCountable(duration) ? duration : undefined;
};

/** True when the duration lasts no time at all. */
export const isZeroDuration = (d: IsoDuration): boolean =>
  d.years + d.months + d.weeks + d.days + d.hours + d.minutes + d.seconds === 0;

/** True when the duration has calendar parts (years or months) whose length depends on the start. */
export const hasCalendarParts = (d: IsoDuration): boolean => d.years > 0 || d.months > 0;

/** The longest duration a workflow may wait (delays, offsets, timeouts), however it is written. */
export const MAX_DURATION_YEARS = 10;
/** The longest look-back of a time filter (`withinLast P18Y` reads "in the last 18 years"). */
export const MAX_FILTER_DURATION_YEARS = 200;

const DAY_SECONDS = 86_400;

/**
 * An upper estimate of the duration's absolute length in seconds: a year counts as 366 days, a month as 31
 * days (twelve months as a year), so that no start makes the duration longer than the estimate.
 */
const longestSeconds = (d: IsoDuration): number => {
  const months = d.years * 12 + d.months;
  const days = Math.floor(months / 12) * 366 + (months % 12) * 31 + d.weeks * 7 + d.days;
  return days * DAY_SECONDS + d.hours * 3600 + d.minutes * 60 + d.seconds;
};

const durationSchema = (allowNegative: boolean, maxYears = MAX_DURATION_YEARS) =>
  z.string().superRefine((text, ctx) => {
    const read = readDuration(text);
    if (!read) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not an ISO 8601 duration (e.g. P2D, PT4H, P1M)`,
      });
    } else if (read.sign < 0 && !allowNegative) {
      ctx.addIssue({ code: 'custom', message: `"${text}" must not be negative here` });
    } else if (!isCountable(read) || longestSeconds(read) > maxYears * 366 * DAY_SECONDS) {
      // Past the safe integers a number is far longer than the bound too: one message for both.
      ctx.addIssue({ code: 'custom', message: `"${text}" is longer than ${maxYears} years` });
    }
  });

/** A non-negative ISO 8601 duration. */
export const DurationSchema = durationSchema(false);
/** An ISO 8601 duration that may be negative (`-P1D`): offsets before a date. */
export const SignedDurationSchema = durationSchema(true);
/** The look-back of a time filter: ages and anniversaries need more than the 10 years of a wait. */
export const FilterDurationSchema = durationSchema(false, MAX_FILTER_DURATION_YEARS);

/** `HH:mm`, 00:00–23:59. */
export const TimeOfDaySchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day "HH:mm" (00:00–23:59)');
/** `HH:mm` or `24:00` (a window may end at midnight). */
export const WindowTimeSchema = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be a time of day "HH:mm" (00:00–24:00)');

const isCalendarDate = (text: string): boolean => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  // Date.UTC maps years 0–99 to 1900–1999.
  if (y < 100) date.setUTCFullYear(y, m - 1, d);
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

/** A calendar date `YYYY-MM-DD` that exists. */
export const CalendarDateSchema = z
  .string()
  .refine(isCalendarDate, { message: 'must be a calendar date "YYYY-MM-DD" that exists' });

export { isCalendarDate };

/** Minutes since midnight of `HH:mm`. */
export const minutesOfDay = (time: string): number =>
  Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const WeekdaySchema = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof WeekdaySchema>;
