import type { IANAZone } from 'luxon';
import type { IsoDuration } from '../time/iso-duration.ts';
import { DAY_MS, dayOf, fromWall, isoDateOf, msOfDay, toWall, weekdayOf } from './local-time.ts';

/** Milliseconds of the clock parts (hours, minutes, seconds) of a duration, unsigned. */
export const clockMs = (d: IsoDuration): number =>
  Math.round((d.hours * 3600 + d.minutes * 60 + d.seconds) * 1000);

/** Moves a wall time by whole months, keeping the time of day; the day clamps to the month's last (31 Jan + 1 month = 28/29 Feb). */
export const addMonthsToWall = (wall: number, months: number): number => {
  if (months === 0) return wall;
  const date = new Date(wall);
  const firstOfTarget = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1);
  const target = new Date(firstOfTarget);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  const day = Math.min(date.getUTCDate(), lastDay);
  return firstOfTarget + (day - 1) * DAY_MS + msOfDay(wall);
};

/**
 * Adds a signed duration to a wall time in `zone`: years, months, weeks and days move the wall clock
 * (the same local time on the target date, resolved as in `fromWall`), then hours, minutes and seconds
 * are added as elapsed time. Returns an instant.
 */
export const addDurationToWall = (zone: IANAZone, wall: number, d: IsoDuration): number => {
  const months = addMonthsToWall(wall, d.sign * (d.years * 12 + d.months));
  const shifted = months + d.sign * (d.weeks * 7 + d.days) * DAY_MS;
  return fromWall(zone, shifted) + d.sign * clockMs(d);
};

/**
 * Adds a signed duration to an instant in `zone` (calendar parts on the wall clock, clock parts as elapsed time).
 * @example addDuration(paris, sat2026_03_28_10h, P1D) // 2026-03-29T10:00+02:00: 23 hours later, same wall time
 */
export const addDuration = (zone: IANAZone, instant: number, d: IsoDuration): number => {
  const calendar = d.years + d.months + d.weeks + d.days;
  // Without calendar parts the wall clock is not consulted, so an instant in a repeated hour stays itself.
  if (calendar === 0) return instant + d.sign * clockMs(d);
  return addDurationToWall(zone, toWall(zone, instant), d);
};

/** Longest run of non-business days walked before giving up (all weekdays blocked). */
const MAX_NON_BUSINESS_RUN = 3660;

/** Whether a local date is a business day: Monday–Friday and not blocked. */
const businessDayTest =
  (blockedDates: ReadonlySet<string>) =>
  (day: number): boolean => {
    const weekday = weekdayOf(day);
    return weekday !== 'sat' && weekday !== 'sun' && !blockedDates.has(isoDateOf(day));
  };

/** The first business day after `day` (or before it, with `step` -1). */
const nextBusinessDay = (day: number, step: 1 | -1, isBusiness: (day: number) => boolean): number => {
  for (let next = day + step, run = 0; run < MAX_NON_BUSINESS_RUN; next += step, run++) {
    if (isBusiness(next)) return next;
  }
  throw new Error(
    `no business day within ${MAX_NON_BUSINESS_RUN} days of ${isoDateOf(day)}: all are blocked`,
  );
};

/**
 * Adds a duration counting business days (Monday–Friday local dates that are not blocked):
 * 1. years and months move the wall clock as usual;
 * 2. each of the days (and 5 per week) steps to the next business date, keeping the local time
 *    (Friday + P1D = Monday; Saturday + P1D = Monday, like a spreadsheet's WORKDAY);
 * 3. hours, minutes and seconds are then added as elapsed time;
 * 4. a result on a non-business date moves to the next business date at the same local time.
 */
export const addBusinessDuration = (
  zone: IANAZone,
  instant: number,
  d: IsoDuration,
  blockedDates: ReadonlySet<string>,
): number => {
  const isBusiness = businessDayTest(blockedDates);
  let at = instant;
  const businessDays = d.weeks * 5 + d.days;
  if (d.years + d.months + businessDays > 0) {
    const wall = addMonthsToWall(toWall(zone, instant), d.sign * (d.years * 12 + d.months));
    let day = dayOf(wall);
    for (let n = 0; n < businessDays; n++) day = nextBusinessDay(day, d.sign, isBusiness);
    at = fromWall(zone, day * DAY_MS + msOfDay(wall));
  }
  at += d.sign * clockMs(d);
  const landed = toWall(zone, at);
  if (isBusiness(dayOf(landed))) return at;
  return fromWall(zone, nextBusinessDay(dayOf(landed), 1, isBusiness) * DAY_MS + msOfDay(landed));
};
