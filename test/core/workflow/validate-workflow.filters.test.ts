import { describe, expect, it } from 'vitest';
import { PROPERTY_TYPES, type PropertyType } from '../../../shared/core/records/property.schema.ts';
import { validateFilters } from '../../../shared/core/workflow/validate-filters.ts';
import { OPERATOR_PROPERTY_TYPES } from '../../../shared/core/workflow/validation/filter-rules.ts';
import {
  errorsOf,
  issue,
  TYPED_PROPERTIES,
  withActions,
  withFilters,
  workflow,
} from './workflow-builders.ts';

const AT = 'enrollment.criteria[0].filters[0]';

/** A value of each type, shaped so the filter schema accepts it whatever the operator. */
const SAMPLE: Record<PropertyType, string | number | boolean> = {
  string: 'x',
  number: 5,
  bool: true,
  date: '2026-01-01',
  datetime: '2026-01-01T10:00:00Z',
  enumeration: 'alpha',
};

const filterFor = (operator: string, type: PropertyType) => {
  const property = `p_${type}`;
  const value = SAMPLE[type];
  const scalar = typeof value === 'boolean' ? 'x' : value; // `between`, `in` take no booleans in the schema
  switch (operator) {
    case 'between':
      return { property, operator, value: scalar, highValue: scalar };
    case 'in':
    case 'notIn':
      return { property, operator, values: [scalar] };
    case 'withinLast':
    case 'notWithinLast':
      return { property, operator, value: 'P7D' };
    case 'hasProperty':
    case 'notHasProperty':
    case 'changed':
      return { property, operator };
    default:
      return { property, operator, value };
  }
};

const MATRIX = Object.entries(OPERATOR_PROPERTY_TYPES).flatMap(([operator, types]) =>
  PROPERTY_TYPES.map((type) => [operator, type, types.includes(type)] as const),
);

