import { isoDateOf, WEEKDAYS, type Weekday, weekdayOf } from '../../time/calendar-day.ts';
import { dayOfIsoDate } from '../../time/date-value.ts';
import { minutesOfDay } from '../../time/time-of-day.ts';
import type { WorkflowSettings } from '../settings.schema.ts';
import { type RuleContext, report } from './rule-context.ts';

/**
 * The longest stretch with no open execution window that blocked dates may make. Past it, a record would wait
 * more than a year for its next action — longer than a Step Functions execution lives — so such a schedule is
 * taken as "every day blocked".
 */
export const MAX_CLOSED_DAYS = 366;

const checkWindows = (context: RuleContext, settings: WorkflowSettings) => {
  const byDay = new Map<Weekday, { index: number; start: number; end: number }[]>();
  settings.executionWindows.forEach((window, index) => {
    const days = new Set<Weekday>();
    window.days.forEach((day, dayIndex) => {
      if (days.has(day)) {
        report(
          context,
          ['settings', 'executionWindows', index, 'days', dayIndex],
          `"${day}" is listed twice`,
        );
        return;
      }
      days.add(day);
      const windows = byDay.get(day) ?? [];
      windows.push({ index, start: minutesOfDay(window.start), end: minutesOfDay(window.end) });
      byDay.set(day, windows);
    });
  });
  const reported = new Set<string>();
  for (const day of WEEKDAYS) {
    const windows = byDay.get(day) ?? [];
    for (const [position, later] of windows.entries()) {
      for (const earlier of windows.slice(0, position)) {
        const key = `${earlier.index}/${later.index}`;
        if (later.start < earlier.end && earlier.start < later.end && !reported.has(key)) {
          reported.add(key);
          const window = settings.executionWindows[earlier.index]!;
          report(
            context,
            ['settings', 'executionWindows', later.index],
            `overlaps executionWindows[${earlier.index}] (${window.start}–${window.end}) on ${day}: windows of the same day must not overlap`,
          );
        }
      }
    }
  }
  return new Set(byDay.keys());
};

/** The longest run of consecutive days with no open window, among the runs that blocked dates make. */
const longestClosedRun = (blocked: ReadonlySet<number>, openWeekdays: ReadonlySet<Weekday>) => {
  const isClosed = (day: number) => blocked.has(day) || !openWeekdays.has(weekdayOf(day));
  let longest = { first: 0, last: -1 };
  const visited = new Set<number>();
  for (const day of blocked) {
    if (visited.has(day)) continue;
    let first = day;
    let last = day;
    // Outside blocked dates a closed run lasts at most 6 days (a week has an open weekday), so both walks end.
    while (isClosed(first - 1)) first--;
    while (isClosed(last + 1)) last++;
    for (let covered = first; covered <= last; covered++) if (blocked.has(covered)) visited.add(covered);
    if (last - first > longest.last - longest.first) longest = { first, last };
  }
  return { ...longest, days: longest.last - longest.first + 1 };
};

/** Settings rules the schema cannot see: overlapping windows, duplicate blocked dates, a schedule never open. */
export const checkSettings = (context: RuleContext, settings: WorkflowSettings): void => {
  const windowDays = checkWindows(context, settings);
  const openWeekdays = settings.executionWindows.length === 0 ? new Set(WEEKDAYS) : windowDays;

  const blocked = new Map<number, number>();
  settings.blockedDates.forEach((date, index) => {
    const day = dayOfIsoDate(date);
    const first = blocked.get(day);
    if (first === undefined) blocked.set(day, index);
    else
      report(
        context,
        ['settings', 'blockedDates', index],
        `"${date}" is already blocked (blockedDates[${first}])`,
      );
  });
  if (blocked.size === 0 || openWeekdays.size === 0) return;

  const run = longestClosedRun(new Set(blocked.keys()), openWeekdays);
  if (run.days > MAX_CLOSED_DAYS) {
    report(
      context,
      ['settings', 'blockedDates'],
      `block every execution window from ${isoDateOf(run.first)} to ${isoDateOf(run.last)} (${run.days} days): a record would wait more than a year for its next action; leave a window open at least once in ${MAX_CLOSED_DAYS} days`,
    );
  }
};
