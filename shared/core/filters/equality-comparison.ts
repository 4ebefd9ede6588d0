import type { PropertyType } from '../records/property.schema.ts';
import { startOfUtcDay } from '../time/calendar-day.ts';
import { isDateOnly, parseInstant } from '../time/date-value.ts';
import { equalsLowerCase, lowerCase } from './lower-case.ts';
import { incomparable, numberOf, type TriTest, type ValueTest } from './value-comparison.ts';

const booleanOf = (text: string): boolean | undefined =>
  text === 'true' ? true : text === 'false' ? false : undefined;

const equalsBoolean =
  (expected: boolean): TriTest =>
  (value) => {
    if (typeof value === 'boolean') return value === expected;
    if (typeof value !== 'string') return undefined;
    const parsed = booleanOf(lowerCase(value));
    return parsed === undefined ? undefined : parsed === expected;
  };

const equalsNumber =
  (expected: number): TriTest =>
  (value) =>
    typeof value === 'number' && !Number.isNaN(value) ? value === expected : undefined;

const equalsText = (expected: string): TriTest => {
  const lower = expected.toLowerCase();
  const asBoolean = booleanOf(lower);
  return (value) => {
    if (typeof value === 'string') {
      if (value === '') return undefined;
      return value === expected || equalsLowerCase(value, lower);
    }
    return typeof value === 'boolean' && asBoolean !== undefined ? value === asBoolean : undefined;
  };
};

const notComparable: TriTest = () => undefined;

// A bare date on either side (or a `date` property: `byDay`) compares UTC calendar days; two datetimes compare
// instants. A record value that is no date goes to `otherwise`.
const equalsInstant = (expected: string, expectedMs: number, byDay: boolean, otherwise: TriTest): TriTest => {
  const expectedDay = startOfUtcDay(expectedMs);
  const filterByDay = byDay || isDateOnly(expected);
  return (value, ctx) => {
    if (typeof value !== 'string') return otherwise(value, ctx);
    const ms = parseInstant(value);
    if (Number.isNaN(ms)) return otherwise(value, ctx);
    return filterByDay || isDateOnly(value) ? startOfUtcDay(ms) === expectedDay : ms === expectedMs;
  };
};

/** Equality as `eq`, `neq` and `changedTo` mean it: case-insensitive text, numbers, booleans, dates by day. */
export const compileEquality = (expected: string | number | boolean): ValueTest => {
  if (typeof expected === 'boolean') return { test: equalsBoolean(expected), expects: 'true or false' };
  if (typeof expected === 'number') return { test: equalsNumber(expected), expects: 'a number' };
  const ms = parseInstant(expected);
  if (!Number.isNaN(ms)) {
    return {
      test: equalsInstant(expected, ms, false, equalsText(expected)),
      expects: 'a text, date or datetime',
    };
  }
  return { test: equalsText(expected), expects: 'a text' };
};

/**
 * Equality on a property whose type is known: strings and enumerations as case-insensitive text (never read as
 * dates or numbers), numbers, booleans, dates by UTC day and datetimes as instants (by day against a bare date).
 */
export const compileTypedEquality = (
  expected: string | number | boolean,
  propertyType: PropertyType,
): ValueTest => {
  switch (propertyType) {
    case 'string':
    case 'enumeration':
      return { test: equalsText(String(expected)), expects: 'a text' };
    case 'number': {
      const number = numberOf(expected);
      if (number === undefined)
        return incomparable('a number equal to the filter value, which is not a number');
      return { test: equalsNumber(number), expects: 'a number' };
    }
    case 'bool': {
      const bool = typeof expected === 'boolean' ? expected : booleanOf(String(expected).toLowerCase());
      if (bool === undefined)
        return incomparable('true or false equal to the filter value, which is neither');
      return { test: equalsBoolean(bool), expects: 'true or false' };
    }
    case 'date':
    case 'datetime': {
      const ms = typeof expected === 'string' ? parseInstant(expected) : Number.NaN;
      if (Number.isNaN(ms))
        return incomparable(`a ${propertyType} equal to the filter value, which is not one`);
      return {
        test: equalsInstant(expected as string, ms, propertyType === 'date', notComparable),
        expects: `a ${propertyType}`,
      };
    }
    default:
      // A type the engine does not know (from an unvalidated caller): compare as the values suggest.
      propertyType satisfies never;
      return compileEquality(expected);
  }
};

// Below this many text values a scan beats lowercasing the record value and hashing it.
const SCAN_LIMIT = 4;

/**
 * Membership as `in` and `notIn` mean it: text case-insensitively, numbers numerically. With a known type, a
 * `string`/`enumeration` property compares every value as text, a `number` property every value as a number.
 */
export const compileMembership = (values: readonly (string | number)[], type?: PropertyType): ValueTest => {
  if (type !== undefined && type !== 'string' && type !== 'enumeration' && type !== 'number') {
    return incomparable(`a text or a number ("in" does not apply to a ${type} property)`);
  }
  const texts = new Set<string>();
  const numbers = new Set<number>();
  for (const item of values) {
    if (type === 'number') {
      const number = numberOf(item);
      if (number !== undefined) numbers.add(number);
    } else if (typeof item === 'number' && type === undefined) numbers.add(item);
    // "" never matches: an empty record value is "not set", never a member.
    else if (item !== '') texts.add(String(item).toLowerCase());
  }
  const scanned = [...texts];
  const hasText =
    scanned.length <= SCAN_LIMIT
      ? (value: string) => {
          for (const lower of scanned) if (equalsLowerCase(value, lower)) return true;
          return false;
        }
      : (value: string) => texts.has(lowerCase(value));
  if (type === 'number') {
    return {
      test: (value) => (typeof value === 'number' && !Number.isNaN(value) ? numbers.has(value) : undefined),
      expects: 'a number',
    };
  }
  if (type !== undefined) {
    return {
      test: (value) => (typeof value === 'string' && value !== '' ? hasText(value) : undefined),
      expects: 'a text',
    };
  }
  return {
    test: (value) => {
      if (typeof value === 'string') return value === '' ? undefined : hasText(value);
      return typeof value === 'number' && !Number.isNaN(value) ? numbers.has(value) : undefined;
    },
    expects: 'a text or a number',
  };
};
