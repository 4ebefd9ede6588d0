/*
 * Calendar dates are day numbers: whole days since 1970-01-01. A day number is read off a UTC instant or a
 * "wall" time (a zone's clock reading counted as if it were UTC) alike.
 */

/** Milliseconds in a minute. */
export const MINUTE_MS = 60_000;
/** Milliseconds in a calendar day without a daylight-saving change (and in every UTC day). */
export const DAY_MS = 86_400_000;

/** The days of the week as settings and delays name them, Monday first. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** A day of the week: `mon` … `sun`. */
export type Weekday = (typeof WEEKDAYS)[number];

/** The day number of a wall time (or of a UTC instant: its UTC date). */
export const dayOf = (wall: number): number => Math.floor(wall / DAY_MS);

/** Milliseconds since midnight of a wall time. */
export const msOfDay = (wall: number): number => wall - dayOf(wall) * DAY_MS;

/** 00:00 UTC of the UTC calendar day holding `millis`. */
export const startOfUtcDay = (millis: number): number => dayOf(millis) * DAY_MS;

/** `YYYY-MM-DD` of a day number. */
export const isoDateOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** The weekday of a day number (1970-01-01 was a Thursday). */
export const weekdayOf = (day: number): Weekday => WEEKDAYS[(((day + 3) % 7) + 7) % 7]!;
