import type { PropertyType } from '../records/property.schema.ts';
import { startOfUtcDay } from '../time/calendar-day.ts';
import { isDateOnly } from '../time/date-value.ts';
import { subtractDuration } from '../time/duration-math.ts';
import { parseIsoDuration } from '../time/iso-duration.ts';
import { nowOf } from './filter-input.ts';
import type { ValueCell } from './value-cell.ts';
import { incomparable, type ValueTest } from './value-comparison.ts';

/**
 * `withinLast` (and, negated, `notWithinLast`): the record's date/datetime lies in `[now − duration, now]`.
 * A record date is its whole UTC day, so it is within when that day overlaps the window. A property known to be
 * neither a date nor a datetime is never within: a text that looks like a date is still text.
 */
export const compileWithinLast = (
  duration: string,
  type: PropertyType | undefined,
  cell: ValueCell,
): ValueTest => {
  if (type !== undefined && type !== 'date' && type !== 'datetime') {
    return incomparable(`a date or datetime (a ${type} property is neither)`);
  }
  const parsed = parseIsoDuration(duration);
  if (!parsed) return incomparable('a valid duration in the filter');
  // Many records are evaluated at the same instant: remember the last window rather than recompute it.
  let windowNow = Number.NaN;
  let windowStart = Number.NaN;
  return {
    test: (value, ctx) => {
      if (typeof value !== 'string') return undefined;
      const ms = cell.instant(value);
      if (Number.isNaN(ms)) return undefined;
      const now = nowOf(ctx);
      if (now !== windowNow) {
        windowStart = subtractDuration(now, parsed);
        windowNow = now;
      }
      return isDateOnly(value)
        ? ms >= startOfUtcDay(windowStart) && ms <= startOfUtcDay(now)
        : ms >= windowStart && ms <= now;
    },
    expects: 'a date or datetime',
  };
};
