import type { Zone } from 'luxon';
import { dayOf, isoDateOf, WEEKDAYS, weekdayOf } from '../time/calendar-day.ts';
import { msOfTime } from '../time/time-of-day.ts';
import { zoneOf } from '../time/time-zone.ts';
import { atWallTime, toWall } from '../time/wall-time.ts';
import type { ExecutionWindow, ScheduleSettings } from '../workflow/settings.schema.ts';
import { spreadMs } from './key-spread.ts';

/** The schedule part of the settings, before or after defaults. */
export type ScheduleInput = Partial<Pick<ScheduleSettings, 'timeZone' | 'executionWindows' | 'blockedDates'>>;

/** How far ahead an open moment is looked for before the settings are called unsatisfiable. */
const SEARCH_DAYS = 2 * 366;

/** Without windows, blocked dates alone leave every other day open from midnight to midnight. */
const WHOLE_DAY: ExecutionWindow = { days: [...WEEKDAYS], start: '00:00', end: '24:00' };

interface Opening {
  readonly start: number;
  readonly end: number;
}

/** The windows of one local date as instants; an edge skipped by a gap moves to the gap's end, so a window may become empty. */
const openingsOn = (zone: Zone, day: number, windows: readonly ExecutionWindow[]): Opening[] => {
  const weekday = weekdayOf(day);
  return windows
    .filter((window) => window.days.includes(weekday))
    .map((window) => ({
      start: atWallTime(zone, day, msOfTime(window.start)),
      end: atWallTime(zone, day, msOfTime(window.end)),
    }))
    .filter((opening) => opening.start < opening.end);
};

/**
 * The instant an action due at `due` may run: `due` itself when it falls inside an execution window
 * (start inclusive, end exclusive) on a non-blocked local date, else the start of the next window on
 * a non-blocked date plus a spread of whole seconds in [0, 15 min) drawn from `key` (never past that
 * window's end). Throws when no open moment exists within two years.
 * @example nextRunAt(new Date('2026-03-28T10:00:00Z'), { timeZone: 'Europe/Paris', executionWindows: weekdays9to17 }, 'a') // Monday 09:08:40
 */
export const nextRunAt = (due: Date, settings: ScheduleInput, key: string): Date => {
  const windows = settings.executionWindows ?? [];
  const blocked = new Set(settings.blockedDates ?? []);
  if (windows.length === 0 && blocked.size === 0) return due;
  const zone = zoneOf(settings.timeZone ?? 'UTC');
  const open = windows.length > 0 ? windows : [WHOLE_DAY];
  const at = due.getTime();
  const dueDay = dayOf(toWall(zone, at));
  let next: Opening | undefined;
  // From the day before: a window ending at 24:00 can reach into the next date when midnight falls in a gap.
  for (let day = dueDay - 1; day <= dueDay + SEARCH_DAYS; day++) {
    if (!blocked.has(isoDateOf(day))) {
      for (const opening of openingsOn(zone, day, open)) {
        if (opening.start <= at && at < opening.end) return due;
        if (opening.start > at && (!next || opening.start < next.start)) next = opening;
      }
    }
    // Wall-to-instant resolution keeps order, so later dates cannot open earlier than what this date offers.
    if (next && day >= dueDay) {
      return new Date(next.start + spreadMs(key, next.end - next.start));
    }
  }
  throw new Error(
    `no open moment within ${SEARCH_DAYS} days after ${due.toISOString()} (${zone.name}): ` +
      'every day is blocked or outside the execution windows',
  );
};
