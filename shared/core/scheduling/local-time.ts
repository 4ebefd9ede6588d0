import { IANAZone } from 'luxon';
import { WEEKDAYS, type Weekday } from '../time/iso-duration.ts';

/*
 * Local times are handled as "wall" milliseconds: the clock reading of a zone
 * counted as if it were UTC. Calendar arithmetic happens on walls (plain UTC
 * Date maths, no zone involved); only `toWall` and `fromWall` consult the
 * time-zone database, so every daylight-saving decision lives in one place.
 * Calendar dates are day numbers: whole days since 1970-01-01.
 */

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** The luxon zone of an IANA name; throws on a name the time-zone database does not know. */
export const zoneOf = (name: string): IANAZone => {
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new Error(`"${name}" is not an IANA time-zone name`);
  return zone;
};

/** The wall clock (as UTC-counted milliseconds) that `zone` shows at `instant`. */
export const toWall = (zone: IANAZone, instant: number): number => instant + zone.offset(instant) * MINUTE_MS;

/**
 * Every instant at which `zone` shows `wall`, earliest first: two in a fall-back overlap, and in a
 * spring-forward gap the single first instant shown after it (the end of the gap).
 */
export const instantsOfWall = (zone: IANAZone, wall: number): number[] => {
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
export const fromWall = (zone: IANAZone, wall: number): number => instantsOfWall(zone, wall)[0]!;

/** The day number of a wall time. */
export const dayOf = (wall: number): number => Math.floor(wall / DAY_MS);

/** Milliseconds since local midnight of a wall time. */
export const msOfDay = (wall: number): number => wall - dayOf(wall) * DAY_MS;

/** The instant at which `zone` shows `ms` past midnight of `day` (ms may be 24 h: the next midnight). */
export const atWallTime = (zone: IANAZone, day: number, ms: number): number =>
  fromWall(zone, day * DAY_MS + ms);

/** `YYYY-MM-DD` of a day number. */
export const isoDateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The day number of a `YYYY-MM-DD` date (assumed valid). */
export const dayOfIsoDate = (date: string): number =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;

/** The weekday of a day number (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number): Weekday => WEEKDAYS[(((day + 3) % 7) + 7) % 7]!;

/** Milliseconds since midnight of `HH:mm` (`24:00` included). */
export const msOfTime = (time: string): number =>
  (Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))) * MINUTE_MS;
