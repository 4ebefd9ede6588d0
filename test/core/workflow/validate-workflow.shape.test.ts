import { describe, expect, it } from 'vitest';
import {
  type ValidateWorkflowOptions,
  validateWorkflow,
} from '../../../shared/core/workflow/validate-workflow.ts';
import { MAX_REPORTED_ISSUES } from '../../../shared/core/workflow/validation/limit-issues.ts';
import { errorsOf, issue, withActions, withFilters, workflow } from './workflow-builders.ts';

describe('validateWorkflow — shape', () => {
  it('accepts a minimal workflow and applies the defaults', () => {
    // Prepare
    const json = {
      name: 'Minimal',
      objectType: 'deals',
      enrollment: { trigger: 'manual' },
      startActionId: null,
      actions: [],
    };

    // Act
    const result = validateWorkflow(json);

    // Assess
    expect(result).toEqual({
      ok: true,
      workflow: {
        name: 'Minimal',
        objectType: 'deals',
        enrollment: { trigger: 'manual', criteria: [], reenrollment: { enabled: false, triggers: [] } },
        startActionId: null,
        actions: [],
        settings: {
          timeZone: 'UTC',
          executionWindows: [],
          blockedDates: [],
          unenrollWhenCriteriaNotMet: false,
          unenrollmentCriteria: [],
          suppressionLists: [],
          unenrollFromWorkflows: [],
          campaigns: [],
        },
      },
    });
  });

  it('ignores the server-owned fields a GET returns', () => {
    const json = workflow({
      id: 'wf_1',
      status: 'active',
      revision: 3,
      createdAt: 'x',
      updatedAt: 'y',
      activatedAt: null,
    });
    const result = validateWorkflow(json);
    expect(result.ok).toBe(true);
    expect(result.ok && 'id' in result.workflow).toBe(false);
  });

  it.each([
    [null, 'a workflow must be an object, not null'],
    [[], 'a workflow must be an object, not a list'],
    ['workflow', 'a workflow must be an object, not the text "workflow"'],
    [42, 'a workflow must be an object, not the number 42'],
    [true, 'a workflow must be an object, not true'],
    [undefined, 'a workflow is required'],
  ])('refuses %j as a whole', (json, message) => {
    expect(errorsOf(json)).toEqual([{ path: '', message }]);
  });

  it('names every missing required field', () => {
    expect(errorsOf({})).toEqual([
      { path: 'name', message: 'is required' },
      issue('objectType', 'is required: one of "contacts", "companies", "deals", "tickets", "quotes"'),
      { path: 'enrollment', message: 'is required' },
      { path: 'startActionId', message: 'is required' },
      { path: 'actions', message: 'is required' },
    ]);
  });

  it('reports an unknown field by name, with the close known one', () => {
    expect(errorsOf(workflow({ colour: 'red', setings: {} }))).toEqual([
      { path: 'colour', message: 'unknown field "colour"' },
      { path: 'setings', message: 'unknown field "setings" — did you mean "settings"?' },
    ]);
  });

  it('reports unknown fields deep inside an action', () => {
    const json = withActions([{ id: 'a1', type: 'delay', duration: 'P1D', nextt: null }]);
    expect(errorsOf(json)).toEqual([
      { path: 'actions[0].nextt', message: 'unknown field "nextt" — did you mean "next"?' },
    ]);
  });

  it('lists the action types for an unknown one', () => {
    const [error] = errorsOf(withActions([{ id: 'a1', type: 'sendEmial', subject: 'Hi', body: 'Hello' }]));
    expect(error?.path).toBe('actions[0].type');
    expect(error?.message).toMatch(
      /^unknown action type "sendEmial" — did you mean "sendEmail"\? The action types are: delay, /,
    );
    expect(error?.message).toContain('publishEvent');
  });

  it('asks for the action type when it is missing', () => {
    expect(errorsOf(withActions([{ id: 'a1', duration: 'P1D' }]))).toEqual([
      issue('actions[0].type', /^is required: the action type, one of delay, delayUntilDate, /),
    ]);
  });

  it('lists the operators for an unknown one', () => {
    expect(errorsOf(withFilters([{ property: 'country', operator: 'regex', value: 'F.*' }]))).toEqual([
      issue(
        'enrollment.criteria[0].filters[0].operator',
        /^unknown operator "regex"; the operators are: eq, lt, /,
      ),
    ]);
    expect(errorsOf(withFilters([{ property: 'country', operator: 'equals', value: 'FR' }]))).toEqual([
      issue('enrollment.criteria[0].filters[0].operator', 'unknown operator "equals" — did you mean "eq"?'),
    ]);
    expect(errorsOf(withFilters([{ property: 'country', operator: 7, value: 'FR' }]))).toEqual([
      issue('enrollment.criteria[0].filters[0].operator', /^must be one of eq, .*, not the number 7$/),
    ]);
  });

  it.each([
    [{ name: 5 }, 'name', 'must be text, not the number 5'],
    [{ name: '  ' }, 'name', 'a workflow needs a name'],
    [{ objectType: 'contact' }, 'objectType', '"contact" is not allowed here — did you mean "contacts"?'],
    [
      { objectType: 'tasks' },
      'objectType',
      '"tasks" is not allowed here; the allowed values are: contacts, companies',
    ],
    [
      { enrollment: { trigger: 'auto' } },
      'enrollment.trigger',
      '"auto" is not allowed here; the allowed values are: criteria, manual',
    ],
    [{ actions: {} }, 'actions', 'must be a list, not an object'],
    [{ startActionId: 'a 1' }, 'startActionId', 'must be 1–64 letters, digits, "_" or "-"'],
    [{ settings: { timeZone: 'Paris' } }, 'settings.timeZone', '"Paris" is not an IANA time-zone name'],
    [
      { settings: { blockedDates: ['2026-02-30'] } },
      'settings.blockedDates[0]',
      'must be a calendar date "YYYY-MM-DD" that exists',
    ],
    [
      { settings: { executionWindows: [{ days: ['mon'], start: '17:00', end: '09:00' }] } },
      'settings.executionWindows[0].end',
      'must start before it ends',
    ],
    [
      { settings: { executionWindows: [{ days: ['mon'], start: '9:00', end: '17:00' }] } },
      'settings.executionWindows[0].start',
      'must be a time of day "HH:mm"',
    ],
    [
      { settings: { executionWindows: [{ days: [], start: '09:00', end: '17:00' }] } },
      'settings.executionWindows[0].days',
      'a window needs at least one day',
    ],
    [{ settings: { campaigns: 'Q1' } }, 'settings.campaigns', 'must be a list, not the text "Q1"'],
    [
      { anchor: { type: 'relative' } },
      'anchor.type',
      'unknown anchor type "relative"; the anchor types are: fixedDate, dateProperty',
    ],
    [{ anchor: { type: 'fixedDate', date: '15/03/2027' } }, 'anchor.date', 'must be a calendar date'],
    [
      { goal: { criteria: [{ filters: [] }] } },
      'goal.criteria[0].filters',
      'a filter group needs at least one filter',
    ],
  ])('maps %j to our wording', (overrides, path, message) => {
    expect(errorsOf(workflow(overrides))).toEqual([issue(path, message)]);
  });

  it.each([
    [
      { id: 'a1', type: 'delay', duration: 'two days' },
      'actions[0].duration',
      '"two days" is not an ISO 8601 duration',
    ],
    [
      { id: 'a1', type: 'delay', duration: '-P1D' },
      'actions[0].duration',
      '"-P1D" must not be negative here',
    ],
    [
      { id: 'a1', type: 'delay', duration: 'P1D', businessDays: 'yes' },
      'actions[0].businessDays',
      'must be true or false, not the text "yes"',
    ],
    [
      { id: 'a1', type: 'incrementProperty', property: 'score', by: '5' },
      'actions[0].by',
      'must be a number, not the text "5"',
    ],
    [
      { id: 'a1', type: 'setProperty', property: 'city', value: ['Paris'] },
      'actions[0].value',
      'must be text, a number, a boolean or null, not a list',
    ],
    [
      { id: 'a1', type: 'setProperty', property: 'city', value: 'Paris', target: 'others' },
      'actions[0].target',
      'must be "self" or an object, not the text "others"',
    ],
    [
      { id: 'a1', type: 'setProperty', property: 'city', value: 'Paris', target: { associated: 'company' } },
      'actions[0].target.associated',
      'did you mean "companies"?',
    ],
    [{ id: 'a1', type: 'webhook', url: 'http://example.com' }, 'actions[0].url', 'must be an https:// URL'],
    [
      { id: 'a1', type: 'webhook', url: 'https://example.com', headers: { 'X Bad': 'v' } },
      'actions[0].headers.X Bad',
      'invalid name "X Bad": must be an HTTP header name',
    ],
    [
      { id: 'a1', type: 'randomSplit', paths: [{ percent: 60 }, { percent: 30 }] },
      'actions[0].paths',
      'the percents of the paths must add up to 100',
    ],
    [
      { id: 'a1', type: 'randomSplit', paths: [{ percent: 100 }] },
      'actions[0].paths',
      'a random split needs at least two paths',
    ],
    [
      { id: 'a1', type: 'branch', branches: [], defaultNext: null },
      'actions[0].branches',
      'must not be empty',
    ],
    [{ id: 'a1', type: 'createTask', title: '' }, 'actions[0].title', 'must not be empty'],
    [
      { id: 'a1', type: 'rotateOwner', owners: 'usr_1' },
      'actions[0].owners',
      'must be a list, not the text "usr_1"',
    ],
  ])('maps action %j to our wording', (action, path, message) => {
    expect(errorsOf(withActions([action]))).toEqual([issue(path, message)]);
  });

  it('reports a missing filter value as required', () => {
    expect(errorsOf(withFilters([{ property: 'country', operator: 'eq' }]))).toEqual([
      { path: 'enrollment.criteria[0].filters[0].value', message: 'is required' },
    ]);
  });

  it('counts the limits the schema sets: 500 actions, 50 groups, 250 filters', () => {
    const actions = Array.from({ length: 501 }, (_, index) => ({
      id: `a${index}`,
      type: 'delay',
      duration: 'P1D',
    }));
    expect(errorsOf(withActions(actions))).toEqual([issue('actions', 'at most 500 actions')]);

    const group = { filters: [{ property: 'country', operator: 'eq', value: 'FR' }] };
    const groups = Array.from({ length: 51 }, () => group);
    expect(errorsOf(workflow({ goal: { criteria: groups } }))).toEqual([
      issue('goal.criteria', 'at most 50 filter groups'),
    ]);

    const big = { filters: Array.from({ length: 126 }, () => group.filters[0]) };
    expect(errorsOf(workflow({ goal: { criteria: [big, big] } }))).toEqual([
      issue('goal.criteria', 'at most 250 filters in all (found 252)'),
    ]);
  });

  it('checks the rules across fields only once the shape holds', () => {
    // The unknown property would be a rule error; the shape error alone is reported.
    const json = withFilters([{ property: 'nope', operator: 'eq', value: 'x' }], { name: '' });
    expect(errorsOf(json)).toEqual([issue('name', 'a workflow needs a name')]);
  });

  it(`reports at most ${MAX_REPORTED_ISSUES} problems, then how many more`, () => {
    const actions = Array.from({ length: 150 }, () => null);
    const errors = errorsOf(workflow({ actions }));
    expect(errors).toHaveLength(MAX_REPORTED_ISSUES + 1);
    expect(errors.at(-1)).toEqual({ path: '', message: '50 more problems not shown: fix these first' });
  });
});

