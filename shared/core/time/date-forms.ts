import { DAY_MS } from './calendar-day.ts';
import { isDateOnly, parseInstant } from './date-value.ts';

/**
 * The canonical stored form of a date or datetime value: a date stays `YYYY-MM-DD`, a datetime becomes UTC
 * `YYYY-MM-DDTHH:mm:ss.sssZ` (as `Date.prototype.toISOString` writes it); `undefined` when it is neither.
 * @example normalizeDateValue('2026-03-01 10:00+02:00') // '2026-03-01T08:00:00.000Z'
 */
export const normalizeDateValue = (text: string): string | undefined => {
  const millis = parseInstant(text);
  if (Number.isNaN(millis)) return undefined;
  return isDateOnly(text) ? text : new Date(millis).toISOString();
};

/** The first and last instants (ms, inclusive) a date or datetime value stands for. */
export interface DateSpan {
  readonly first: number;
  readonly last: number;
}

/**
 * What a date or datetime value covers: a datetime its one instant, a date its whole UTC day (00:00 to its
 * last millisecond); `undefined` when it is neither.
 * @example dateSpan('2026-03-01') // { first: Date.parse('2026-03-01T00:00:00Z'), last: first + 86_399_999 }
 */
export const dateSpan = (text: string): DateSpan | undefined => {
  const first = parseInstant(text);
  if (Number.isNaN(first)) return undefined;
  return { first, last: isDateOnly(text) ? first + DAY_MS - 1 : first };
};
