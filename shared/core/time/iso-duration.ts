import { Duration } from 'luxon';

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

/**
 * An ISO 8601 duration as luxon reads it, its numbers as written (however large); `undefined` when it is
 * not one, or uses what luxon allows and the project does not: a sign inside (`P-1D`), a fraction on
 * another part than the seconds (`P1.5D`), a comma for the point, nothing after `P` or `T` (`P`, `PT`, `P1DT`).
 * @example readIsoDuration('-PT2H') // { sign: -1, hours: 2, … }
 */
export const readIsoDuration = (text: string): IsoDuration | undefined => {
  const negative = text.startsWith('-');
  const body = negative || text.startsWith('+') ? text.slice(1) : text;
  if (/[+\-,]/.test(body) || body === 'P' || body.endsWith('T')) return undefined;
  const read = Duration.fromISO(body);
  if (!read.isValid) return undefined;
  const { years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0 } = read.toObject();
  if (![years, months, weeks, days, hours, minutes].every(Number.isInteger)) return undefined;
  const seconds = (read.seconds ?? 0) + (read.milliseconds ?? 0) / 1000;
  return { sign: negative ? -1 : 1, years, months, weeks, days, hours, minutes, seconds };
};

/** True when every number of the duration is a safe integer: past 2^53 arithmetic on it would be silently wrong. */
export const isCountable = (d: IsoDuration): boolean =>
  [d.years, d.months, d.weeks, d.days, d.hours, d.minutes, Math.trunc(d.seconds)].every(Number.isSafeInteger);

/**
 * Parses an ISO 8601 duration such as `P2D`, `PT36H`, `P1Y2M` or `-P1D`; `undefined` when it is not one, or
 * holds a number past the safe integers.
 * @example parseIsoDuration('-PT2H') // { sign: -1, hours: 2, … }
 */
export const parseIsoDuration = (text: string): IsoDuration | undefined => {
  const duration = readIsoDuration(text);
  return duration && isCountable(duration) ? duration : undefined;
};

/** Parses a duration a schema has accepted; a malformed one is a fault of the caller, not of the record. */
export const durationOf = (text: string): IsoDuration => {
  const duration = parseIsoDuration(text);
  if (!duration) throw new Error(`"${text}" is not an ISO 8601 duration`);
  return duration;
};

/** True when the duration lasts no time at all. */
export const isZeroDuration = (d: IsoDuration): boolean =>
  d.years + d.months + d.weeks + d.days + d.hours + d.minutes + d.seconds === 0;
