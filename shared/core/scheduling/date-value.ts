import type { PropertyValue } from '../records/record.schema.ts';
import { isCalendarDate } from '../time/iso-duration.ts';
import { DAY_MS, dayOfIsoDate, MINUTE_MS } from './local-time.ts';

/** A record's date-like value: a calendar date (day number) or an exact instant (epoch ms). */
export type DateValue =
  | { readonly kind: 'date'; readonly day: number }
  | { readonly kind: 'datetime'; readonly instant: number };

const DATETIME =
  /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Reads a property value as a `YYYY-MM-DD` date or an RFC 3339 datetime; `undefined` when missing,
 * empty, not a string, or not a date that exists.
 * @example parseDateValue('2026-03-29T01:00:00Z') // { kind: 'datetime', instant: 1774746000000 }
 */
export const parseDateValue = (value: PropertyValue | undefined): DateValue | undefined => {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (isCalendarDate(text)) return { kind: 'date', day: dayOfIsoDate(text) };
  const match = DATETIME.exec(text);
  if (!match) return undefined;
  const [, date, hh, mm, ss, fraction, zulu, sign, oh, om] = match;
  const [hours, minutes, seconds] = [Number(hh), Number(mm), Number(ss)];
  if (!isCalendarDate(date!) || hours > 23 || minutes > 59 || seconds > 59) return undefined;
  let offsetMinutes = 0;
  if (!zulu) {
    if (Number(oh) > 23 || Number(om) > 59) return undefined;
    offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  }
  const millis = Number((fraction ?? '').padEnd(3, '0').slice(0, 3));
  const wall = dayOfIsoDate(date!) * DAY_MS + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
  return { kind: 'datetime', instant: wall - offsetMinutes * MINUTE_MS };
};