describe('validateWorkflow — filters against property definitions', () => {
  it.each(MATRIX)('%s on a %s property: allowed = %s', (operator, type, allowed) => {
    const errors = errorsOf(withFilters([filterFor(operator, type)]), TYPED_PROPERTIES);
    if (allowed) expect(errors).toEqual([]);
    else
      expect(errors).toEqual([
        issue(`${AT}.operator`, `"${operator}" does not fit "p_${type}", a ${type} property`),
      ]);
  });

  it('matches the spec table for a few well-known pairs', () => {
    expect(OPERATOR_PROPERTY_TYPES.contains).toEqual(['string']);
    expect(OPERATOR_PROPERTY_TYPES.between).toEqual(['number', 'date', 'datetime']);
    expect(OPERATOR_PROPERTY_TYPES.in).toEqual(['string', 'enumeration', 'number']);
    expect(OPERATOR_PROPERTY_TYPES.withinLast).toEqual(['date', 'datetime']);
  });

  it('lists the operators that do fit', () => {
    expect(errorsOf(withFilters([{ property: 'score', operator: 'contains', value: '5' }]))).toEqual([
      {
        path: `${AT}.operator`,
        message:
          '"contains" does not fit "score", a number property; the operators for number properties are: eq, neq, lt, lte, gt, gte, between, in, notIn, hasProperty, notHasProperty, changed, changedTo',
      },
    ]);
  });

  it('names an unknown property and suggests close names', () => {
    expect(errorsOf(withFilters([{ property: 'contry', operator: 'eq', value: 'FR' }]))).toEqual([
      { path: `${AT}.property`, message: 'unknown property "contry" on contacts — did you mean "country"?' },
    ]);
  });

  it('points an unknown property to the object types that have it', () => {
    expect(errorsOf(withFilters([{ property: 'dealstage', operator: 'eq', value: 'closedwon' }]))).toEqual([
      {
        path: `${AT}.property`,
        message:
          'unknown property "dealstage" on contacts ("dealstage" is a property of deals: "deals.dealstage" filters on associated deals)',
      },
    ]);
  });

  it('finds custom properties next to the built-ins', () => {
    const properties = {
      contacts: [{ name: 'plan', type: 'enumeration' as const, options: ['free', 'pro'] }],
    };
    expect(errorsOf(withFilters([{ property: 'plan', operator: 'eq', value: 'pro' }]), properties)).toEqual(
      [],
    );
    expect(errorsOf(withFilters([{ property: 'plan', operator: 'eq', value: 'gold' }]), properties)).toEqual([
      { path: `${AT}.value`, message: '"gold" is not an option of "plan"; the options are: free, pro' },
    ]);
  });

  describe('associated paths', () => {
    it('reads a property of an associated object type', () => {
      expect(
        errorsOf(withFilters([{ property: 'companies.industry', operator: 'eq', value: 'Software' }])),
      ).toEqual([]);
      expect(
        errorsOf(withFilters([{ property: 'tasks.status', operator: 'eq', value: 'completed' }])),
      ).toEqual([]);
    });

    it('refuses an unknown object type', () => {
      expect(errorsOf(withFilters([{ property: 'company.industry', operator: 'eq', value: 'x' }]))).toEqual([
        issue(
          `${AT}.property`,
          'unknown object type "company" in "company.industry" — did you mean "companies"?',
        ),
      ]);
    });

    it("refuses the workflow's own object type", () => {
      expect(errorsOf(withFilters([{ property: 'contacts.email', operator: 'hasProperty' }]))).toEqual([
        issue(`${AT}.property`, '"contacts.email" names this workflow\'s own object type: write "email"'),
      ]);
    });

    it('refuses a property the associated type lacks', () => {
      expect(errorsOf(withFilters([{ property: 'companies.industri', operator: 'eq', value: 'x' }]))).toEqual(
        [
          {
            path: `${AT}.property`,
            message: 'unknown property "industri" on companies — did you mean "industry"?',
          },
        ],
      );
    });

    it('checks the operator and value against the associated type', () => {
      expect(errorsOf(withFilters([{ property: 'deals.amount', operator: 'gt', value: 'big' }]))).toEqual([
        issue(`${AT}.value`, 'must be a number ("amount" is a number property), not the text "big"'),
      ]);
    });

    it.each(['changed', 'changedTo'])('refuses %s on an associated path', (operator) => {
      const filter =
        operator === 'changed'
          ? { property: 'companies.industry', operator }
          : { property: 'companies.industry', operator, value: 'Software' };
      expect(errorsOf(withFilters([filter]))).toEqual([
        issue(`${AT}.operator`, `"${operator}" only sees changes of the enrolled record's own properties`),
      ]);
    });
  });

  describe('values', () => {
    it.each([
      [
        { property: 'score', operator: 'eq', value: '50' },
        'value',
        'must be a number ("score" is a number property), not the text "50"',
      ],
      [
        { property: 'country', operator: 'eq', value: 33 },
        'value',
        'must be text ("country" is a string property), not the number 33',
      ],
      [
        { property: 'p_bool', operator: 'eq', value: 'true' },
        'value',
        'must be true or false ("p_bool" is a bool property), not the text "true"',
      ],
      [
        { property: 'birthdate', operator: 'gt', value: '1990-02-30' },
        'value',
        'must be a date "YYYY-MM-DD" ("birthdate" is a date property), not the text "1990-02-30"',
      ],
      [
        { property: 'birthdate', operator: 'lt', value: '2000-01-01T00:00:00Z' },
        'value',
        'must be a date "YYYY-MM-DD"',
      ],
      [
        { property: 'createdate', operator: 'gte', value: '2026-01-01 10:00' },
        'value',
        'must be an RFC 3339 datetime such as "2026-03-01T09:00:00Z", or a date "YYYY-MM-DD"',
      ],
      [
        { property: 'createdate', operator: 'gte', value: '2026-01-01T25:00:00Z' },
        'value',
        'must be an RFC 3339 datetime',
      ],
      [
        { property: 'lifecyclestage', operator: 'eq', value: 'leed' },
        'value',
        '"leed" is not an option of "lifecyclestage" — did you mean "lead"? The options are: subscriber, lead, ',
      ],
      [
        { property: 'lifecyclestage', operator: 'changedTo', value: 'client' },
        'value',
        '"client" is not an option of "lifecyclestage"; the options are: subscriber, lead, marketingqualifiedlead, salesqualifiedlead, opportunity, customer, evangelist, other',
      ],
      [
        { property: 'lifecyclestage', operator: 'in', values: ['lead', 'prospect'] },
        'values[1]',
        '"prospect" is not an option of "lifecyclestage"',
      ],
      [{ property: 'score', operator: 'notIn', values: [1, '2'] }, 'values[1]', 'must be a number'],
      [
        { property: 'score', operator: 'between', value: 100, highValue: 10 },
        'highValue',
        'must not be below "value" (10 < 100): between means value ≤ x ≤ highValue',
      ],
      [
        { property: 'birthdate', operator: 'between', value: '2000-12-31', highValue: '2000-01-01' },
        'highValue',
        'must not be below "value"',
      ],
      [
        {
          property: 'createdate',
          operator: 'between',
          value: '2026-01-02',
          highValue: '2026-01-01T23:00:00Z',
        },
        'highValue',
        'must not be below "value"',
      ],
      [{ property: 'score', operator: 'between', value: 'low', highValue: 10 }, 'value', 'must be a number'],
      [
        { property: 'city', operator: 'contains', value: '' },
        'value',
        'must not be empty: every text would match',
      ],
      [{ property: 'city', operator: 'startsWith', value: 7 }, 'value', 'must be text'],
      [
        { property: 'country', operator: 'eq', value: '' },
        'value',
        '"" is no value and never compares: use "notHasProperty" instead',
      ],
      [{ property: 'country', operator: 'neq', value: '' }, 'value', 'use "hasProperty" instead'],
      [
        { property: 'createdate', operator: 'withinLast', value: 'P0D' },
        'value',
        'must be longer than zero ("P0D")',
      ],
    ])('refuses %j', (filter, field, message) => {
      expect(errorsOf(withFilters([filter]), TYPED_PROPERTIES)).toEqual([issue(`${AT}.${field}`, message)]);
    });

    it.each([
      ['c++', '"c"'],
      ['.net', '"net"'],
      ['new-york', '"new york"'],
      ['vp\tsales', '"vp sales"'],
      ["o'brien", '"o brien"'],
    ])('refuses the containsToken value %j: the engine ignores its punctuation', (value, words) => {
      const filter = { property: 'jobtitle', operator: 'containsToken', value };
      expect(errorsOf(withFilters([filter]))).toEqual([
        {
          path: `${AT}.value`,
          message: `containsToken matches whole words and ignores characters other than letters, digits and spaces (${JSON.stringify(value)} would match as ${words}): write ${words}, or use "contains" to match ${JSON.stringify(value)} as written`,
        },
      ]);
    });

    it.each(['!!!', '   ', '-'])('refuses the containsToken value %j: it holds no word', (value) => {
      const filter = { property: 'jobtitle', operator: 'containsToken', value };
      expect(errorsOf(withFilters([filter]))).toEqual([
        {
          path: `${AT}.value`,
          message: `containsToken matches whole words and ${JSON.stringify(value)} holds none (letters or digits): use "contains" to match it as written`,
        },
      ]);
    });

    it.each(['VP', 'vice president', ' head of sales ', 'r2d2', '東京', 'café', 'cafe\u0301', 'Ünïcödé'])(
      'accepts the containsToken value %j (letters, digits, combining marks and spaces)',
      (value) => {
        const filter = { property: 'jobtitle', operator: 'containsToken', value };
        expect(errorsOf(withFilters([filter]))).toEqual([]);
      },
    );

    it.each([
      ['2026-03-01T05:00:00Z', '2026-03-01'],
      ['2026-03-01T23:59:59.999Z', '2026-03-01'],
      ['2026-03-01', '2026-03-01'],
      ['2026-03-01', '2026-03-01T00:00:00Z'],
      ['2026-03-01T10:00:00+02:00', '2026-03-01T08:00:00Z'],
    ])('accepts a datetime between %s and %s (a date spans its whole UTC day)', (value, highValue) => {
      const filter = { property: 'createdate', operator: 'between', value, highValue };
      expect(errorsOf(withFilters([filter]))).toEqual([]);
    });

    it.each([
      ['2026-03-02T00:00:00Z', '2026-03-01'],
      ['2026-03-01T23:30:00-01:00', '2026-03-01'],
      ['2026-03-02', '2026-03-01T23:59:59Z'],
    ])('refuses a datetime between %s and %s (the high bound ends first)', (value, highValue) => {
      const filter = { property: 'createdate', operator: 'between', value, highValue };
      expect(errorsOf(withFilters([filter]))).toEqual([
        {
          path: `${AT}.highValue`,
          message: `must not be below "value" ("${highValue}" < "${value}"): between means value ≤ x ≤ highValue`,
        },
      ]);
    });

    it.each([
      { property: 'lifecyclestage', operator: 'eq', value: 'Lead' },
      { property: 'createdate', operator: 'gte', value: '2026-01-01' },
      { property: 'createdate', operator: 'lt', value: '2026-01-01T10:00:00+02:00' },
      { property: 'createdate', operator: 'lt', value: '2026-01-01T10:00:00.123Z' },
      { property: 'score', operator: 'between', value: 10, highValue: 10 },
      { property: 'score', operator: 'in', values: [1, 2, 3] },
      { property: 'country', operator: 'notIn', values: ['FR', 'BE'], includeEmpty: true },
      { property: 'jobtitle', operator: 'containsToken', value: 'VP' },
      { property: 'birthdate', operator: 'notWithinLast', value: 'P1Y' },
      { property: 'leadstatus', operator: 'changed' },
      { property: 'p_bool', operator: 'neq', value: false },
      { operator: 'notInList', listId: 'lst_1' },
    ])('accepts %j', (filter) => {
      expect(errorsOf(withFilters([filter]), TYPED_PROPERTIES)).toEqual([]);
    });
  });

  describe('every criteria of a workflow', () => {
    const bad = { property: 'nope', operator: 'hasProperty' };
    const message = 'unknown property "nope" on contacts';

    it.each([
      [
        'enrollment.criteria[1].filters[0]',
        workflow({
          enrollment: {
            trigger: 'criteria',
            criteria: [{ filters: [{ property: 'city', operator: 'hasProperty' }] }, { filters: [bad] }],
          },
        }),
      ],
      [
        'enrollment.reenrollment.triggers[0]',
        workflow({ enrollment: { trigger: 'criteria', reenrollment: { enabled: true, triggers: [bad] } } }),
      ],
      ['goal.criteria[0].filters[0]', workflow({ goal: { criteria: [{ filters: [bad] }] } })],
      [
        'settings.unenrollmentCriteria[0].filters[0]',
        workflow({ settings: { unenrollmentCriteria: [{ filters: [bad] }] } }),
      ],
      [
        'actions[0].branches[0].criteria[0].filters[0]',
        withActions([
          { id: 'a1', type: 'branch', branches: [{ name: 'B', criteria: [{ filters: [bad] }] }] },
        ]),
      ],
      [
        'actions[0].criteria[0].filters[0]',
        withActions([{ id: 'a1', type: 'delayUntilEvent', criteria: [{ filters: [bad] }], timeout: 'P1D' }]),
      ],
    ])('checks %s', (path, json) => {
      expect(errorsOf(json)).toEqual([issue(`${path}.property`, message)]);
    });

    it('checks filters against the workflow object type', () => {
      const json = withFilters([{ property: 'amount', operator: 'gt', value: 100 }], { objectType: 'deals' });
      expect(errorsOf(json)).toEqual([]);
    });
  });
});

describe('validateFilters', () => {
  it('validates a criteria on its own, with paths from the criteria', () => {
    const result = validateFilters([{ filters: [{ property: 'amount', operator: 'gt', value: '1' }] }], {
      objectType: 'deals',
    });
    expect(result).toEqual({ ok: false, errors: [issue('[0].filters[0].value', 'must be a number')] });
  });

  it('returns the parsed criteria when valid', () => {
    const criteria = [{ filters: [{ property: 'amount', operator: 'gt', value: 1 }] }];
    expect(validateFilters(criteria, { objectType: 'quotes' })).toEqual({ ok: true, criteria });
  });

  it('reports a shape error at the root in a sentence', () => {
    expect(validateFilters({ filters: [] }, { objectType: 'deals' })).toEqual({
      ok: false,
      errors: [{ path: '', message: 'a criteria must be a list, not an object' }],
    });
  });
});
