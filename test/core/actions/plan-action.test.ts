import { describe, expect, it } from 'vitest';
import type { ActionEffect } from '../../../shared/core/actions/action-effects.ts';
import { type ActionContext, planAction } from '../../../shared/core/actions/plan-action.ts';
import { ERRORS } from '../../../shared/core/contract/task-contract.ts';
import { ActionNotApplicable, TaskError } from '../../../shared/core/contract/task-errors.ts';
import type { Properties } from '../../../shared/core/records/record.schema.ts';
import { type Action, ActionSchema } from '../../../shared/core/workflow/action.schema.ts';

/** An action as a definition holds it (defaults applied), from its type-specific fields. */
const action = (fields: Record<string, unknown>): Action => ActionSchema.parse({ id: 'x', ...fields });

const ADA: Properties = { firstname: 'Ada', lastname: 'Lovelace', email: 'ada@example.fr', ownerId: 'u7' };
const context = (
  properties: Properties = ADA,
  associated: ActionContext['associated'] = {},
): ActionContext => ({
  properties,
  associated,
  now: new Date('2026-11-30T08:00:00.000Z'),
  timeZone: 'Europe/Paris',
});
const COMPANIES = { associated: 'companies' } as const;

const SATURDAY_BEFORE_SPRING_FORWARD = new Date('2026-03-28T10:00:00+01:00');

const dueDateOf = (due: string, context: ActionContext): unknown => {
  const [effect] = planAction({ id: 't1', type: 'createTask', title: 'Call', due, next: null }, context);
  return effect?.kind === 'createRecord' ? effect.properties.dueDate : undefined;
};

