import { describe, expect, it } from 'vitest';
import { compilationCount, compileFilterGroups } from '../../../shared/core/filters/compile-filter-groups.ts';
import type { PropertyFilter } from '../../../shared/core/filters/filter.schema.ts';
import { explainFilters, matchFilters } from '../../../shared/core/filters/match-filters.ts';
import type { PropertyType } from '../../../shared/core/records/property.schema.ts';
import { allOf, contact, contactWith } from './filter-test-helpers.ts';

const NOW = new Date('2026-03-05T12:00:00Z');

describe('matchFilters with property types', () => {
  it.each<
    [
      label: string,
      filter: PropertyFilter,
      type: PropertyType,
      value: unknown,
      typed: boolean,
      inferred: boolean,
    ]
  >([
    [
      'a string never equals a datetime text by its date',
      { property: 'jobtitle', operator: 'eq', value: '2026-03-01' },
      'string',
      '2026-03-01T10:00:00Z',
      false,
      true,
    ],
    [
      'two string texts of one instant are different texts',
      { property: 'jobtitle', operator: 'eq', value: '2026-03-01T10:00:00Z' },
      'string',
      '2026-03-01T11:00:00+01:00',
      false,
      true,
    ],
    [
      'a string neq a datetime text of the same instant',
      { property: 'jobtitle', operator: 'neq', value: '2026-03-01T10:00:00Z' },
      'string',
      '2026-03-01T11:00:00+01:00',
      true,
      false,
    ],
    [
      'a string still compares case-insensitively',
      { property: 'jobtitle', operator: 'eq', value: 'Head Of Research' },
      'string',
      'head of RESEARCH',
      true,
      true,
    ],
    [
      'an enumeration compares as text',
      { property: 'stage', operator: 'eq', value: '2026-03-01' },
      'enumeration',
      '2026-03-01T00:00:00Z',
      false,
      true,
    ],
    [
      'a string is not ordered as a date',
      { property: 'jobtitle', operator: 'lt', value: '2026-03-02' },
      'string',
      '2026-03-01',
      false,
      true,
    ],
    [
      'a string is never within a time window',
      { property: 'jobtitle', operator: 'withinLast', value: 'P7D' },
      'string',
      '2026-03-04',
      false,
      true,
    ],
    [
      'a string in-list reads numbers as text',
      { property: 'zip', operator: 'in', values: [75001, 75002] },
      'string',
      '75001',
      true,
      false,
    ],
    [
      'a number equals a numeric filter text',
      { property: 'score', operator: 'eq', value: '72' },
      'number',
      72,
      true,
      false,
    ],
    [
      'a number is ordered by numeric filter texts',
      { property: 'score', operator: 'between', value: '50', highValue: '100' },
      'number',
      72,
      true,
      false,
    ],
    [
      'a number in-list reads numeric texts as numbers',
      { property: 'score', operator: 'in', values: ['72', 'x'] },
      'number',
      72,
      true,
      false,
    ],
    [
      'a date compares calendar days, even against a datetime value',
      { property: 'closedate', operator: 'eq', value: '2026-03-01T10:00:00Z' },
      'date',
      '2026-03-01T23:00:00Z',
      true,
      false,
    ],
    [
      'a datetime compares instants',
      { property: 'createdate', operator: 'eq', value: '2026-03-01T10:00:00Z' },
      'datetime',
      '2026-03-01T11:00:00+01:00',
      true,
      true,
    ],
    [
      'a datetime is not compared as text when it is no date',
      { property: 'createdate', operator: 'eq', value: '2026-03-01T10:00:00Z' },
      'datetime',
      'soon',
      false,
      false,
    ],
    [
      'a bool equals a "true" filter text',
      { property: 'optin', operator: 'eq', value: 'TRUE' },
      'bool',
      true,
      true,
      true,
    ],
    [
      'a bool equals no other text',
      { property: 'optin', operator: 'eq', value: 'yes' },
      'bool',
      'yes',
      false,
      true,
    ],
  ])('%s', (_label, filter, type, value, typed, inferred) => {
    // Prepare
    const criteria = allOf(filter);
    const input = contactWith(filter.property, value, { now: NOW });
    const types = { [filter.property]: type };

    // Act
    const results = [matchFilters(criteria, input, { types }), matchFilters(criteria, input)];

    // Assess: with the type as the table says, without it as the values suggest.
    expect(results).toEqual([typed, inferred]);
  });

  it('types associated properties by their path', () => {
    // Prepare
    const criteria = allOf({ property: 'companies.industry', operator: 'eq', value: '2026-03-01' });
    const input = contact({}, { associated: { companies: [{ industry: '2026-03-01T08:00:00Z' }] } });

    // Act
    const results = [
      matchFilters(criteria, input, { types: { 'companies.industry': 'string' } }),
      matchFilters(criteria, input, { types: { industry: 'string' } }),
    ];

    // Assess
    expect(results).toEqual([false, true]);
  });

  it('types changedTo as the property', () => {
    // Prepare
    const criteria = allOf({ property: 'jobtitle', operator: 'changedTo', value: '2026-03-01' });
    const input = contact({ jobtitle: '2026-03-01T08:00:00Z' }, { changedProperties: ['jobtitle'] });

    // Act
    const results = [
      matchFilters(criteria, input, { types: { jobtitle: 'string' } }),
      matchFilters(criteria, input),
    ];

    // Assess
    expect(results).toEqual([false, true]);
  });

  it('infers the type of a property the types do not give, inherited members included', () => {
    // Prepare
    const criteria = allOf({ property: 'constructor', operator: 'eq', value: '2026-03-01' });
    const input = contact({ constructor: '2026-03-01T08:00:00Z' });

    // Act
    const result = matchFilters(criteria, input, { types: { jobtitle: 'string' } });

    // Assess
    expect(result).toBe(true);
  });

  it('infers the type when the types give one the engine does not know', () => {
    // Prepare
    const criteria = allOf({ property: 'jobtitle', operator: 'eq', value: '2026-03-01' });
    const types = { jobtitle: 'phone' as PropertyType };

    // Act
    const result = matchFilters(criteria, contact({ jobtitle: '2026-03-01T08:00:00Z' }), { types });

    // Assess
    expect(result).toBe(true);
  });

  it('explains a typed mismatch', () => {
    // Prepare
    const criteria = allOf({ property: 'jobtitle', operator: 'lt', value: '2026-03-02' });

    // Act
    const explanation = explainFilters(criteria, contact({ jobtitle: '2026-03-01' }), {
      types: { jobtitle: 'string' },
    });

    // Assess
    expect(explanation.groups[0]!.filters[0]).toMatchObject({
      result: false,
      reason:
        'the filter matches no value: it needs a number, date or datetime ("lt" does not apply to a string property)',
    });
  });
});

