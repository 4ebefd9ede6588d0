import type { Zone } from 'luxon';
import { DAY_MS, msOfDay } from './calendar-day.ts';
import { clockSeconds } from './duration-length.ts';
import type { IsoDuration } from './iso-duration.ts';
import { UTC_ZONE } from './time-zone.ts';
import { fromWall, toWall } from './wall-time.ts';

/** Milliseconds of the clock parts (hours, minutes, seconds) of a duration, unsigned. */
export const clockMs = (d: IsoDuration): number => Math.round(clockSeconds(d) * 1000);

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
export const addDurationToWall = (zone: Zone, wall: number, d: IsoDuration): number => {
  const months = addMonthsToWall(wall, d.sign * (d.years * 12 + d.months));
  const shifted = months + d.sign * (d.weeks * 7 + d.days) * DAY_MS;
  return fromWall(zone, shifted) + d.sign * clockMs(d);
};

/**
 * Adds a signed duration to an instant in `zone` (calendar parts on the wall clock, clock parts as elapsed time).
 * @example addDuration(paris, sat2026_03_28_10h, P1D) // 2026-03-29T10:00+02:00: 23 hours later, same wall time
 */
export const addDuration = (zone: Zone, instant: number, d: IsoDuration): number => {
  const calendar = d.years + d.months + d.weeks + d.days;
  // Without calendar parts the wall clock is not consulted, so an instant in a repeated hour stays itself.
  if (calendar === 0) return instant + d.sign * clockMs(d);
  return addDurationToWall(zone, toWall(zone, instant), d);
};

/**
 * Epoch milliseconds of `nowMs − duration`, counted as `addDuration` counts in UTC (month ends clamp).
 * @example subtractDuration(Date.parse('2026-03-31T00:00:00Z'), P1M) // 2026-02-28T00:00:00Z
 */
export const subtractDuration = (nowMs: number, d: IsoDuration): number =>
  addDuration(UTC_ZONE, nowMs, { ...d, sign: d.sign > 0 ? -1 : 1 });