describe('planAction', () => {
  it.each<[string, Record<string, unknown>, ActionEffect[]]>([
    [
      'setProperty on the record, personalised',
      { type: 'setProperty', property: 'leadstatus', value: 'open for {{firstname}}' },
      [{ kind: 'updateRecords', target: 'self', properties: { leadstatus: 'open for Ada' } }],
    ],
    [
      'setProperty of a number on the associated companies',
      { type: 'setProperty', property: 'score', value: 10, target: COMPANIES },
      [{ kind: 'updateRecords', target: COMPANIES, properties: { score: 10 } }],
    ],
    [
      'setProperty of null (clears)',
      { type: 'setProperty', property: 'leadstatus', value: null },
      [{ kind: 'updateRecords', target: 'self', properties: { leadstatus: null } }],
    ],
    [
      'copyProperty from the record itself',
      { type: 'copyProperty', from: 'firstname', to: 'nickname' },
      [{ kind: 'updateRecords', target: 'self', properties: { nickname: 'Ada' } }],
    ],
    [
      'copyProperty of a missing value',
      { type: 'copyProperty', from: 'phone', to: 'mobilephone', target: COMPANIES },
      [{ kind: 'updateRecords', target: COMPANIES, properties: { mobilephone: null } }],
    ],
    [
      'clearProperty',
      { type: 'clearProperty', property: 'leadstatus' },
      [{ kind: 'updateRecords', target: 'self', properties: { leadstatus: null } }],
    ],
    [
      'incrementProperty on the associated companies',
      { type: 'incrementProperty', property: 'score', by: -5, target: COMPANIES },
      [{ kind: 'incrementProperty', target: COMPANIES, property: 'score', by: -5 }],
    ],
    [
      'createRecord, personalised and associated by default',
      {
        type: 'createRecord',
        objectType: 'tickets',
        properties: { subject: 'Help {{firstname}}', priority: 2 },
      },
      [
        {
          kind: 'createRecord',
          objectType: 'tickets',
          properties: { subject: 'Help Ada', priority: 2 },
          associate: true,
        },
      ],
    ],
    [
      'createRecord not associated',
      { type: 'createRecord', objectType: 'deals', properties: { dealname: 'New' }, associate: false },
      [{ kind: 'createRecord', objectType: 'deals', properties: { dealname: 'New' }, associate: false }],
    ],
    [
      'createTask, personalised, owned by the record owner',
      { type: 'createTask', title: 'Call {{firstname}}', body: 'About {{lastname}}', ownerFrom: 'ownerId' },
      [
        {
          kind: 'createRecord',
          objectType: 'tasks',
          properties: { title: 'Call Ada', body: 'About Lovelace', status: 'not_started', ownerId: 'u7' },
          associate: true,
        },
      ],
    ],
    [
      'createTask whose owner property is empty',
      { type: 'createTask', title: 'Call', ownerFrom: 'hubspot_owner' },
      [
        {
          kind: 'createRecord',
          objectType: 'tasks',
          properties: { title: 'Call', status: 'not_started' },
          associate: true,
        },
      ],
    ],
    [
      'sendEmail to the email property',
      { type: 'sendEmail', subject: 'Bonjour {{firstname}}', body: 'Cher {{ lastname }}' },
      [{ kind: 'sendEmail', to: 'ada@example.fr', subject: 'Bonjour Ada', body: 'Cher Lovelace' }],
    ],
    [
      'sendEmail to another property',
      { type: 'sendEmail', subject: 'S', body: 'B', toProperty: 'firstname' },
      [{ kind: 'sendEmail', to: 'Ada', subject: 'S', body: 'B' }],
    ],
    [
      'sendNotification without recipients',
      { type: 'sendNotification', message: '{{firstname}} {{lastname}} signed' },
      [{ kind: 'sendNotification', message: 'Ada Lovelace signed', recipients: [] }],
    ],
    [
      'sendNotification to recipients',
      { type: 'sendNotification', message: 'm', recipients: ['u1', 'u2'] },
      [{ kind: 'sendNotification', message: 'm', recipients: ['u1', 'u2'] }],
    ],
    [
      'webhook with its defaults',
      { type: 'webhook', url: 'https://hooks.example.com/a' },
      [{ kind: 'webhook', url: 'https://hooks.example.com/a', method: 'POST', headers: {} }],
    ],
    [
      'webhook with method, headers and secret',
      {
        type: 'webhook',
        url: 'https://hooks.example.com/b',
        method: 'PUT',
        headers: { 'X-Source': 'crm' },
        secretName: 'hook-secret',
      },
      [
        {
          kind: 'webhook',
          url: 'https://hooks.example.com/b',
          method: 'PUT',
          headers: { 'X-Source': 'crm' },
          secretName: 'hook-secret',
        },
      ],
    ],
    ['addToList', { type: 'addToList', listId: 'won' }, [{ kind: 'addToList', listId: 'won' }]],
    [
      'removeFromList',
      { type: 'removeFromList', listId: 'open' },
      [{ kind: 'removeFromList', listId: 'open' }],
    ],
    [
      'enrollInWorkflow',
      { type: 'enrollInWorkflow', workflowId: 'wf-onboarding' },
      [{ kind: 'enrollInWorkflow', workflowId: 'wf-onboarding' }],
    ],
    [
      'rotateOwner with its defaults',
      { type: 'rotateOwner', owners: ['u1', 'u2'] },
      [{ kind: 'rotateOwner', target: 'self', owners: ['u1', 'u2'], property: 'ownerId', overwrite: false }],
    ],
    [
      'rotateOwner of another property on the associated companies',
      { type: 'rotateOwner', owners: ['u3'], property: 'csm', overwrite: true, target: COMPANIES },
      [{ kind: 'rotateOwner', target: COMPANIES, owners: ['u3'], property: 'csm', overwrite: true }],
    ],
    [
      'publishEvent without detail',
      { type: 'publishEvent', detailType: 'Deal Won' },
      [{ kind: 'publishEvent', detailType: 'Deal Won', detail: {} }],
    ],
    [
      'publishEvent with detail (not personalised)',
      { type: 'publishEvent', detailType: 'Deal Won', detail: { by: '{{firstname}}' } },
      [{ kind: 'publishEvent', detailType: 'Deal Won', detail: { by: '{{firstname}}' } }],
    ],
  ])('plans %s', (_case, fields, expected) => {
    // Act
    const effects = planAction(action(fields), context());
    // Assess
    expect(effects).toEqual(expected);
  });

  it.each<[string, Record<string, unknown>]>([
    ['delay', { type: 'delay', duration: 'P1D' }],
    ['delayUntilDate', { type: 'delayUntilDate', date: '2027-01-01' }],
    ['delayUntilDayTime', { type: 'delayUntilDayTime', time: '09:00' }],
    ['delayUntilAnchor', { type: 'delayUntilAnchor', offset: '-P7D', time: '09:00' }],
    [
      'delayUntilEvent',
      {
        type: 'delayUntilEvent',
        criteria: [{ filters: [{ property: 'status', operator: 'eq', value: 'closed' }] }],
        timeout: 'P3D',
      },
    ],
    [
      'branch',
      {
        type: 'branch',
        branches: [{ name: 'A', criteria: [{ filters: [{ property: 'x', operator: 'hasProperty' }] }] }],
      },
    ],
    ['valueBranch', { type: 'valueBranch', property: 'x', cases: [{ value: 'a' }] }],
    ['randomSplit', { type: 'randomSplit', paths: [{ percent: 50 }, { percent: 50 }] }],
  ])('plans no effect for %s (the state machine carries it out)', (_type, fields) => {
    // Act
    const effects = planAction(action(fields), context());
    // Assess
    expect(effects).toEqual([]);
  });

  it('renders a token of a missing or null property as empty text, and keeps unknown braces', () => {
    // Prepare
    const greeting = action({
      type: 'setProperty',
      property: 'greeting',
      value: 'Hi {{firstname}}{{nope}} {x}',
    });
    // Act
    const effects = planAction(greeting, context({ firstname: null }));
    // Assess
    expect(effects).toEqual([{ kind: 'updateRecords', target: 'self', properties: { greeting: 'Hi  {x}' } }]);
  });

  it('renders numbers and booleans of the record as text', () => {
    // Prepare
    const note = action({ type: 'sendNotification', message: '{{score}} points, vip: {{vip}}' });
    // Act
    const effects = planAction(note, context({ score: 42, vip: true }));
    // Assess
    expect(effects).toEqual([{ kind: 'sendNotification', message: '42 points, vip: true', recipients: [] }]);
  });

  describe('copyProperty from associated records', () => {
    const copy = action({ type: 'copyProperty', from: 'industry', to: 'industry', source: COMPANIES });

    it('reads the first associated record that has a value', () => {
      // Prepare
      const companies: Properties[] = [
        { industry: '' },
        { industry: null },
        { name: 'No industry' },
        { industry: 'Software' },
        { industry: 'Retail' },
      ];
      // Act
      const effects = planAction(copy, context(ADA, { companies }));
      // Assess
      expect(effects).toEqual([
        { kind: 'updateRecords', target: 'self', properties: { industry: 'Software' } },
      ]);
    });

    it.each<[string, ActionContext['associated']]>([
      ['no associated record of that type', {}],
      ['associated records without a value', { companies: [{ industry: '' }, {}] }],
    ])('writes null when there is %s', (_case, associated) => {
      // Act
      const effects = planAction(copy, context(ADA, associated));
      // Assess
      expect(effects).toEqual([{ kind: 'updateRecords', target: 'self', properties: { industry: null } }]);
    });

    it('keeps a value of 0 or false (only empty text and null count as missing)', () => {
      // Prepare
      const score = action({ type: 'copyProperty', from: 'score', to: 'score', source: COMPANIES });
      // Act
      const effects = planAction(score, context(ADA, { companies: [{ score: 0 }, { score: 5 }] }));
      // Assess
      expect(effects).toEqual([{ kind: 'updateRecords', target: 'self', properties: { score: 0 } }]);
    });
  });

  describe('sendEmail to a record without an address', () => {
    it.each<[string, Properties, Record<string, unknown>]>([
      ['no email property', { firstname: 'Ada' }, {}],
      ['an empty email', { email: '' }, {}],
      ['a null address in toProperty', { billing: null }, { toProperty: 'billing' }],
      ['a number in toProperty', { billing: 7 }, { toProperty: 'billing' }],
    ])('throws Action.NotApplicable for %s', (_case, properties, fields) => {
      // Prepare
      const email = action({ type: 'sendEmail', subject: 'S', body: 'B', ...fields });
      // Act
      const plan = () => planAction(email, context(properties));
      // Assess
      expect(plan).toThrow(ActionNotApplicable);
      expect(plan).toThrow(expect.objectContaining({ name: ERRORS.notApplicable }));
    });

    it('names the property it read in the message', () => {
      // Prepare
      const email = action({ type: 'sendEmail', subject: 'S', body: 'B', toProperty: 'billing' });
      // Act
      let thrown: unknown;
      try {
        planAction(email, context({}));
      } catch (error) {
        thrown = error;
      }
      // Assess
      expect(thrown).toBeInstanceOf(TaskError);
      expect((thrown as Error).message).toBe('the record has no address in "billing"');
    });
  });

  describe('createTask', () => {
    it.each([
      ['P1D', 'Europe/Paris', '2026-03-29T08:00:00.000Z', 'the same wall time Sunday, 23 hours later'],
      ['PT24H', 'Europe/Paris', '2026-03-29T09:00:00.000Z', '24 elapsed hours: 11:00 Sunday'],
      ['P1D', 'UTC', '2026-03-29T09:00:00.000Z', '24 hours later in UTC'],
      ['P1DT2H', 'Europe/Paris', '2026-03-29T10:00:00.000Z', 'the next day at 10:00, then 2 hours'],
    ])('counts due %s in %s like a delay: %s (%s)', (due, timeZone, expected) => {
      // Prepare
      const context: ActionContext = { properties: {}, now: SATURDAY_BEFORE_SPRING_FORWARD, timeZone };

      // Act
      const dueDate = dueDateOf(due, context);

      // Assess
      expect(dueDate).toBe(expected);
    });

    it('writes the due date in the canonical datetime form', () => {
      // Act
      const dueDate = dueDateOf('PT90M', {
        properties: {},
        now: new Date('2026-03-01T10:00:00.5Z'),
        timeZone: 'UTC',
      });

      // Assess
      expect(dueDate).toBe('2026-03-01T11:30:00.500Z');
    });
  });
});
