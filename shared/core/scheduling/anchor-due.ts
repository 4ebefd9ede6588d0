import type { Zone } from 'luxon';
import { DAY_MS, dayOf } from '../time/calendar-day.ts';
import { dayOfIsoDate, parseDateValue } from '../time/date-value.ts';
import { addDurationToWall, addMonthsToWall, clockMs } from '../time/duration-math.ts';
import { durationOf, type IsoDuration } from '../time/iso-duration.ts';
import { msOfTime } from '../time/time-of-day.ts';
import { zoneOf } from '../time/time-zone.ts';
import { toWall } from '../time/wall-time.ts';
import type { Anchor } from '../workflow/workflow.schema.ts';
import type { AnchorTiming, DelayContext, DelayDue, DelaySpecOf } from './delay-context.ts';

/** The anchor's local date (day number); a datetime counts by its date in the workflow's zone. */
const anchorDay = (anchor: Anchor, ctx: DelayContext, zone: Zone): number | undefined => {
  if (anchor.type === 'fixedDate') return dayOfIsoDate(anchor.date);
  const value = parseDateValue(ctx.properties?.[anchor.property]);
  if (!value) return undefined;
  return value.kind === 'date' ? value.day : dayOf(toWall(zone, value.instant));
};

/** Years an offset can move an occurrence by, plus one. */
const yearsOfReach = (offset: IsoDuration): number => {
  const days = offset.weeks * 7 + offset.days + clockMs(offset) / DAY_MS;
  return offset.years + Math.ceil(offset.months / 12) + Math.ceil(days / 365) + 1;
};

/**
 * delayUntilAnchor: the anchor's date at local `time`, then the offset (years to days on the wall clock,
 * hours to seconds as elapsed time). With `recurAnnually`, the occurrence is that of the first year — from the
 * anchor's own year on — in which some `delayUntilAnchor` on the record's path from this delay
 * (`ctx.anchorDelays`, and this one) is still ahead when the delay is reached; this delay's instant in that year
 * may be gone by, so the record skips forward to the occurrence's later delays rather than to next year. A record
 * without an anchor value is unenrolled; an instant already gone by is `passed`, so the executor skips to the
 * next anchor delay.
 */
export const anchorDueAt = (action: DelaySpecOf<'delayUntilAnchor'>, ctx: DelayContext): DelayDue => {
  const anchor = ctx.anchor;
  // The validator accepts delayUntilAnchor only in date-centered workflows, so this is a caller's fault.
  if (!anchor) throw new Error('delayUntilAnchor needs the workflow anchor in its context');
  const zone = zoneOf(ctx.timeZone);
  const base = anchorDay(anchor, ctx, zone);
  if (base === undefined) return { kind: 'unenroll' };
  const timingOf = ({ offset, time }: AnchorTiming) => ({ offset: durationOf(offset), time: msOfTime(time) });
  const own = timingOf(action);
  const instantOn = (day: number, { offset, time }: typeof own): number =>
    addDurationToWall(zone, day * DAY_MS + time, offset);
  const reached = ctx.reachedAt.getTime();
  const dueOn = (day: number): DelayDue => {
    const instant = instantOn(day, own);
    return instant >= reached
      ? { kind: 'at', at: new Date(instant) }
      : { kind: 'passed', at: new Date(instant) };
  };

  if (anchor.type === 'dateProperty' && anchor.recurAnnually) {
    const timings = [own, ...(ctx.anchorDelays ?? []).map(timingOf)];
    const baseYear = new Date(base * DAY_MS).getUTCFullYear();
    const reachedYear = new Date(toWall(zone, reached)).getUTCFullYear();
    // The year sought lies within the widest reach of the delays' offsets around this year.
    const reach = Math.max(...timings.map((timing) => yearsOfReach(timing.offset)));
    const first = Math.max(baseYear, reachedYear - reach);
    for (let year = first; year <= first + 2 * reach + 1; year++) {
      // The same month and day that year: 29 February becomes 28 February in a common year.
      const day = dayOf(addMonthsToWall(base * DAY_MS, 12 * (year - baseYear)));
      if (timings.some((timing) => instantOn(day, timing) >= reached)) return dueOn(day);
    }
    throw new Error(`no yearly occurrence of the anchor near ${ctx.reachedAt.toISOString()}`);
  }

  return dueOn(base);
};
