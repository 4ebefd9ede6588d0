import { IANAZone } from 'luxon';
import { z } from 'zod';

/** True when `name` is an IANA time-zone name this runtime's time-zone database knows. */
export const isTimeZone = (name: string): boolean => IANAZone.isValidZone(name);

/** An IANA time-zone name such as `Europe/Paris`. */
export const TimeZoneSchema = z.string().superRefine((name, ctx) => {
  if (!isTimeZone(name)) {
    ctx.addIssue({ code: 'custom', message: `"${name}" is not an IANA time-zone name (e.g. Europe/Paris)` });
  }
});
