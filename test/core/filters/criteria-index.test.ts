import { describe, expect, it } from 'vitest';
import { criteriaDependencies } from '../../../shared/core/filters/criteria-dependencies.ts';
import { createCriteriaIndex } from '../../../shared/core/filters/criteria-index.ts';
import type { FilterGroups } from '../../../shared/core/filters/filter.schema.ts';
import { matchFilters } from '../../../shared/core/filters/match-filters.ts';
import { allOf, contact } from './filter-test-helpers.ts';

describe('criteriaDependencies', () => {
  it('collects own properties, associated properties by type, lists and time', () => {
    // Prepare
    const criteria: FilterGroups = [
      {
        filters: [
          { property: 'country', operator: 'eq', value: 'FR' },
          { property: 'lifecyclestage', operator: 'changedTo', value: 'lead' },
          { property: 'companies.industry', operator: 'eq', value: 'SaaS' },
        ],
      },
      {
        filters: [
          { property: 'companies.city', operator: 'hasProperty' },
          { property: 'deals.amount', operator: 'gt', value: 10 },
          { operator: 'notInList', listId: 'lst_1' },
        ],
      },
    ];

    // Act
    const dependencies = criteriaDependencies(criteria);

    // Assess
    expect(dependencies).toEqual({
      properties: new Set(['country', 'lifecyclestage']),
      associated: new Map([
        ['companies', new Set(['industry', 'city'])],
        ['deals', new Set(['amount'])],
      ]),
      lists: true,
      time: false,
    });
  });

  it.each([
    ['withinLast', { property: 'createdate', operator: 'withinLast', value: 'P7D' }],
    ['notWithinLast', { property: 'createdate', operator: 'notWithinLast', value: 'P7D' }],
    ['an associated withinLast', { property: 'deals.closedate', operator: 'withinLast', value: 'P7D' }],
  ] as const)('marks %s as time-dependent', (_label, filter) => {
    expect(criteriaDependencies([{ filters: [filter] }]).time).toBe(true);
  });

  it('finds nothing in "no criteria"', () => {
    expect(criteriaDependencies([])).toEqual({
      properties: new Set(),
      associated: new Map(),
      lists: false,
      time: false,
    });
  });
});

describe('createCriteriaIndex', () => {
  const index = createCriteriaIndex([
    { id: 'country', criteria: [{ filters: [{ property: 'country', operator: 'eq', value: 'FR' }] }] },
    {
      id: 'stage-or-score',
      criteria: [
        { filters: [{ property: 'lifecyclestage', operator: 'changed' }] },
        { filters: [{ property: 'score', operator: 'gt', value: 10 }] },
      ],
    },
    {
      id: 'recent',
      criteria: [{ filters: [{ property: 'createdate', operator: 'withinLast', value: 'P7D' }] }],
    },
    {
      id: 'company',
      criteria: [{ filters: [{ property: 'companies.industry', operator: 'eq', value: 'SaaS' }] }],
    },
    { id: 'list', criteria: [{ filters: [{ operator: 'inList', listId: 'lst_1' }] }] },
    { id: 'none', criteria: [] },
    { id: 'country-too', criteria: [{ filters: [{ property: 'country', operator: 'neq', value: 'DE' }] }] },
  ]);

  it.each<[label: string, change: Parameters<typeof index.affected>[0], expected: string[]]>([
    ['a property one criteria reads', { changedProperties: ['score'] }, ['stage-or-score']],
    ['a property two criteria read', { changedProperties: ['country'] }, ['country', 'country-too']],
    [
      'several properties, each id once',
      { changedProperties: ['country', 'score', 'lifecyclestage'] },
      ['country', 'stage-or-score', 'country-too'],
    ],
    ['a property no criteria reads', { changedProperties: ['phone'] }, []],
    ['an associated type', { changedProperties: [], associatedTypes: ['companies'] }, ['company']],
    ['an associated property name is not an own property', { changedProperties: ['industry'] }, []],
    ['an associated type nobody reads', { changedProperties: [], associatedTypes: ['tickets'] }, []],
    ['list memberships', { changedProperties: [], listsChanged: true }, ['list']],
    ['the property a time filter reads', { changedProperties: ['createdate'] }, ['recent']],
    ['nothing', { changedProperties: [] }, []],
  ])('returns, in entry order, the criteria a change of %s can affect', (_label, change, expected) => {
    expect(index.affected(change)).toEqual(expected);
  });

  it('skips time-dependent criteria a change does not touch: before and after are evaluated at one instant', () => {
    expect(index.affected({ changedProperties: ['score'] })).not.toContain('recent');
  });

  it('never returns "no criteria"', () => {
    // Act
    const affected = index.affected({
      changedProperties: ['country', 'score', 'lifecyclestage', 'createdate'],
      associatedTypes: ['companies'],
      listsChanged: true,
    });

    // Assess
    expect(affected).not.toContain('none');
    expect(affected).toHaveLength(6);
  });
});

describe('createCriteriaIndex on creation', () => {
  const entries = [
    { id: 'no-phone', criteria: allOf({ property: 'phone', operator: 'notHasProperty' }) },
    { id: 'none', criteria: [] },
    { id: 'subscribed', criteria: allOf({ operator: 'notInList', listId: 'lst_unsub' }) },
    {
      id: 'not-german',
      criteria: allOf({ property: 'country', operator: 'neq', value: 'DE', includeEmpty: true }),
    },
    { id: 'french', criteria: allOf({ property: 'country', operator: 'eq', value: 'FR' }) },
  ];
  const index = createCriteriaIndex(entries);

  it('returns every non-empty criteria, in entry order, for a created record', () => {
    // Act
    const affected = index.affected({ created: true, changedProperties: ['email'] });

    // Assess
    expect(affected).toEqual(['no-phone', 'subscribed', 'not-german', 'french']);
  });

  it('returns criteria a new record matches although the creation names none of their properties', () => {
    // Prepare: a record created with an email only.
    const created = contact({ email: 'a@example.com' });

    // Act
    const enrolling = index
      .affected({ created: true, changedProperties: ['email'] })
      .filter((id) => matchFilters(entries.find((entry) => entry.id === id)!.criteria, created));

    // Assess
    expect(enrolling).toEqual(['no-phone', 'subscribed', 'not-german']);
  });

  it('looks at the changed properties only when the record is not new', () => {
    expect(index.affected({ created: false, changedProperties: ['country'] })).toEqual([
      'not-german',
      'french',
    ]);
  });
});
