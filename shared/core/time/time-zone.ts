import { FixedOffsetZone, IANAZone } from 'luxon';

// The time-zone database also takes fixed offsets ("+01:00", "+0100") as zones; a name starts with a letter.
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+\-/]*$/;

/** UTC as a luxon zone that answers offsets without asking the time-zone database. */
export const UTC_ZONE = FixedOffsetZone.utcInstance;

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

/** The luxon zone of an IANA name; throws on a name the time-zone database does not know. */
export const zoneOf = (name: string): IANAZone => {
  const zone = IANAZone.create(name);
  if (!zone.isValid) throw new Error(`"${name}" is not an IANA time-zone name`);
  return zone;
};
