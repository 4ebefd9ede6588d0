import type { Zone } from 'luxon';
import { DAY_MS, dayOf, isoDateOf, msOfDay, weekdayOf } from './calendar-day.ts';
import { addMonthsToWall, clockMs } from './duration-math.ts';
import type { IsoDuration } from './iso-duration.ts';
import { fromWall, toWall } from './wall-time.ts';

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
  zone: Zone,
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
