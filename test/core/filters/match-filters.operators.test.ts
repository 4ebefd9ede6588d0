import { describe, expect, it } from 'vitest';
import type { Filter } from '../../../shared/core/filters/filter.schema.ts';
import { matchFilters } from '../../../shared/core/filters/match-filters.ts';
import { allOf, contactWith } from './filter-test-helpers.ts';

type Row = [type: string, filter: Filter, value: unknown, expected: boolean];

/** Runs `filter` against a contact whose `filter.property` holds `value`. */
const evaluate = (filter: Filter, value: unknown): boolean =>
  matchFilters(allOf(filter), contactWith('property' in filter ? filter.property : 'x', value));

describe('matchFilters', () => {
  describe('eq', () => {
    it.each<Row>([
      ['string', { property: 'country', operator: 'eq', value: 'FR' }, 'fr', true],
      ['string', { property: 'country', operator: 'eq', value: 'fr' }, 'FR', true],
      ['string', { property: 'country', operator: 'eq', value: 'FR' }, 'FRA', false],
      ['string', { property: 'country', operator: 'eq', value: 'FR' }, 'FR ', false],
      ['string', { property: 'city', operator: 'eq', value: 'ÉVRY' }, 'évry', true],
      ['string', { property: 'city', operator: 'eq', value: 'evry' }, 'évry', false],
      ['enumeration', { property: 'lifecyclestage', operator: 'eq', value: 'Lead' }, 'lead', true],
      ['enumeration', { property: 'lifecyclestage', operator: 'eq', value: 'lead' }, 'customer', false],
      ['number', { property: 'score', operator: 'eq', value: 50 }, 50, true],
      ['number', { property: 'score', operator: 'eq', value: 50 }, 50.5, false],
      ['number', { property: 'score', operator: 'eq', value: 0 }, 0, true],
      ['number', { property: 'score', operator: 'eq', value: 50 }, '50', false],
      ['bool', { property: 'optin', operator: 'eq', value: true }, true, true],
      ['bool', { property: 'optin', operator: 'eq', value: true }, 'true', true],
      ['bool', { property: 'optin', operator: 'eq', value: true }, 'TRUE', true],
      ['bool', { property: 'optin', operator: 'eq', value: true }, false, false],
      ['bool', { property: 'optin', operator: 'eq', value: false }, 'false', true],
      ['bool', { property: 'optin', operator: 'eq', value: false }, false, true],
      ['bool', { property: 'optin', operator: 'eq', value: 'true' }, true, true],
      ['bool', { property: 'optin', operator: 'eq', value: true }, 1, false],
      ['date', { property: 'birthdate', operator: 'eq', value: '1990-05-02' }, '1990-05-02', true],
      ['date', { property: 'birthdate', operator: 'eq', value: '1990-05-02' }, '1990-05-03', false],
      [
        'datetime',
        { property: 'createdate', operator: 'eq', value: '2026-03-01' },
        '2026-03-01T00:00:00Z',
        true,
      ],
      [
        'datetime',
        { property: 'createdate', operator: 'eq', value: '2026-03-01' },
        '2026-03-01T23:59:59Z',
        true,
      ],
      [
        'datetime',
        { property: 'createdate', operator: 'eq', value: '2026-03-01' },
        '2026-03-02T00:00:00Z',
        false,
      ],
      [
        'datetime',
        { property: 'createdate', operator: 'eq', value: '2026-03-01' },
        '2026-03-02T00:30:00+02:00',
        true,
      ],
      [
        'datetime',
        { property: 'createdate', operator: 'eq', value: '2026-03-01T10:00:00Z' },
        '2026-03-01T10:00:00.000Z',
        true,
      ],
      [
        'datetime',
        { property: 'createdate', operator: 'eq', value: '2026-03-01T10:00:00Z' },
        '2026-03-01T12:00:00+02:00',
        true,
      ],
      [
        'datetime',
        { property: 'createdate', operator: 'eq', value: '2026-03-01T10:00:00Z' },
        '2026-03-01T10:00:01Z',
        false,
      ],
      [
        'date vs datetime filter',
        { property: 'birthdate', operator: 'eq', value: '1990-05-02T18:00:00Z' },
        '1990-05-02',
        true,
      ],
    ])('%s: %j on %j → %s', (_type, filter, value, expected) => {
      expect(evaluate(filter, value)).toBe(expected);
    });
  });

  describe('neq', () => {
    it.each<Row>([
      ['string', { property: 'country', operator: 'neq', value: 'FR' }, 'fr', false],
      ['string', { property: 'country', operator: 'neq', value: 'FR' }, 'DE', true],
      ['enumeration', { property: 'lifecyclestage', operator: 'neq', value: 'LEAD' }, 'lead', false],
      ['enumeration', { property: 'lifecyclestage', operator: 'neq', value: 'lead' }, 'customer', true],
      ['number', { property: 'score', operator: 'neq', value: 50 }, 49, true],
      ['number', { property: 'score', operator: 'neq', value: 50 }, 50, false],
      ['number (wrong type)', { property: 'score', operator: 'neq', value: 50 }, '49', false],
      ['bool', { property: 'optin', operator: 'neq', value: true }, false, true],
      ['bool', { property: 'optin', operator: 'neq', value: true }, 'false', true],
      ['bool', { property: 'optin', operator: 'neq', value: true }, 'true', false],
      ['bool (not a boolean)', { property: 'optin', operator: 'neq', value: true }, 'maybe', false],
      ['date', { property: 'birthdate', operator: 'neq', value: '1990-05-02' }, '1990-05-03', true],
      ['date', { property: 'birthdate', operator: 'neq', value: '1990-05-02' }, '1990-05-02', false],
      [
        'datetime',
        { property: 'createdate', operator: 'neq', value: '2026-03-01' },
        '2026-03-01T22:00:00Z',
        false,
      ],
      [
        'datetime',
        { property: 'createdate', operator: 'neq', value: '2026-03-01' },
        '2026-03-02T22:00:00Z',
        true,
      ],
      ['object (odd data)', { property: 'country', operator: 'neq', value: 'FR' }, { code: 'DE' }, false],
    ])('%s: %j on %j → %s', (_type, filter, value, expected) => {
      expect(evaluate(filter, value)).toBe(expected);
    });
  });

  describe('ordered comparisons', () => {
    it.each<Row>([
      ['number', { property: 'score', operator: 'lt', value: 50 }, 49.9, true],
      ['number', { property: 'score', operator: 'lt', value: 50 }, 50, false],
      ['number', { property: 'score', operator: 'lte', value: 50 }, 50, true],
      ['number', { property: 'score', operator: 'lte', value: 50 }, 50.1, false],
      ['number', { property: 'score', operator: 'gt', value: 50 }, 50, false],
      ['number', { property: 'score', operator: 'gt', value: 50 }, 51, true],
      ['number', { property: 'score', operator: 'gte', value: 50 }, 50, true],
      ['number', { property: 'score', operator: 'gte', value: 50 }, 49, false],
      ['number', { property: 'score', operator: 'gte', value: -5 }, -5, true],
      ['number (wrong type)', { property: 'score', operator: 'gt', value: 50 }, '60', false],
      ['number (NaN)', { property: 'score', operator: 'lt', value: 50 }, Number.NaN, false],
      ['date', { property: 'birthdate', operator: 'lt', value: '1990-05-02' }, '1990-05-01', true],
      ['date', { property: 'birthdate', operator: 'lt', value: '1990-05-02' }, '1990-05-02', false],
      ['date', { property: 'birthdate', operator: 'lte', value: '1990-05-02' }, '1990-05-02', true],
      ['date', { property: 'birthdate', operator: 'lte', value: '1990-05-02' }, '1990-05-03', false],
      ['date', { property: 'birthdate', operator: 'gt', value: '1990-05-02' }, '1990-05-02', false],
      ['date', { property: 'birthdate', operator: 'gt', value: '1990-05-02' }, '1990-05-03', true],
      ['date', { property: 'birthdate', operator: 'gte', value: '1990-05-02' }, '1990-05-02', true],
      ['date', { property: 'birthdate', operator: 'gte', value: '1990-05-02' }, '1990-05-01', false],
      [
        'datetime vs date',
        { property: 'createdate', operator: 'lt', value: '2026-03-01' },
        '2026-02-28T23:59:59Z',
        true,
      ],
      [
        'datetime vs date',
        { property: 'createdate', operator: 'lt', value: '2026-03-01' },
        '2026-03-01T00:00:00Z',
        false,
      ],
      [
        'datetime vs date',
        { property: 'createdate', operator: 'gte', value: '2026-03-01' },
        '2026-03-01T00:00:00Z',
        true,
      ],
      [
        'datetime vs date',
        { property: 'createdate', operator: 'gte', value: '2026-03-01' },
        '2026-02-28T23:59:59Z',
        false,
      ],
      [
        'datetime vs date',
        { property: 'createdate', operator: 'lte', value: '2026-03-01' },
        '2026-03-01T23:59:59.999Z',
        true,
      ],
      [
        'datetime vs date',
        { property: 'createdate', operator: 'lte', value: '2026-03-01' },
        '2026-03-02T00:00:00Z',
        false,
      ],
      [
        'datetime vs date',
        { property: 'createdate', operator: 'gt', value: '2026-03-01' },
        '2026-03-01T12:00:00Z',
        false,
      ],
      [
        'datetime vs date',
        { property: 'createdate', operator: 'gt', value: '2026-03-01' },
        '2026-03-02T00:00:00Z',
        true,
      ],
      [
        'datetime',
        { property: 'createdate', operator: 'lt', value: '2026-03-01T10:00:00Z' },
        '2026-03-01T11:59:59+02:00',
        true,
      ],
      [
        'datetime',
        { property: 'createdate', operator: 'gt', value: '2026-03-01T10:00:00Z' },
        '2026-03-01T10:00:00.001Z',
        true,
      ],
      [
        'datetime',
        { property: 'createdate', operator: 'gte', value: '2026-03-01T10:00:00Z' },
        '2026-03-01T10:00:00Z',
        true,
      ],
      [
        'datetime',
        { property: 'createdate', operator: 'lte', value: '2026-03-01T10:00:00Z' },
        '2026-03-01T10:00:00.001Z',
        false,
      ],
      [
        'date vs datetime filter',
        { property: 'birthdate', operator: 'lt', value: '1990-05-02T12:00:00Z' },
        '1990-05-02',
        true,
      ],
      [
        'date (not a date)',
        { property: 'birthdate', operator: 'lt', value: '1990-05-02' },
        'yesterday',
        false,
      ],
      [
        'date (impossible day)',
        { property: 'birthdate', operator: 'lt', value: '1990-05-02' },
        '1990-02-30',
        false,
      ],
      ['string', { property: 'city', operator: 'lt', value: 'Paris' }, 'Lyon', false],
      ['enumeration', { property: 'lifecyclestage', operator: 'gt', value: 'lead' }, 'customer', false],
      ['bool', { property: 'optin', operator: 'gte', value: true }, true, false],
    ])('%s: %j on %j → %s', (_type, filter, value, expected) => {
      expect(evaluate(filter, value)).toBe(expected);
    });
  });

  describe('between', () => {
    it.each<Row>([
      ['number', { property: 'score', operator: 'between', value: 10, highValue: 20 }, 10, true],
      ['number', { property: 'score', operator: 'between', value: 10, highValue: 20 }, 20, true],
      ['number', { property: 'score', operator: 'between', value: 10, highValue: 20 }, 15, true],
      ['number', { property: 'score', operator: 'between', value: 10, highValue: 20 }, 9.99, false],
      ['number', { property: 'score', operator: 'between', value: 10, highValue: 20 }, 20.01, false],
      [
        'number (reversed bounds)',
        { property: 'score', operator: 'between', value: 20, highValue: 10 },
        15,
        false,
      ],
      [
        'number (wrong type)',
        { property: 'score', operator: 'between', value: 10, highValue: 20 },
        '15',
        false,
      ],
      [
        'date',
        { property: 'birthdate', operator: 'between', value: '2026-01-01', highValue: '2026-01-31' },
        '2026-01-31',
        true,
      ],
      [
        'date',
        { property: 'birthdate', operator: 'between', value: '2026-01-01', highValue: '2026-01-31' },
        '2026-02-01',
        false,
      ],
      [
        'date',
        { property: 'birthdate', operator: 'between', value: '2026-01-01', highValue: '2026-01-31' },
        '2025-12-31',
        false,
      ],
      [
        'datetime vs dates',
        { property: 'createdate', operator: 'between', value: '2026-01-01', highValue: '2026-01-31' },
        '2026-01-31T23:59:59Z',
        true,
      ],
      [
        'datetime vs dates',
        { property: 'createdate', operator: 'between', value: '2026-01-01', highValue: '2026-01-31' },
        '2026-01-01T00:00:00Z',
        true,
      ],
      [
        'datetime vs dates',
        { property: 'createdate', operator: 'between', value: '2026-01-01', highValue: '2026-01-31' },
        '2025-12-31T23:59:59Z',
        false,
      ],
      [
        'datetime',
        {
          property: 'createdate',
          operator: 'between',
          value: '2026-01-01T08:00:00Z',
          highValue: '2026-01-01T18:00:00Z',
        },
        '2026-01-01T18:00:00Z',
        true,
      ],
      [
        'datetime',
        {
          property: 'createdate',
          operator: 'between',
          value: '2026-01-01T08:00:00Z',
          highValue: '2026-01-01T18:00:00Z',
        },
        '2026-01-01T18:00:01Z',
        false,
      ],
      [
        'mixed bounds',
        { property: 'score', operator: 'between', value: 10, highValue: '2026-01-01' },
        15,
        false,
      ],
      ['string', { property: 'city', operator: 'between', value: 'A', highValue: 'Z' }, 'Paris', false],
    ])('%s: %j on %j → %s', (_type, filter, value, expected) => {
      expect(evaluate(filter, value)).toBe(expected);
    });
  });

  describe('in and notIn', () => {
    it.each<Row>([
      ['string', { property: 'country', operator: 'in', values: ['FR', 'DE'] }, 'fr', true],
      ['string', { property: 'country', operator: 'in', values: ['FR', 'DE'] }, 'es', false],
      [
        'string',
        { property: 'country', operator: 'in', values: ['a', 'b', 'c', 'd', 'e', 'FR'] },
        'Fr',
        true,
      ],
      [
        'string',
        { property: 'country', operator: 'in', values: ['a', 'b', 'c', 'd', 'e', 'FR'] },
        'es',
        false,
      ],
      [
        'enumeration',
        { property: 'lifecyclestage', operator: 'in', values: ['Lead', 'customer'] },
        'lead',
        true,
      ],
      ['enumeration', { property: 'lifecyclestage', operator: 'in', values: ['lead'] }, 'opportunity', false],
      ['number', { property: 'score', operator: 'in', values: [1, 2, 3] }, 2, true],
      ['number', { property: 'score', operator: 'in', values: [1, 2, 3] }, 4, false],
      ['number (wrong type)', { property: 'score', operator: 'in', values: [1, 2, 3] }, '2', false],
      ['bool', { property: 'optin', operator: 'in', values: ['true'] }, true, false],
      ['date', { property: 'birthdate', operator: 'in', values: ['1990-05-02'] }, '1990-05-02', true],
      ['string', { property: 'country', operator: 'notIn', values: ['FR', 'DE'] }, 'es', true],
      ['string', { property: 'country', operator: 'notIn', values: ['FR', 'DE'] }, 'fr', false],
      ['enumeration', { property: 'lifecyclestage', operator: 'notIn', values: ['LEAD'] }, 'lead', false],
      ['enumeration', { property: 'lifecyclestage', operator: 'notIn', values: ['lead'] }, 'customer', true],
      ['number', { property: 'score', operator: 'notIn', values: [1, 2] }, 3, true],
      ['number', { property: 'score', operator: 'notIn', values: [1, 2] }, 2, false],
      ['bool (wrong type)', { property: 'optin', operator: 'notIn', values: ['x'] }, true, false],
    ])('%s: %j on %j → %s', (_type, filter, value, expected) => {
      expect(evaluate(filter, value)).toBe(expected);
    });
  });

  describe('hasProperty and notHasProperty', () => {
    it.each<[type: string, value: unknown, has: boolean]>([
      ['string', 'Paris', true],
      ['string (blank is set)', '  ', true],
      ['string (empty)', '', false],
      ['number (zero is set)', 0, true],
      ['bool (false is set)', false, true],
      ['date', '1990-05-02', true],
      ['datetime', '2026-03-01T10:00:00Z', true],
      ['enumeration', 'lead', true],
      ['null', null, false],
      ['missing', undefined, false],
    ])('%s: %j', (_type, value, has) => {
      expect(evaluate({ property: 'x', operator: 'hasProperty' }, value)).toBe(has);
      expect(evaluate({ property: 'x', operator: 'notHasProperty' }, value)).toBe(!has);
    });
  });

  describe('text operators', () => {
    it.each<Row>([
      ['contains', { property: 'email', operator: 'contains', value: 'ACME' }, 'jo@acme.com', true],
      ['contains', { property: 'email', operator: 'contains', value: 'acme' }, 'jo@example.com', false],
      ['contains', { property: 'jobtitle', operator: 'contains', value: 'ÉQUIPE' }, "chef d'équipe", true],
      ['contains (number)', { property: 'score', operator: 'contains', value: '5' }, 55, false],
      ['notContains', { property: 'email', operator: 'notContains', value: 'ACME' }, 'jo@acme.com', false],
      ['notContains', { property: 'email', operator: 'notContains', value: 'acme' }, 'jo@example.com', true],
      ['notContains (number)', { property: 'score', operator: 'notContains', value: '5' }, 7, false],
      ['startsWith', { property: 'phone', operator: 'startsWith', value: '+33' }, '+33 1 23', true],
      ['startsWith', { property: 'jobtitle', operator: 'startsWith', value: 'head' }, 'Head of Sales', true],
      [
        'startsWith',
        { property: 'jobtitle', operator: 'startsWith', value: 'sales' },
        'Head of Sales',
        false,
      ],
      ['endsWith', { property: 'email', operator: 'endsWith', value: '.FR' }, 'jo@acme.fr', true],
      ['endsWith', { property: 'email', operator: 'endsWith', value: '.fr' }, 'jo@acme.fr.com', false],
      [
        'enumeration',
        { property: 'lifecyclestage', operator: 'contains', value: 'QUALIFIED' },
        'salesqualifiedlead',
        true,
      ],
      ['bool', { property: 'optin', operator: 'contains', value: 'tru' }, true, false],
      ['date', { property: 'birthdate', operator: 'startsWith', value: '1990' }, '1990-05-02', true],
      [
        'datetime',
        { property: 'createdate', operator: 'endsWith', value: 'z' },
        '2026-03-01T10:00:00Z',
        true,
      ],
    ])('%s: %j on %j → %s', (_type, filter, value, expected) => {
      expect(evaluate(filter, value)).toBe(expected);
    });
  });

  describe('containsToken', () => {
    it.each<[value: string, text: unknown, expected: boolean]>([
      ['sales', 'Head of Sales', true],
      ['SALES', 'head of sales', true],
      ['sales', 'Salesforce admin', false],
      ['sales', 'Presales engineer', false],
      ['sales', 'Sales/Marketing', true],
      ['sales ops', 'Sales-Ops lead', true],
      ['sales ops', 'Sales   Ops', true],
      ['sales ops', 'Ops and Sales', false],
      ['sales ops', 'Sales and Ops', false],
      ['café', 'Le Café, Paris', true],
      ['caf', 'Le Café, Paris', false],
      ['chen', 'München', false],
      ['münchen', 'Büro MÜNCHEN', true],
      ['b2b', 'B2B marketing', true],
      ['b2', 'B2B marketing', false],
      ['2026', 'Plan2026', false],
      ['cafe', 'cafe\u0301 noir', false],
      ['!!!', 'Wow!!!', false],
      ['sales', '', false],
      ['sales', 42, false],
    ])('%j in %j → %s', (value, text, expected) => {
      expect(evaluate({ property: 'jobtitle', operator: 'containsToken', value }, text)).toBe(expected);
    });
  });

  describe('the empty-value rule', () => {
    const negatives: Filter[] = [
      { property: 'p', operator: 'neq', value: 'FR' },
      { property: 'p', operator: 'notIn', values: ['FR'] },
      { property: 'p', operator: 'notContains', value: 'FR' },
      { property: 'p', operator: 'notWithinLast', value: 'P7D' },
    ];
    const positives: Filter[] = [
      { property: 'p', operator: 'eq', value: '' },
      { property: 'p', operator: 'eq', value: 'FR' },
      { property: 'p', operator: 'lt', value: 5 },
      { property: 'p', operator: 'lte', value: '2026-01-01' },
      { property: 'p', operator: 'gt', value: 5 },
      { property: 'p', operator: 'gte', value: 5 },
      { property: 'p', operator: 'between', value: 0, highValue: 5 },
      { property: 'p', operator: 'in', values: ['', 'FR'] },
      { property: 'p', operator: 'hasProperty' },
      { property: 'p', operator: 'contains', value: '' },
      { property: 'p', operator: 'startsWith', value: '' },
      { property: 'p', operator: 'endsWith', value: '' },
      { property: 'p', operator: 'containsToken', value: 'fr' },
      { property: 'p', operator: 'withinLast', value: 'P7D' },
      { property: 'p', operator: 'changedTo', value: '' },
    ];
    const empties: [string, unknown][] = [
      ['null', null],
      ['undefined', undefined],
      ['""', ''],
    ];
    const changed = { changedProperties: ['p'], now: new Date('2026-03-10T00:00:00Z') };

    it.each(
      negatives.flatMap((filter) =>
        empties.map(([label, value]) => [filter.operator, label, filter, value] as const),
      ),
    )(
      '%s does not match %s without includeEmpty, and matches it with',
      (_operator, _label, filter, value) => {
        expect(matchFilters(allOf(filter), contactWith('p', value, changed))).toBe(false);
        expect(
          matchFilters(allOf({ ...filter, includeEmpty: true } as Filter), contactWith('p', value, changed)),
        ).toBe(true);
      },
    );

    it.each(negatives.map((filter) => [filter.operator, filter] as const))(
      '%s with includeEmpty still tests a set value',
      (_operator, filter) => {
        // Prepare
        const failing = contactWith('p', filter.operator === 'notWithinLast' ? '2026-03-09' : 'fr', changed);
        const passing = contactWith('p', filter.operator === 'notWithinLast' ? '2020-01-01' : 'de', changed);
        const criteria = allOf({ ...filter, includeEmpty: true } as Filter);

        // Act
        const results = [matchFilters(criteria, failing), matchFilters(criteria, passing)];

        // Assess
        expect(results).toEqual([false, true]);
      },
    );

    it.each(
      positives.flatMap((filter) =>
        empties.map(([label, value]) => [filter.operator, label, filter, value] as const),
      ),
    )('%s is false on %s', (_operator, _label, filter, value) => {
      expect(matchFilters(allOf(filter), contactWith('p', value, changed))).toBe(false);
    });

    it.each(empties)('changed is true on %s when the change cleared the property', (_label, value) => {
      expect(
        matchFilters(allOf({ property: 'p', operator: 'changed' }), contactWith('p', value, changed)),
      ).toBe(true);
    });

    it.each(empties)('notHasProperty is true on %s', (_label, value) => {
      expect(
        matchFilters(allOf({ property: 'p', operator: 'notHasProperty' }), contactWith('p', value)),
      ).toBe(true);
    });
  });
});
