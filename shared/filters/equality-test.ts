import { equalsLowerCase, lowerCase } from './lower-case.ts';
import { isDateOnly, parseInstant, startOfUtcDay } from './temporal-values.ts';
import type { TriTest, ValueTest } from './value-test.ts';

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

// A bare date on either side compares UTC calendar days; two datetimes compare instants.
const equalsInstant = (expected: string, expectedMs: number): TriTest => {
  const byText = equalsText(expected);
  const expectedDay = startOfUtcDay(expectedMs);
  const filterIsDate = isDateOnly(expected);
  return (value, ctx) => {
    if (typeof value !== 'string') return byText(value, ctx);
    const ms = parseInstant(value);
    if (Number.isNaN(ms)) return byText(value, ctx);
    return filterIsDate || isDateOnly(value) ? startOfUtcDay(ms) === expectedDay : ms === expectedMs;
  };
};

/** Equality as `eq`, `neq` and `changedTo` mean it: case-insensitive text, numbers, booleans, dates by day. */
export const compileEquality = (expected: string | number | boolean): ValueTest => {
  if (typeof expected === 'boolean') return { test: equalsBoolean(expected), expects: 'true or false' };
  if (typeof expected === 'number') return { test: equalsNumber(expected), expects: 'a number' };
  const ms = parseInstant(expected);
  if (!Number.isNaN(ms)) return { test: equalsInstant(expected, ms), expects: 'a text, date or datetime' };
  return { test: equalsText(expected), expects: 'a text' };
};

// Below this many text values a scan beats lowercasing the record value and hashing it.
const SCAN_LIMIT = 4;

/** Membership as `in` and `notIn` mean it: text case-insensitively, numbers numerically. */
export const compileMembership = (values: readonly (string | number)[]): ValueTest => {
  const texts = new Set<string>();
  const numbers = new Set<number>();
  for (const item of values) {
    if (typeof item === 'number') numbers.add(item);
    // "" never matches: an empty record value is "not set", never a member.
    else if (item !== '') texts.add(item.toLowerCase());
  }
  const scanned = [...texts];
  const hasText =
    scanned.length <= SCAN_LIMIT
      ? (value: string) => {
          for (const lower of scanned) if (equalsLowerCase(value, lower)) return true;
          return false;
        }
      : (value: string) => texts.has(lowerCase(value));
  return {
    test: (value) => {
      if (typeof value === 'string') return value === '' ? undefined : hasText(value);
      return typeof value === 'number' && !Number.isNaN(value) ? numbers.has(value) : undefined;
    },
    expects: 'a text or a number',
  };
};
