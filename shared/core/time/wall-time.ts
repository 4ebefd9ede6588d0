import type { Zone } from 'luxon';
import { DAY_MS, MINUTE_MS } from './calendar-day.ts';

/*
 * Local times are handled as "wall" milliseconds: the clock reading of a zone
 * counted as if it were UTC. Calendar arithmetic happens on walls (plain UTC
 * Date maths, no zone involved); only `toWall` and `fromWall` consult the
 * time-zone database, so every daylight-saving decision lives in one place.
 */

/** The wall clock (as UTC-counted milliseconds) that `zone` shows at `instant`. */
export const toWall = (zone: Zone, instant: number): number => instant + zone.offset(instant) * MINUTE_MS;

/**
 * Every instant at which `zone` shows `wall`, earliest first: two in a fall-back overlap, and in a
 * spring-forward gap the single first instant shown after it (the end of the gap).
 */
export const instantsOfWall = (zone: Zone, wall: number): number[] => {
  // |offset| ≤ 14 h, so the offsets a day either side bracket the instant unless two transitions fall within 48 h.
  const before = zone.offset(wall - DAY_MS);
  const after = zone.offset(wall + DAY_MS);
  const candidates = [...new Set([wall - before * MINUTE_MS, wall - after * MINUTE_MS])]
    .filter((instant) => toWall(zone, instant) === wall)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return candidates;
  // A gap: the clocks jump from `before` to `after`. Find the transition, the first instant shown after the gap.
  let lo = wall - after * MINUTE_MS; // still on the `before` offset
  let hi = wall - before * MINUTE_MS; // already on the `after` offset
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offset(mid) === before) lo = mid;
    else hi = mid;
  }
  return [hi];
};

/**
 * The instant at which `zone` shows `wall`: the earlier instant when the wall time occurs twice
 * (fall-back overlap), the first existing instant after it when it is skipped (spring-forward gap).
 * @example fromWall(paris, Date.UTC(2026, 2, 29, 2, 30)) // 2026-03-29T03:00+02:00, the end of the gap
 */
export const fromWall = (zone: Zone, wall: number): number => instantsOfWall(zone, wall)[0]!;

/** The instant at which `zone` shows `ms` past midnight of `day` (ms may be 24 h: the next midnight). */
export const atWallTime = (zone: Zone, day: number, ms: number): number => fromWall(zone, day * DAY_MS + ms);
