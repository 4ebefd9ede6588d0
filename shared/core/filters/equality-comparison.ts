import type { PropertyType } from '../records/property.schema.ts';
import { startOfUtcDay } from '../time/calendar-day.ts';
import { isDateOnly, parseInstant } from '../time/date-value.ts';
import type { ValueCell } from './value-cell.ts';
import { incomparable, numberOf, type TriTest, type ValueTest } from './value-comparison.ts';

const booleanOf = (text: string): boolean | undefined =>
  text === 'true' ? true : text === 'false' ? false : undefined;

const equalsBoolean =
  (expected: boolean, cell: ValueCell): TriTest =>
  (value) => {
    if (typeof value === 'boolean') return value === expected;
    if (typeof value !== 'string') return undefined;
    const parsed = booleanOf(cell.lower(value));
    return parsed === undefined ? undefined : parsed === expected;
  };

const equalsNumber =
  (expected: number): TriTest =>
  (value) =>
    typeof value === 'number' && !Number.isNaN(value) ? value === expected : undefined;

const equalsText = (expected: string, cell: ValueCell): TriTest => {
  const lower = expected.toLowerCase();
  const asBoolean = booleanOf(lower);
  return (value) => {
    if (typeof value === 'string') {
      if (value === '') return undefined;
      return value === expected || cell.lower(value) === lower;
    }
    return typeof value === 'boolean' && asBoolean !== undefined ? value === asBoolean : undefined;
  };
};

const numberEquality = (expected: number): ValueTest => ({
  test: equalsNumber(expected),
  expects: 'a number',
  shape: { kind: 'number', operator: 'eq', low: expected, high: expected },
});

/** Text equality: its shape only when no boolean compares with it (`"true"`, `"false"`). */
const textEquality = (expected: string, cell: ValueCell): ValueTest => {
  const lower = expected.toLowerCase();
  return {
    test: equalsText(expected, cell),
    expects: 'a text',
    ...(booleanOf(lower) === undefined ? { shape: { kind: 'text', lower } as const } : {}),
  };
};

const notComparable: TriTest = () => undefined;

// A bare date on either side (or a `date` property: `byDay`) compares UTC calendar days; two datetimes compare
// instants. A record value that is no date goes to `otherwise`.
const equalsInstant = (
  expected: string,
  expectedMs: number,
  byDay: boolean,
  otherwise: TriTest,
  cell: ValueCell,
): TriTest => {
  const expectedDay = startOfUtcDay(expectedMs);
  const filterByDay = byDay || isDateOnly(expected);
  return (value, ctx) => {
    if (typeof value !== 'string') return otherwise(value, ctx);
    const ms = cell.instant(value);
    if (Number.isNaN(ms)) return otherwise(value, ctx);
    return filterByDay || isDateOnly(value) ? startOfUtcDay(ms) === expectedDay : ms === expectedMs;
  };
};

/**
 * Equality as `eq`, `neq` and `changedTo` mean it: case-insensitive text, numbers, booleans, dates by day.
 * Record values are normalised through `cell`.
 */
export const compileEquality = (expected: string | number | boolean, cell: ValueCell): ValueTest => {
  if (typeof expected === 'boolean') return { test: equalsBoolean(expected, cell), expects: 'true or false' };
  if (typeof expected === 'number') return numberEquality(expected);
  const ms = parseInstant(expected);
  if (!Number.isNaN(ms)) {
    return {
      test: equalsInstant(expected, ms, false, equalsText(expected, cell), cell),
      expects: 'a text, date or datetime',
    };
  }
  return textEquality(expected, cell);
};

/**
 * Equality on a property whose type is known: strings and enumerations as case-insensitive text (never read as
 * dates or numbers), numbers, booleans, dates by UTC day and datetimes as instants (by day against a bare date).
 */
export const compileTypedEquality = (
  expected: string | number | boolean,
  propertyType: PropertyType,
  cell: ValueCell,
): ValueTest => {
  switch (propertyType) {
    case 'string':
    case 'enumeration':
      return textEquality(String(expected), cell);
    case 'number': {
      const number = numberOf(expected);
      if (number === undefined)
        return incomparable('a number equal to the filter value, which is not a number');
      return numberEquality(number);
    }
    case 'bool': {
      const bool = typeof expected === 'boolean' ? expected : booleanOf(String(expected).toLowerCase());
      if (bool === undefined)
        return incomparable('true or false equal to the filter value, which is neither');
      return { test: equalsBoolean(bool, cell), expects: 'true or false' };
    }
    case 'date':
    case 'datetime': {
      const ms = typeof expected === 'string' ? parseInstant(expected) : Number.NaN;
      if (Number.isNaN(ms))
        return incomparable(`a ${propertyType} equal to the filter value, which is not one`);
      return {
        test: equalsInstant(expected as string, ms, propertyType === 'date', notComparable, cell),
        expects: `a ${propertyType}`,
      };
    }
    default:
      // A type the engine does not know (from an unvalidated caller): compare as the values suggest.
      propertyType satisfies never;
      return compileEquality(expected, cell);
  }
};

