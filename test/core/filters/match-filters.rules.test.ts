import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Filter, PropertyFilter } from '../../../shared/core/filters/filter.schema.ts';
import { explainFilters, matchFilters } from '../../../shared/core/filters/match-filters.ts';
import type { PropertyType } from '../../../shared/core/records/property.schema.ts';
import { filterArbitrary, NOW } from './filter-arbitraries.ts';
import { allOf, contactWith } from './filter-test-helpers.ts';

const RUNS = 2_000;

/** The types each operator fits (workflow.md, "Filters"). */
const FITS: Readonly<Record<PropertyFilter['operator'], readonly PropertyType[] | 'all'>> = {
  eq: 'all',
  neq: 'all',
  lt: ['number', 'date', 'datetime'],
  lte: ['number', 'date', 'datetime'],
  gt: ['number', 'date', 'datetime'],
  gte: ['number', 'date', 'datetime'],
  between: ['number', 'date', 'datetime'],
  in: ['string', 'enumeration', 'number'],
  notIn: ['string', 'enumeration', 'number'],
  hasProperty: 'all',
  notHasProperty: 'all',
  contains: ['string'],
  notContains: ['string'],
  startsWith: ['string'],
  endsWith: ['string'],
  containsToken: ['string'],
  withinLast: ['date', 'datetime'],
  notWithinLast: ['date', 'datetime'],
  changed: 'all',
  changedTo: 'all',
};

const VALUES = [
  'lead',
  'LEAD',
  '1990-07-14',
  '1990',
  '2026-03-04T10:00:00Z',
  '42',
  'true',
  42,
  0,
  true,
  false,
];
const value = fc.constantFrom<unknown>(...VALUES, '', null, undefined);
const ownFilter = filterArbitrary.filter(
  (filter): filter is PropertyFilter => 'property' in filter && !filter.property.includes('.'),
) as fc.Arbitrary<PropertyFilter>;

/** The filter's result on a contact whose property holds `recordValue`, changed by the change evaluated. */
const evaluate = (filter: Filter, recordValue: unknown, type?: PropertyType): boolean => {
  const property = 'property' in filter ? filter.property : 'x';
  const input = contactWith(property, recordValue, { now: NOW, changedProperties: [property] });
  return matchFilters(allOf(filter), input, type ? { types: { [property]: type } } : undefined);
};

