import * as z from 'zod';
import { WEEKDAYS } from './calendar-day.ts';
import { isDateText } from './date-value.ts';
import { fitsYears, MAX_DURATION_YEARS, MAX_FILTER_DURATION_YEARS } from './duration-length.ts';
import { isCountable, readIsoDuration } from './iso-duration.ts';
import { canonicalTimeZone, isTimeZone } from './time-zone.ts';

const durationSchema = (allowNegative: boolean, maxYears = MAX_DURATION_YEARS) =>
  z.string().superRefine((text, ctx) => {
    const read = readIsoDuration(text);
    if (!read) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not an ISO 8601 duration (e.g. P2D, PT4H, P1M)`,
      });
    } else if (read.sign < 0 && !allowNegative) {
      ctx.addIssue({ code: 'custom', message: `"${text}" must not be negative here` });
    } else if (!isCountable(read) || !fitsYears(read, maxYears)) {
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

/** A calendar date `YYYY-MM-DD` that exists. */
export const CalendarDateSchema = z
  .string()
  .refine(isDateText, { message: 'must be a calendar date "YYYY-MM-DD" that exists' });

/** A day of the week: `mon` … `sun`. */
export const WeekdaySchema = z.enum(WEEKDAYS);

/** An IANA time-zone name such as `Europe/Paris`, kept in its canonical spelling. */
export const TimeZoneSchema = z
  .string()
  .superRefine((name, ctx) => {
    if (isTimeZone(name)) return;
    const message = /^[+-]/.test(name)
      ? `"${name}" is a fixed offset, not an IANA time-zone name (e.g. Europe/Paris): daylight-saving changes need the zone's name`
      : `"${name}" is not an IANA time-zone name (e.g. Europe/Paris)`;
    ctx.addIssue({ code: 'custom', message });
  })
  // One zone, one stored name: "europe/paris" and "Europe/Paris" must not read as two settings.
  .transform(canonicalTimeZone);
