import { IANAZone } from 'luxon';
import { z } from 'zod';

// The time-zone database also takes fixed offsets ("+01:00", "+0100") as zones; a name starts with a letter.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

/** True when `name` is an IANA time-zone name (not a fixed offset) this runtime's time-zone database knows. */
export const isTimeZone = (name: string): boolean => ZONE_NAME.test(name) && IANAZone.isValidZone(name);

/**
 * The spelling of a time-zone name as the database writes it, when the name differs from it in case
 * only; any other name is kept as given (the runtime would turn the alias `Asia/Kolkata` into
 * `Asia/Calcutta`, and a user must get back the name they chose).
 * @example canonicalTimeZone('europe/paris') // 'Europe/Paris'
 */
export const canonicalTimeZone = (name: string): string => {
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
};

/** An IANA time-zone name such as `Europe/Paris`, kept in its canonical spelling. */
export const TimeZoneSchema = z
  .string()
  .superRefine((name, ctx) => {
    if (isTimeZone(name)) return;
    const message = /^[+-]/.test(name)
      ? `"${name}" is a fixed offset, not an IANA time-zone name (e.g. Europe/Paris): daylight-saving changes need the zone's name`
      : `"${name}" is not an IANA time-zone name (e.g. Europe/Paris)`;
    ctx.addIssue({ code: 'custom', message });
  })
  // One zone, one stored name: "europe/paris" and "Europe/Paris" must not read as two settings.
  .transform(canonicalTimeZone);