describe('an operator that does not fit the property type', () => {
  it('matches nothing, an empty value included whatever includeEmpty says', () => {
    const unfit = fc
      .tuple(
        ownFilter,
        fc.constantFrom<PropertyType>('string', 'number', 'bool', 'date', 'datetime', 'enumeration'),
      )
      .filter(([filter, type]) => FITS[filter.operator] !== 'all' && !FITS[filter.operator].includes(type));
    fc.assert(
      fc.property(unfit, value, ([filter, type], recordValue) => {
        expect(evaluate(filter, recordValue, type)).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  it.each<[label: string, filter: Filter, type: PropertyType, recordValue: unknown, expected: boolean]>([
    [
      'contains on an enumeration is false',
      { property: 'lifecyclestage', operator: 'contains', value: 'lead' },
      'enumeration',
      'lead',
      false,
    ],
    [
      'startsWith on a date is false',
      { property: 'birthdate', operator: 'startsWith', value: '1990' },
      'date',
      '1990-07-14',
      false,
    ],
    [
      'endsWith on a number is false',
      { property: 'score', operator: 'endsWith', value: '2' },
      'number',
      42,
      false,
    ],
    [
      'containsToken on a datetime is false',
      { property: 'createdate', operator: 'containsToken', value: '2026' },
      'datetime',
      '2026-03-04T10:00:00Z',
      false,
    ],
    [
      'notContains on an enumeration is false',
      { property: 'lifecyclestage', operator: 'notContains', value: 'x' },
      'enumeration',
      'lead',
      false,
    ],
    [
      'notIn on an empty date is false',
      { property: 'birthdate', operator: 'notIn', values: ['x'], includeEmpty: true },
      'date',
      null,
      false,
    ],
    [
      'notWithinLast on an empty number is false',
      { property: 'score', operator: 'notWithinLast', value: 'P7D', includeEmpty: true },
      'number',
      '',
      false,
    ],
    [
      'notContains on an empty number is false',
      { property: 'score', operator: 'notContains', value: '4', includeEmpty: true },
      'number',
      undefined,
      false,
    ],
    [
      'neq of a text on an empty bool is false',
      { property: 'optin', operator: 'neq', value: 'maybe', includeEmpty: true },
      'bool',
      null,
      false,
    ],
    [
      'contains on a string, which fits, is true',
      { property: 'jobtitle', operator: 'contains', value: 'LEAD' },
      'string',
      'Team lead',
      true,
    ],
    [
      'notIn on an empty enumeration, which fits, is true',
      { property: 'stage', operator: 'notIn', values: ['x'], includeEmpty: true },
      'enumeration',
      null,
      true,
    ],
    [
      'notWithinLast on an empty date, which fits, is true',
      { property: 'birthdate', operator: 'notWithinLast', value: 'P7D', includeEmpty: true },
      'date',
      '',
      true,
    ],
  ])('%s', (_label, filter, type, recordValue, expected) => {
    expect(evaluate(filter, recordValue, type)).toBe(expected);
  });

  it('is explained as matching nothing', () => {
    // Prepare
    const criteria = allOf({ property: 'birthdate', operator: 'notIn', values: ['x'], includeEmpty: true });

    // Act
    const explanation = explainFilters(criteria, contactWith('birthdate', null), {
      types: { birthdate: 'date' },
    });

    // Assess
    expect(explanation.groups[0]!.filters[0]).toMatchObject({
      result: false,
      reason:
        'the filter matches no value: it needs a text or a number ("in" does not apply to a date property)',
    });
  });
});

describe('in and notIn on untyped values', () => {
  const member = fc.constantFrom<string | number>(
    'Paris',
    'paris',
    '42',
    '',
    '2026-03-01',
    '2026-03-01T10:00:00Z',
    '2026-03-01T11:00:00+01:00',
    42,
    7,
  );
  const recordValue = fc.constantFrom<unknown>(
    'PARIS',
    'Lyon',
    '42',
    '2026-03-01',
    '2026-03-01T23:00:00Z',
    '2026-03-01T10:00:00.000Z',
    42,
    7.5,
    true,
    '',
    null,
  );
  const property = 'city';
  const eq = (item: string | number, v: unknown) => evaluate({ property, operator: 'eq', value: item }, v);
  const neq = (item: string | number, v: unknown) => evaluate({ property, operator: 'neq', value: item }, v);

  it('in is true when the value equals one of the values as eq compares it (booleans are no members)', () => {
    fc.assert(
      fc.property(fc.array(member, { minLength: 1, maxLength: 4 }), recordValue, (values, v) => {
        const expected = typeof v !== 'boolean' && values.some((item) => eq(item, v));
        expect(evaluate({ property, operator: 'in', values }, v)).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('notIn is true when the value compares with one of the values and equals none, as neq does', () => {
    fc.assert(
      fc.property(fc.array(member, { minLength: 1, maxLength: 4 }), recordValue, (values, v) => {
        const comparable = values.some((item) => eq(item, v) || neq(item, v));
        const expected = typeof v !== 'boolean' && comparable && !values.some((item) => eq(item, v));
        expect(evaluate({ property, operator: 'notIn', values }, v)).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it.each<[label: string, filter: Filter, recordValue: unknown, expected: boolean]>([
    ['neq 42 on "42" is false', { property, operator: 'neq', value: 42 }, '42', false],
    ['notIn [42] on "42" is false', { property, operator: 'notIn', values: [42] }, '42', false],
    ['notIn ["x"] on 42 is false', { property, operator: 'notIn', values: ['x'] }, 42, false],
    ['notIn ["x", 7] on 42 is true', { property, operator: 'notIn', values: ['x', 7] }, 42, true],
    [
      'eq a date on a datetime of that day is true',
      { property, operator: 'eq', value: '2026-03-01' },
      '2026-03-01T23:00:00Z',
      true,
    ],
    [
      'in [a date] on a datetime of that day is true',
      { property, operator: 'in', values: ['2026-03-01'] },
      '2026-03-01T23:00:00Z',
      true,
    ],
    [
      'in [an instant] in another offset is true',
      { property, operator: 'in', values: ['2026-03-01T11:00:00+01:00'] },
      '2026-03-01T10:00:00Z',
      true,
    ],
    [
      'notIn [a date] on a datetime of that day is false',
      { property, operator: 'notIn', values: ['2026-03-01'] },
      '2026-03-01T23:00:00Z',
      false,
    ],
  ])('%s', (_label, filter, v, expected) => {
    expect(evaluate(filter, v)).toBe(expected);
  });
});
