import { describe, expect, it } from 'vitest';
import type { Filter, FilterGroups } from '../../../shared/core/filters/filter.schema.ts';
import type { FilterInput } from '../../../shared/core/filters/filter-input.ts';
import { matchFilters } from '../../../shared/core/filters/match-filters.ts';
import { allOf, contact } from './filter-test-helpers.ts';

const eq = (property: string, value: string | number | boolean): Filter => ({
  property,
  operator: 'eq',
  value,
});

describe('matchFilters', () => {
  describe('changed and changedTo', () => {
    const customer = { lifecyclestage: 'customer', country: 'FR' };

    it.each<[label: string, filter: Filter, input: FilterInput, expected: boolean]>([
      [
        'changed: the property changed',
        { property: 'lifecyclestage', operator: 'changed' },
        contact(customer, { changedProperties: ['lifecyclestage'] }),
        true,
      ],
      [
        'changed: another property changed',
        { property: 'lifecyclestage', operator: 'changed' },
        contact(customer, { changedProperties: ['country'] }),
        false,
      ],
      [
        'changed: not evaluated for a change',
        { property: 'lifecyclestage', operator: 'changed' },
        contact(customer),
        false,
      ],
      [
        'changed: cleared (clearing is a change)',
        { property: 'lifecyclestage', operator: 'changed' },
        contact({ lifecyclestage: null }, { changedProperties: ['lifecyclestage'] }),
        true,
      ],
      [
        'changed: derived from before when changedProperties is absent',
        { property: 'lifecyclestage', operator: 'changed' },
        contact(customer, { before: { lifecyclestage: 'lead' } }),
        true,
      ],
      [
        'changed: before holds the same value',
        { property: 'lifecyclestage', operator: 'changed' },
        contact(customer, { before: { lifecyclestage: 'customer' } }),
        false,
      ],
      [
        'changed: changedProperties wins over before',
        { property: 'lifecyclestage', operator: 'changed' },
        contact(customer, { before: { lifecyclestage: 'lead' }, changedProperties: ['country'] }),
        false,
      ],
      [
        'changedTo: changed to the value, compared case-insensitively',
        { property: 'lifecyclestage', operator: 'changedTo', value: 'Customer' },
        contact(customer, { changedProperties: ['lifecyclestage'] }),
        true,
      ],
      [
        'changedTo: changed to another value',
        { property: 'lifecyclestage', operator: 'changedTo', value: 'lead' },
        contact(customer, { changedProperties: ['lifecyclestage'] }),
        false,
      ],
      [
        'changedTo: has the value but did not change',
        { property: 'lifecyclestage', operator: 'changedTo', value: 'customer' },
        contact(customer, { changedProperties: ['country'] }),
        false,
      ],
      [
        'changedTo: a number',
        { property: 'score', operator: 'changedTo', value: 50 },
        contact({ score: 50 }, { changedProperties: ['score'] }),
        true,
      ],
      [
        'changedTo: a date against a datetime',
        { property: 'createdate', operator: 'changedTo', value: '2026-03-01' },
        contact({ createdate: '2026-03-01T08:00:00Z' }, { changedProperties: ['createdate'] }),
        true,
      ],
      [
        'changed on an associated path',
        { property: 'companies.industry', operator: 'changed' },
        contact(
          {},
          { changedProperties: ['industry'], associated: { companies: [{ industry: 'Software' }] } },
        ),
        false,
      ],
      [
        'changedTo on an associated path',
        { property: 'companies.industry', operator: 'changedTo', value: 'Software' },
        contact(
          {},
          { changedProperties: ['industry'], associated: { companies: [{ industry: 'Software' }] } },
        ),
        false,
      ],
    ])('%s', (_label, filter, input, expected) => {
      expect(matchFilters(allOf(filter), input)).toBe(expected);
    });
  });

  describe('associated records', () => {
    const software = allOf(eq('companies.industry', 'software'));
    const companies = (...industries: (string | null)[]) =>
      contact({}, { associated: { companies: industries.map((industry) => ({ industry })) } });

    it('matches when any associated record matches', () => {
      expect(matchFilters(software, companies('Retail', 'Software'))).toBe(true);
    });

    it('does not match when no associated record matches', () => {
      expect(matchFilters(software, companies('Retail', 'Banking'))).toBe(false);
    });

    it.each<[label: string, input: FilterInput]>([
      ['no associated records at all', contact({})],
      ['no records of that type', contact({}, { associated: { deals: [{ industry: 'Software' }] } })],
      ['an empty list of records', companies()],
    ])('is false with %s, for every operator', (_label, input) => {
      const filters: Filter[] = [
        eq('companies.industry', 'software'),
        { property: 'companies.industry', operator: 'notHasProperty' },
        { property: 'companies.industry', operator: 'neq', value: 'x', includeEmpty: true },
      ];
      expect(filters.map((filter) => matchFilters(allOf(filter), input))).toEqual([false, false, false]);
    });

    it.each<[industries: (string | null)[], expected: boolean]>([
      [['Software'], false],
      [['Software', 'Retail'], true],
      [['Software', null], false],
    ])('applies negative operators record by record: neq on %j → %s', (industries, expected) => {
      expect(
        matchFilters(
          allOf({ property: 'companies.industry', operator: 'neq', value: 'software' }),
          companies(...industries),
        ),
      ).toBe(expected);
    });

    it('reads the associated property, not the own one of the same name', () => {
      // Prepare
      const criteria = allOf(eq('companies.city', 'Paris'));
      const input = contact({ city: 'Paris' }, { associated: { companies: [{ city: 'Lyon' }] } });

      // Act
      const matched = matchFilters(criteria, input);

      // Assess
      expect(matched).toBe(false);
    });

    it('combines own and associated filters in one group', () => {
      // Prepare
      const criteria = allOf(eq('country', 'FR'), { property: 'deals.amount', operator: 'gte', value: 1000 });
      const input = (amounts: number[]) =>
        contact({ country: 'FR' }, { associated: { deals: amounts.map((amount) => ({ amount })) } });

      // Act
      const results = [matchFilters(criteria, input([500, 2000])), matchFilters(criteria, input([500]))];

      // Assess
      expect(results).toEqual([true, false]);
    });

    it('skips odd associated data instead of throwing', () => {
      // Prepare
      const odd = {
        companies: [null, 'Software', 42, { industry: 'Software' }],
      } as unknown as FilterInput['associated'];
      const notAList = { companies: 'Software' } as unknown as FilterInput['associated'];

      // Act
      const results = [
        matchFilters(software, contact({}, { associated: odd })),
        matchFilters(software, contact({}, { associated: notAList })),
      ];

      // Assess
      expect(results).toEqual([true, false]);
    });
  });

  describe('lists', () => {
    it.each<[filter: Filter, lists: string[] | undefined, expected: boolean]>([
      [{ operator: 'inList', listId: 'lst_1' }, ['lst_1', 'lst_2'], true],
      [{ operator: 'inList', listId: 'lst_1' }, ['lst_2'], false],
      [{ operator: 'inList', listId: 'lst_1' }, undefined, false],
      [{ operator: 'notInList', listId: 'lst_1' }, ['lst_1'], false],
      [{ operator: 'notInList', listId: 'lst_1' }, ['lst_2'], true],
      [{ operator: 'notInList', listId: 'lst_1' }, undefined, true],
      [{ operator: 'inList', listId: 'LST_1' }, ['lst_1'], false],
    ])('%j with lists %j → %s', (filter, lists, expected) => {
      expect(matchFilters(allOf(filter), contact({}, lists ? { lists } : {}))).toBe(expected);
    });
  });

  describe('groups', () => {
    const frenchLeads: FilterGroups = [
      { filters: [eq('country', 'FR'), eq('lifecyclestage', 'lead')] },
      { filters: [{ property: 'score', operator: 'gte', value: 90 }] },
    ];

    it.each<[label: string, properties: Record<string, unknown>, expected: boolean]>([
      ['every filter of the first group', { country: 'fr', lifecyclestage: 'lead', score: 10 }, true],
      ['only part of the first group', { country: 'fr', lifecyclestage: 'customer', score: 10 }, false],
      ['the second group alone', { country: 'de', lifecyclestage: 'customer', score: 95 }, true],
      ['both groups', { country: 'fr', lifecyclestage: 'lead', score: 95 }, true],
      ['neither group', { country: 'de', lifecyclestage: 'lead', score: 89 }, false],
    ])('ORs groups and ANDs filters: %s → %s', (_label, properties, expected) => {
      expect(matchFilters(frenchLeads, contact(properties))).toBe(expected);
    });

    it('gives the same answer whatever the order of groups and filters', () => {
      // Prepare
      const reversed: FilterGroups = frenchLeads
        .map((group) => ({ filters: group.filters.toReversed() }))
        .toReversed();
      const inputs = [
        contact({ country: 'fr', lifecyclestage: 'lead' }),
        contact({ country: 'fr', lifecyclestage: 'customer' }),
        contact({ score: 99 }),
      ];

      // Act
      const results = inputs.map((input) => [
        matchFilters(frenchLeads, input),
        matchFilters(reversed, input),
      ]);

      // Assess
      expect(results).toEqual([
        [true, true],
        [false, false],
        [true, true],
      ]);
    });

    it('never matches [] ("no criteria"): such a workflow never enrolls automatically', () => {
      expect(matchFilters([], contact({ country: 'FR' }))).toBe(false);
    });
  });

  describe('odd record data', () => {
    it.each<[label: string, value: unknown]>([
      ['an object', { nested: true }],
      ['an array', ['FR']],
      ['a function', () => 'FR'],
      ['a symbol', Symbol('FR')],
      ['a bigint', 10n],
    ])('is false for value-comparing operators on %s, without throwing', (_label, value) => {
      // Prepare
      const filters: Filter[] = [
        eq('p', 'FR'),
        { property: 'p', operator: 'neq', value: 'FR' },
        { property: 'p', operator: 'gt', value: 1 },
        { property: 'p', operator: 'in', values: ['FR', 1] },
        { property: 'p', operator: 'notIn', values: ['FR', 1] },
        { property: 'p', operator: 'contains', value: 'F' },
        { property: 'p', operator: 'containsToken', value: 'FR' },
        { property: 'p', operator: 'withinLast', value: 'P1D' },
        { property: 'p', operator: 'notWithinLast', value: 'P1D' },
      ];

      // Act
      const results = filters.map((filter) => matchFilters(allOf(filter), contact({ p: value })));

      // Assess
      expect(results).toEqual(filters.map(() => false));
    });

    it('does not mistake Object.prototype members for properties', () => {
      // Prepare
      const has = (property: string) => allOf({ property, operator: 'hasProperty' });

      // Act
      const results = [
        matchFilters(has('constructor'), contact({})),
        matchFilters(has('toString'), contact({})),
        matchFilters(allOf({ property: 'constructor', operator: 'notHasProperty' }), contact({})),
        matchFilters(allOf(eq('constructor', 'acme')), contact({ constructor: 'ACME' })),
        matchFilters(allOf(eq('companies.valueOf', 'x')), contact({}, { associated: { companies: [{}] } })),
      ];

      // Assess
      expect(results).toEqual([false, false, true, true, false]);
    });
  });
});