/** A deterministic generator, so a failing garbage case can be replayed. */
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

const GARBAGE: unknown[] = [
  null,
  0,
  -1,
  1e308,
  '',
  'x',
  '2026-01-01',
  'P1D',
  true,
  [],
  [null],
  {},
  { __proto__: null },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { constructor: 'x' },
  { type: 'delay' },
  { filters: [] },
  [[[[[[[[[[[]]]]]]]]]]],
];

const mutate = (value: unknown, next: () => number): unknown => {
  const pick = () => GARBAGE[Math.floor(next() * GARBAGE.length)];
  if (next() < 0.08) return pick();
  if (Array.isArray(value)) {
    const copy = value.map((entry) => mutate(entry, next));
    if (next() < 0.1) copy.push(pick());
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) {
      if (next() < 0.05) continue;
      copy[key] = mutate(entry, next);
    }
    if (next() < 0.05) copy[`x${Math.floor(next() * 10)}`] = pick();
    return copy;
  }
  return value;
};

describe('validateWorkflow — garbage', () => {
  it.each(GARBAGE.map((value) => [value]))('never throws on %j', (value) => {
    const result = validateWorkflow(value);
    expect(result.ok).toBe(false);
  });

  it('never throws on 2000 random mutations of a full workflow, and every error has a path and a sentence', async () => {
    // Prepare
    const { loadWorkflowFixture } = await import('../../fixtures/workflows/workflow-fixtures.ts');
    const source = loadWorkflowFixture('contacts-every-action-type');
    const next = random(20_261_126);

    for (let round = 0; round < 2000; round++) {
      // Act
      const result = validateWorkflow(mutate(source, next));

      // Assess
      if (!result.ok) {
        expect(result.errors.length).toBeGreaterThan(0);
        for (const error of result.errors) {
          expect(typeof error.path).toBe('string');
          expect(error.message.length).toBeGreaterThan(5);
          expect(error.message).not.toMatch(/Invalid input|expected .* received/);
        }
      }
    }
  });

  it('never throws on deep nesting where any value is allowed', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 5000; level++) deep = { nested: deep };
    const json = withActions([{ id: 'a1', type: 'publishEvent', detailType: 'Deep', detail: { deep } }]);
    expect(validateWorkflow(json).ok).toBe(true);
  });
});

