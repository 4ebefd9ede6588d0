import { describe, expect, it } from 'vitest';
import type { Filter, FilterGroups } from '../../../shared/core/filters/filter.schema.ts';
import type { FilterInput } from '../../../shared/core/filters/filter-input.ts';
import { explainFilters, matchFilters } from '../../../shared/core/filters/match-filters.ts';
import { allOf, contact } from './filter-test-helpers.ts';

describe('explainFilters', () => {
  const criteria: FilterGroups = [
    {
      filters: [
        { property: 'country', operator: 'eq', value: 'FR' },
        { property: 'score', operator: 'gte', value: 50 },
        { property: 'companies.industry', operator: 'eq', value: 'software' },
      ],
    },
    { filters: [{ operator: 'inList', listId: 'lst_vip' }] },
  ];
  const input = contact(
    { country: 'DE', score: 70 },
    { associated: { companies: [{ industry: 'Retail' }, { industry: 'Software' }] }, lists: ['lst_vip'] },
  );

  it('evaluates every filter, even after one failed, with its path and the value it saw', () => {
    // Act
    const explanation = explainFilters(criteria, input);

    // Assess
    expect(explanation).toEqual({
      matched: true,
      groups: [
        {
          matched: false,
          filters: [
            {
              filter: criteria[0]!.filters[0],
              path: '[0].filters[0]',
              property: 'country',
              value: 'DE',
              result: false,
              reason: 'the value does not satisfy "eq"',
            },
            {
              filter: criteria[0]!.filters[1],
              path: '[0].filters[1]',
              property: 'score',
              value: 70,
              result: true,
            },
            {
              filter: criteria[0]!.filters[2],
              path: '[0].filters[2]',
              property: 'companies.industry',
              value: ['Retail', 'Software'],
              result: true,
            },
          ],
        },
        {
          matched: true,
          filters: [
            { filter: criteria[1]!.filters[0], path: '[1].filters[0]', value: ['lst_vip'], result: true },
          ],
        },
      ],
    });
  });

  it('returns the caller’s own filter objects', () => {
    const explanation = explainFilters(criteria, input);
    expect(explanation.groups[0]!.filters[2]!.filter).toBe(criteria[0]!.filters[2]);
  });

  it('agrees with matchFilters', () => {
    // Prepare
    const inputs = [
      input,
      contact({ country: 'fr', score: 50 }, { associated: { companies: [{ industry: 'software' }] } }),
      contact({ country: 'fr', score: 49 }),
    ];

    // Act
    const pairs = inputs.map((each) => [
      explainFilters(criteria, each).matched,
      matchFilters(criteria, each),
    ]);

    // Assess
    expect(pairs).toEqual([
      [true, true],
      [true, true],
      [false, false],
    ]);
  });

  it('explains "no criteria" as not matched, with no groups', () => {
    expect(explainFilters([], input)).toEqual({ matched: false, groups: [] });
  });

  it.each<[label: string, filter: Filter, input: FilterInput, reason: string | undefined, result: boolean]>([
    [
      'an empty value',
      { property: 'city', operator: 'eq', value: 'Paris' },
      contact({ city: '' }),
      'no value',
      false,
    ],
    [
      'an empty value without includeEmpty',
      { property: 'city', operator: 'neq', value: 'Paris' },
      contact({}),
      'no value (set includeEmpty to match records without one)',
      false,
    ],
    [
      'an empty value with includeEmpty',
      { property: 'city', operator: 'neq', value: 'Paris', includeEmpty: true },
      contact({ city: null }),
      'no value, and the filter includes empty values',
      true,
    ],
    [
      'a value of the wrong type',
      { property: 'score', operator: 'gt', value: 10 },
      contact({ score: '20' }),
      'the value is not a number',
      false,
    ],
    [
      'a value that is set, for notHasProperty',
      { property: 'city', operator: 'notHasProperty' },
      contact({ city: 'Paris' }),
      'the property has a value',
      false,
    ],
    [
      'an unset value, for notHasProperty',
      { property: 'city', operator: 'notHasProperty' },
      contact({}),
      undefined,
      true,
    ],
    [
      'no associated records',
      { property: 'deals.amount', operator: 'gt', value: 10 },
      contact({}),
      'no associated deals',
      false,
    ],
    [
      'no matching associated record',
      { property: 'deals.amount', operator: 'gt', value: 10 },
      contact({}, { associated: { deals: [{ amount: 5 }] } }),
      'no associated deals record matches',
      false,
    ],
    [
      'changed on an associated path',
      { property: 'deals.amount', operator: 'changed' },
      contact({}, { associated: { deals: [{ amount: 5 }] }, changedProperties: ['amount'] }),
      '"changed" does not apply to associated records',
      false,
    ],
    [
      'no change',
      { property: 'lifecyclestage', operator: 'changed' },
      contact({ lifecyclestage: 'lead' }),
      'not evaluated for a change',
      false,
    ],
    [
      'a change of other properties',
      { property: 'lifecyclestage', operator: 'changed' },
      contact({ lifecyclestage: 'lead' }, { changedProperties: ['city'] }),
      'lifecyclestage did not change',
      false,
    ],
    [
      'a change to another value',
      { property: 'lifecyclestage', operator: 'changedTo', value: 'customer' },
      contact({ lifecyclestage: 'lead' }, { changedProperties: ['lifecyclestage'] }),
      'the value does not satisfy "changedTo"',
      false,
    ],
    [
      'a list the record is not in',
      { operator: 'inList', listId: 'lst_1' },
      contact({}),
      'not in list lst_1',
      false,
    ],
    [
      'a list the record is in',
      { operator: 'notInList', listId: 'lst_1' },
      contact({}, { lists: ['lst_1'] }),
      'in list lst_1',
      false,
    ],
  ])('says why for %s', (_label, filter, each, reason, result) => {
    // Act
    const [explained] = explainFilters(allOf(filter), each).groups[0]!.filters;

    // Assess
    expect(explained!.result).toBe(result);
    expect(explained!.reason).toBe(reason);
  });

  it('shows the values of every associated record, and the own value for own properties', () => {
    // Prepare
    const each = contact(
      { amount: 1 },
      { associated: { deals: [{ amount: 5 }, { dealname: 'x' }, { amount: 7 }] } },
    );

    // Act
    const [associated, own] = explainFilters(
      allOf(
        { property: 'deals.amount', operator: 'gt', value: 6 },
        { property: 'amount', operator: 'gt', value: 6 },
      ),
      each,
    ).groups[0]!.filters;

    // Assess
    expect(associated!.value).toEqual([5, undefined, 7]);
    expect(own!.value).toBe(1);
  });
});
