import { DAY_MS } from './calendar-day.ts';
import type { IsoDuration } from './iso-duration.ts';

/** The longest duration a workflow may wait (delays, offsets, timeouts), however it is written. */
export const MAX_DURATION_YEARS = 10;
/** The longest look-back of a time filter (`withinLast P18Y` reads "in the last 18 years"). */
export const MAX_FILTER_DURATION_YEARS = 200;

const DAY_SECONDS = DAY_MS / 1000;

/** Seconds of the clock parts (hours, minutes, seconds) of a duration, unsigned. */
export const clockSeconds = (d: IsoDuration): number => d.hours * 3600 + d.minutes * 60 + d.seconds;

/**
 * An upper estimate of the duration's absolute length in seconds: a year counts as 366 days, a month as 31
 * days (twelve months as a year), so that no start makes the duration longer than the estimate.
 */
const longestSeconds = (d: IsoDuration): number => {
  const months = d.years * 12 + d.months;
  const days = Math.floor(months / 12) * 366 + (months % 12) * 31 + d.weeks * 7 + d.days;
  return days * DAY_SECONDS + clockSeconds(d);
};

/** True when no start makes the duration longer than `maxYears` years of 366 days. */
export const fitsYears = (d: IsoDuration, maxYears: number): boolean =>
  longestSeconds(d) <= maxYears * 366 * DAY_SECONDS;