describe('validateWorkflow — custom property definitions', () => {
  // Options come from callers in plain JavaScript too: the type does not hold them to its shape.
  const errorsWith = (json: unknown, options: unknown) => {
    const result = validateWorkflow(json, options as ValidateWorkflowOptions);
    return result.ok ? [] : result.errors;
  };

  it.each([
    [{ contacts: 5 }, 'properties.contacts', 'must be a list, not the number 5'],
    [{ contacts: [null] }, 'properties.contacts[0]', 'must be an object, not null'],
    [
      { contacts: [{ name: 'plan', type: 'text' }] },
      'properties.contacts[0].type',
      '"text" is not allowed here; the allowed values are: string, number, bool, date, datetime, enumeration',
    ],
    [
      { contacts: [{ name: 'email', type: 'number' }] },
      'properties.contacts[0].name',
      '"email" is a built-in property of contacts',
    ],
    [{ contact: [] }, 'properties.contact', 'unknown field "contact" — did you mean "contacts"?'],
    [5, 'properties', 'the property definitions must be an object, not the number 5'],
  ])('refuses properties %j, with paths under "properties"', (properties, path, message) => {
    expect(errorsWith(workflow(), { properties })).toEqual([{ path, message }]);
  });

  it.each([[null], [undefined], [{}], [{ properties: undefined }]])('takes options %j as none', (options) => {
    expect(errorsWith(workflow(), options)).toEqual([]);
  });

  it('reports the workflow shape and the property definitions together', () => {
    expect(errorsWith(workflow({ name: 5 }), { properties: { contacts: 5 } })).toEqual([
      { path: 'name', message: 'must be text, not the number 5' },
      { path: 'properties.contacts', message: 'must be a list, not the number 5' },
    ]);
  });

  it('checks no rule against invalid property definitions (it would only report their consequences)', () => {
    const json = withFilters([{ property: 'plan', operator: 'eq', value: 'pro' }]);
    const properties = { contacts: [{ name: 'plan', type: 'enumeration' }] };
    expect(errorsWith(json, { properties })).toEqual([
      { path: 'properties.contacts[0].options', message: 'an enumeration property needs its options' },
    ]);
  });
});
