import { DAY_MS } from '../time/calendar-day.ts';
import { clockSeconds } from '../time/duration-length.ts';
import { durationOf } from '../time/iso-duration.ts';

/** A Standard Step Functions execution lives at most one year. */
const EXECUTION_LIFETIME_MS = 365 * DAY_MS;

/**
 * No execution sleeps past this long after its start: a later instant is reached by a new
 * execution that resumes at the same action (continue-as-new), so a wait of any length holds.
 */
const EXECUTION_HORIZON_MS = 360 * DAY_MS;

/**
 * The longest event-wait timeout: a wait that would outlive its execution continues in a new
 * one first, and must then end within that one's life.
 */
export const MAX_EVENT_TIMEOUT_SECONDS = (EXECUTION_HORIZON_MS - DAY_MS) / 1000;

/** The latest instant an execution started at `startedAt` may sleep until. */
export const horizonOf = (startedAt: Date): Date => new Date(startedAt.getTime() + EXECUTION_HORIZON_MS);

/** True when an event wait entered `now` with this timeout would outlive the execution started at `startedAt`. */
export const outlivesExecution = (startedAt: Date, now: Date, timeoutSeconds: number): boolean =>
  now.getTime() + timeoutSeconds * 1000 > startedAt.getTime() + EXECUTION_LIFETIME_MS - DAY_MS;

/**
 * Elapsed seconds of an event-wait timeout. Calendar parts count as 30-day months and
 * 365-day years: a state's timeout is a length of time, not a date.
 * @example timeoutSeconds('PT90M') // 5400
 */
export const timeoutSeconds = (text: string): number => {
  const d = durationOf(text);
  const days = d.years * 365 + d.months * 30 + d.weeks * 7 + d.days;
  return Math.ceil((days * DAY_MS) / 1000 + clockSeconds(d));
};