// Below this many text values a scan beats hashing the record value's lowercase.
const SCAN_LIMIT = 4;

/** A membership test of lowercase texts. */
const memberOf = (lowers: readonly string[]): ((lower: string) => boolean) => {
  if (lowers.length <= SCAN_LIMIT) {
    return (lower) => {
      for (const member of lowers) if (member === lower) return true;
      return false;
    };
  }
  const set = new Set(lowers);
  return (lower) => set.has(lower);
};

/**
 * The text values of an `in` filter, as `eq` would compare each with a text: case-insensitively and, with
 * `dates`, a date-like one by day or instant against a record value that is a date (`""` compares with every
 * text and equals none). `undefined` when the value is no text: a boolean is no member of anything.
 */
const textMembership = (texts: readonly string[], dates: boolean, cell: ValueCell): TriTest => {
  const plain: string[] = [];
  const dated: string[] = [];
  // UTC days of every date-like value, of the bare dates among them, and instants of the datetimes.
  const days = new Set<number>();
  const dateOnlyDays = new Set<number>();
  const instants = new Set<number>();
  for (const text of texts) {
    if (text === '') continue;
    const ms = dates ? parseInstant(text) : Number.NaN;
    if (Number.isNaN(ms)) {
      plain.push(text.toLowerCase());
      continue;
    }
    dated.push(text.toLowerCase());
    days.add(startOfUtcDay(ms));
    if (isDateOnly(text)) dateOnlyDays.add(startOfUtcDay(ms));
    else instants.add(ms);
  }
  const isPlain = memberOf(plain);
  const isDatedText = memberOf(dated);
  const hasText = texts.length > 0;
  return (value) => {
    if (typeof value !== 'string' || value === '' || !hasText) return undefined;
    const lower = cell.lower(value);
    if (isPlain(lower)) return true;
    if (dated.length === 0) return false;
    const ms = cell.instant(value);
    if (Number.isNaN(ms)) return isDatedText(lower);
    const day = startOfUtcDay(ms);
    return isDateOnly(value) ? days.has(day) : dateOnlyDays.has(day) || instants.has(ms);
  };
};

const isNumber = (value: unknown): value is number => typeof value === 'number' && !Number.isNaN(value);

/**
 * Membership as `in` and `notIn` mean it: `in` is true when the record value equals one of the values as `eq`
 * compares them, `notIn` when it can be compared with one of them and equals none. Untyped, a text compares
 * with the text values (a date-like one as a date, as `eq` does) and a number with the numeric ones; a value
 * of a kind the filter has none of (a text against numbers, a boolean) is neither a member nor a non-member.
 * A `string` or `enumeration` property compares every value as text, a `number` property every value as a
 * number (`"72"` reads as 72).
 */
export const compileMembership = (
  values: readonly (string | number)[],
  type: PropertyType | undefined,
  cell: ValueCell,
): ValueTest => {
  if (type === 'number') {
    const numbers = new Set<number>();
    for (const item of values) {
      const number = numberOf(item);
      if (number !== undefined) numbers.add(number);
    }
    if (numbers.size === 0) return incomparable('a number in the values, of which none is a number');
    return numberMembership(numbers);
  }
  if (type === 'string' || type === 'enumeration') return textsMembership(values.map(String), false, cell);
  if (type !== undefined) {
    return incomparable(`a text or a number ("in" does not apply to a ${type} property)`);
  }
  const texts: string[] = [];
  const numbers = new Set<number>();
  for (const item of values) {
    if (typeof item === 'number') numbers.add(item);
    else texts.push(item);
  }
  // One closure per filter on the hot path: the text test alone when there is no number, and vice versa.
  if (numbers.size === 0) return textsMembership(texts, true, cell);
  if (texts.length === 0) return numberMembership(numbers);
  const text = textMembership(texts, true, cell);
  const number = numberMembership(numbers).test;
  return {
    test: (value, ctx) => (typeof value === 'number' ? number(value, ctx) : text(value, ctx)),
    expects: 'a text or a number',
  };
};

const numberMembership = (members: ReadonlySet<number>): ValueTest => ({
  test: (value) => (isNumber(value) ? members.has(value) : undefined),
  expects: 'a number',
  shape: { kind: 'numbers', members },
});

/** Membership in texts: its shape when none of them reads as a date (or `dates` is off). */
const textsMembership = (texts: readonly string[], dates: boolean, cell: ValueCell): ValueTest => {
  const lowers: string[] = [];
  let dated = false;
  for (const text of texts) {
    if (text === '') continue;
    if (dates && !Number.isNaN(parseInstant(text))) dated = true;
    lowers.push(text.toLowerCase());
  }
  return {
    test: textMembership(texts, dates, cell),
    expects: 'a text',
    ...(dated || texts.length === 0 ? {} : { shape: { kind: 'texts', lowers } as const }),
  };
};
