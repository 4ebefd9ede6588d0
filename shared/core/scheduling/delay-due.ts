import { addBusinessDuration } from '../time/business-duration.ts';
import { DAY_MS, dayOf, weekdayOf } from '../time/calendar-day.ts';
import { parseDateValue } from '../time/date-value.ts';
import { addDuration, addDurationToWall } from '../time/duration-math.ts';
import { durationOf } from '../time/iso-duration.ts';
import { msOfTime } from '../time/time-of-day.ts';
import { zoneOf } from '../time/time-zone.ts';
import { instantsOfWall, toWall } from '../time/wall-time.ts';
import { anchorDueAt } from './anchor-due.ts';
import type { DelayContext, DelayDue, DelaySpec, DelaySpecOf } from './delay-context.ts';

const at = (instant: number): DelayDue => ({ kind: 'at', at: new Date(instant) });

/** `delay`: see addDuration (calendar parts on the local wall clock, clock parts elapsed) and addBusinessDuration. */
const delayDue = (action: DelaySpecOf<'delay'>, ctx: DelayContext): DelayDue => {
  const zone = zoneOf(ctx.timeZone);
  const duration = durationOf(action.duration);
  const reached = ctx.reachedAt.getTime();
  return at(
    action.businessDays
      ? addBusinessDuration(zone, reached, duration, new Set(ctx.blockedDates ?? []))
      : addDuration(zone, reached, duration),
  );
};

/**
 * The base (a date at `time` or 00:00, a datetime at its own instant or at `time` on its local date) plus the
 * offset; an instant already past continues at once; a missing value unenrolls only when `ifMissing` says so.
 */
const untilDateDue = (action: DelaySpecOf<'delayUntilDate'>, ctx: DelayContext): DelayDue => {
  const zone = zoneOf(ctx.timeZone);
  const reached = ctx.reachedAt.getTime();
  const value = parseDateValue(
    action.date ?? (action.property === undefined ? undefined : ctx.properties?.[action.property]),
  );
  if (!value) return action.ifMissing === 'unenroll' ? { kind: 'unenroll' } : at(reached);
  const offset = durationOf(action.offset ?? 'PT0S');
  let instant: number;
  if (value.kind === 'datetime' && action.time === undefined) {
    instant = addDuration(zone, value.instant, offset);
  } else {
    const day = value.kind === 'date' ? value.day : dayOf(toWall(zone, value.instant));
    instant = addDurationToWall(zone, day * DAY_MS + msOfTime(action.time ?? '00:00'), offset);
  }
  return at(Math.max(instant, reached));
};

/** The first instant at or after reaching the delay on one of `days` (default: any) at local `time`. */
const untilDayTimeDue = (action: DelaySpecOf<'delayUntilDayTime'>, ctx: DelayContext): DelayDue => {
  const zone = zoneOf(ctx.timeZone);
  const reached = ctx.reachedAt.getTime();
  const time = msOfTime(action.time);
  const today = dayOf(toWall(zone, reached));
  // Eight dates cover every weekday, including today's again when its time has already gone by.
  for (let day = today; day <= today + 7; day++) {
    if (action.days && !action.days.includes(weekdayOf(day))) continue;
    // In a fall-back overlap the later of the two instants showing `time` still counts.
    const instant = instantsOfWall(zone, day * DAY_MS + time).find((candidate) => candidate >= reached);
    if (instant !== undefined) return at(instant);
  }
  throw new Error('a delayUntilDayTime needs at least one day');
};

/**
 * The instant a record that reached a delay goes on, for every delay type (see each rule's TSDoc).
 * @example delayDueAt({ type: 'delay', duration: 'P1D' }, { reachedAt, timeZone: 'Europe/Paris' }) // { kind: 'at', at: same wall time tomorrow }
 */
export const delayDueAt = (action: DelaySpec, ctx: DelayContext): DelayDue => {
  switch (action.type) {
    case 'delay':
      return delayDue(action, ctx);
    case 'delayUntilDate':
      return untilDateDue(action, ctx);
    case 'delayUntilDayTime':
      return untilDayTimeDue(action, ctx);
    case 'delayUntilAnchor':
      return anchorDueAt(action, ctx);
    default: {
      const unreachable: never = action;
      throw new Error(`not a delay: ${JSON.stringify(unreachable)}`);
    }
  }
};