describe('the compiled criteria cache with property types', () => {
  const criteria = allOf({ property: 'jobtitle', operator: 'eq', value: '2026-03-01' });
  const input = contact({ jobtitle: '2026-03-01T10:00:00Z' });
  const asText = { jobtitle: 'string' } as const;
  const asDate = { jobtitle: 'date' } as const;

  it('keeps the compiled forms of one criteria apart by types, in any order of use', () => {
    // Act
    const results = [
      matchFilters(criteria, input, { types: asText }),
      matchFilters(criteria, input),
      matchFilters(criteria, input, { types: asDate }),
      matchFilters(criteria, input, { types: asText }),
      matchFilters(criteria, input, {}),
      matchFilters(criteria, input, { types: asDate }),
    ];

    // Assess
    expect(results).toEqual([false, true, true, false, true, true]);
  });

  it('compiles criteria once per types object', () => {
    // Prepare
    const reused = allOf({ property: 'jobtitle', operator: 'eq', value: 'x' });
    const types = { jobtitle: 'string' } as const;
    const before = compilationCount();

    // Act
    for (let i = 0; i < 3; i += 1) {
      matchFilters(reused, input, { types });
      matchFilters(reused, input);
      explainFilters(reused, input, { types });
    }

    // Assess
    expect(compilationCount() - before).toBe(2);
  });

  it('does not share an equal filter between typed and untyped criteria', () => {
    // Prepare: two criteria objects holding equal filters, compiled typed first.
    const typed = compileFilterGroups(allOf({ property: 'title', operator: 'eq', value: '2026-03-01' }), {
      types: { title: 'string' },
    });
    const inferred = compileFilterGroups(allOf({ property: 'title', operator: 'eq', value: '2026-03-01' }));
    const record = contact({ title: '2026-03-01T10:00:00Z' });

    // Act
    const results = [typed.match(record), inferred.match(record)];

    // Assess
    expect(results).toEqual([false, true]);
    expect(typed.types).toEqual({ title: 'string' });
  });
});
