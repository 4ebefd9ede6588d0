import { describe, expect, it } from 'vitest';
import { errorsOf, issue, withActions, workflow } from './workflow-builders.ts';

const one = (action: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
  errorsOf(withActions([{ id: 'a1', ...action }], overrides));

const PLAN = { contacts: [{ name: 'plan', type: 'enumeration' as const, options: ['free', 'pro'] }] };

describe('validateWorkflow — actions against properties', () => {
  describe('setProperty', () => {
    it.each([
      [{ property: 'leadstatus', value: 'open' }],
      [{ property: 'score', value: 10 }],
      [{ property: 'birthdate', value: '1990-05-17' }],
      [{ property: 'jobtitle', value: '{{jobtitle}} (imported)' }],
      [{ property: 'city', value: null }],
      [{ property: 'industry', value: 'Software', target: { associated: 'companies' } }],
      [{ property: 'dealstage', value: 'closedwon', target: { associated: 'deals' } }],
    ])('accepts %j', (fields) => {
      expect(one({ type: 'setProperty', ...fields })).toEqual([]);
    });

    it('refuses an unknown property, with close names', () => {
      expect(one({ type: 'setProperty', property: 'leadstate', value: 'open' })).toEqual([
        {
          path: 'actions[0].property',
          message: 'unknown property "leadstate" on contacts — did you mean "leadstatus"?',
        },
      ]);
    });

    it('points to the target that has the property', () => {
      expect(one({ type: 'setProperty', property: 'dealstage', value: 'closedwon' })).toEqual([
        {
          path: 'actions[0].property',
          message:
            'unknown property "dealstage" on contacts ("dealstage" is a property of deals: "target": { "associated": "deals" } acts on associated deals)',
        },
      ]);
    });

    it('looks the property up on the associated target', () => {
      expect(
        one({
          type: 'setProperty',
          property: 'leadstatus',
          value: 'open',
          target: { associated: 'companies' },
        }),
      ).toEqual([issue('actions[0].property', 'unknown property "leadstatus" on companies')]);
    });

    it.each(['createdate', 'lastmodifieddate'])('refuses to write the read-only %s', (property) => {
      expect(one({ type: 'setProperty', property, value: '2026-01-01T00:00:00Z' })).toEqual([
        {
          path: 'actions[0].property',
          message: `"${property}" is read-only: the CRM sets it, a workflow cannot write it`,
        },
      ]);
    });

    it.each([
      [
        { property: 'leadstatus', value: 'Open' },
        '"Open" is not an option of "leadstatus" — did you mean "open"?',
      ],
      [{ property: 'plan', value: 'gold' }, '"gold" is not an option of "plan"; the options are: free, pro'],
      [{ property: 'plan', value: 1 }, 'must be one of the options of "plan" (free, pro), not the number 1'],
      [
        { property: 'score', value: '10' },
        'must be a number ("score" is a number property), not the text "10"',
      ],
      [{ property: 'birthdate', value: '17/05/1990' }, 'must be a date "YYYY-MM-DD"'],
      [{ property: 'city', value: true }, 'must be text ("city" is a string property), not true'],
    ])('refuses the value of %j', (fields, message) => {
      expect(errorsOf(withActions([{ id: 'a1', type: 'setProperty', ...fields }]), PLAN)).toEqual([
        issue('actions[0].value', message),
      ]);
    });

    it('needs a full datetime to write a datetime property', () => {
      const properties = { contacts: [{ name: 'lastcall', type: 'datetime' as const }] };
      const json = (value: string) =>
        withActions([{ id: 'a1', type: 'setProperty', property: 'lastcall', value }]);
      expect(errorsOf(json('2026-03-01T09:00:00+01:00'), properties)).toEqual([]);
      expect(errorsOf(json('2026-03-01'), properties)).toEqual([
        issue(
          'actions[0].value',
          'must be an RFC 3339 datetime such as "2026-03-01T09:00:00Z" ("lastcall" is a datetime property)',
        ),
      ]);
    });

    it("refuses the workflow's own type as an associated target", () => {
      expect(
        one({ type: 'setProperty', property: 'city', value: 'Lyon', target: { associated: 'contacts' } }),
      ).toEqual([
        {
          path: 'actions[0].target.associated',
          message:
            'a contacts workflow cannot act on associated contacts: use "self", or another object type',
        },
      ]);
    });
  });

  describe('clearProperty, incrementProperty, rotateOwner', () => {
    it('accepts writable properties of the right type', () => {
      expect(one({ type: 'clearProperty', property: 'leadstatus' })).toEqual([]);
      expect(one({ type: 'incrementProperty', property: 'score', by: -5 })).toEqual([]);
      expect(
        one({
          type: 'incrementProperty',
          property: 'numberofemployees',
          by: 1,
          target: { associated: 'companies' },
        }),
      ).toEqual([]);
      expect(one({ type: 'rotateOwner', owners: ['u1', 'u2'] })).toEqual([]);
      expect(one({ type: 'rotateOwner', owners: ['u1'], target: { associated: 'deals' } })).toEqual([]);
    });

    it('refuses to clear a read-only property', () => {
      expect(one({ type: 'clearProperty', property: 'createdate' })).toEqual([
        issue('actions[0].property', 'is read-only'),
      ]);
    });

    it('increments only a number property', () => {
      expect(one({ type: 'incrementProperty', property: 'city', by: 1 })).toEqual([
        {
          path: 'actions[0].property',
          message: 'incrementProperty needs a number property, and "city" is a string property',
        },
      ]);
    });

    it('rotates owners into a string property that exists on the target', () => {
      expect(one({ type: 'rotateOwner', owners: ['u1'], property: 'score' })).toEqual([
        issue('actions[0].property', 'an owner id needs a string property, and "score" is a number property'),
      ]);
      expect(one({ type: 'rotateOwner', owners: ['u1'], property: 'owner' })).toEqual([
        issue('actions[0].property', 'unknown property "owner" on contacts — did you mean "ownerId"?'),
      ]);
      expect(one({ type: 'rotateOwner', owners: ['u1'], target: { associated: 'contacts' } })).toEqual([
        issue('actions[0].target.associated', 'cannot act on associated contacts'),
      ]);
    });
  });

  describe('copyProperty', () => {
    it.each([
      [{ from: 'firstname', to: 'lastname' }],
      [{ from: 'score', to: 'city' }],
      [{ from: 'birthdate', to: 'jobtitle' }],
      [{ from: 'city', to: 'city', source: { associated: 'companies' } }],
      [{ from: 'ownerId', to: 'ownerId', target: { associated: 'deals' } }],
      [{ from: 'createdate', to: 'jobtitle' }],
    ])('accepts %j', (fields) => {
      expect(one({ type: 'copyProperty', ...fields })).toEqual([]);
    });

    it.each([
      [
        { from: 'city', to: 'score' },
        'to',
        'cannot hold a copy of "city": "score" is a number property and "city" a string one',
      ],
      [{ from: 'birthdate', to: 'createdate' }, 'to', 'is read-only'],
      [{ from: 'amount', to: 'city' }, 'from', 'unknown property "amount" on contacts'],
      [
        { from: 'city', to: 'industri', target: { associated: 'companies' } },
        'to',
        'unknown property "industri" on companies — did you mean "industry"?',
      ],
      [{ from: 'city', to: 'city' }, 'to', 'copies "city" onto itself'],
      [
        { from: 'city', to: 'city', source: { associated: 'contacts' } },
        'source.associated',
        'cannot act on associated contacts',
      ],
    ])('refuses %j', (fields, field, message) => {
      expect(one({ type: 'copyProperty', ...fields })).toEqual([issue(`actions[0].${field}`, message)]);
    });

    it('refuses an enumeration copy that could bring options the target lacks', () => {
      const properties = {
        contacts: [
          { name: 'stage_a', type: 'enumeration' as const, options: ['x', 'y', 'z'] },
          { name: 'stage_b', type: 'enumeration' as const, options: ['x', 'y'] },
        ],
      };
      const json = (from: string, to: string) => withActions([{ id: 'a1', type: 'copyProperty', from, to }]);
      expect(errorsOf(json('stage_b', 'stage_a'), properties)).toEqual([]);
      expect(errorsOf(json('stage_a', 'stage_b'), properties)).toEqual([
        { path: 'actions[0].to', message: '"stage_b" lacks options of "stage_a" that a copy could bring: z' },
      ]);
    });
  });

  describe('valueBranch', () => {
    const branch = (property: string, values: unknown[]) => ({
      type: 'valueBranch',
      property,
      cases: values.map((value) => ({ value, next: null })),
    });

    it('accepts case values of the property type', () => {
      expect(one(branch('lifecyclestage', ['lead', 'customer']))).toEqual([]);
      expect(one(branch('score', [0, 100]))).toEqual([]);
      expect(one(branch('birthdate', ['2000-01-01']))).toEqual([]);
    });

    it('refuses an unknown property', () => {
      expect(one(branch('stage', ['lead']))).toEqual([
        issue('actions[0].property', 'unknown property "stage" on contacts'),
      ]);
    });

    it.each([
      [
        branch('lifecyclestage', ['lead', 'prospect']),
        'actions[0].cases[1].value',
        '"prospect" is not an option of "lifecyclestage"',
      ],
      [branch('score', [10, '20']), 'actions[0].cases[1].value', 'must be a number'],
      [branch('birthdate', ['2000-13-01']), 'actions[0].cases[0].value', 'must be a date "YYYY-MM-DD"'],
      [
        branch('lifecyclestage', ['lead', 'Lead']),
        'actions[0].cases[1].value',
        '"Lead" is already a case (cases[0]): this case is never taken',
      ],
    ])('refuses %j', (action, path, message) => {
      expect(one(action)).toEqual([issue(path, message)]);
    });
  });

  describe('branch', () => {
    const criteria = [{ filters: [{ property: 'score', operator: 'gt', value: 1 }] }];

    it('refuses branches that share a name', () => {
      const action = {
        type: 'branch',
        branches: [
          { name: 'Hot', criteria },
          { name: 'Hot', criteria },
        ],
      };
      expect(one(action)).toEqual([
        {
          path: 'actions[0].branches[1].name',
          message: '"Hot" already names branches[0]: history tells branches by name',
        },
      ]);
    });

    it('refuses a branch without criteria', () => {
      expect(one({ type: 'branch', branches: [{ name: 'Any', criteria: [] }] })).toEqual([
        issue('actions[0].branches[0].criteria', 'a branch needs criteria'),
      ]);
    });
  });

  describe('delays', () => {
    it.each([
      [{ type: 'delayUntilDate', date: '2027-01-15' }],
      [
        {
          type: 'delayUntilDate',
          property: 'birthdate',
          offset: '-P1D',
          time: '08:00',
          ifMissing: 'continue',
        },
      ],
      [{ type: 'delayUntilDate', property: 'createdate', offset: 'P30D' }],
    ])('accepts %j', (action) => {
      expect(one(action)).toEqual([]);
    });

    it.each([
      [
        { type: 'delayUntilDate', date: '2027-01-15', property: 'birthdate' },
        'actions[0]',
        'give either "date" or "property", not both',
      ],
      [
        { type: 'delayUntilDate', time: '09:00' },
        'actions[0]',
        'needs a "date" ("YYYY-MM-DD") or a "property"',
      ],
      [
        { type: 'delayUntilDate', date: '2027-01-15', ifMissing: 'unenroll' },
        'actions[0].ifMissing',
        'only applies to a "property"',
      ],
      [
        { type: 'delayUntilDate', property: 'city' },
        'actions[0].property',
        'a delay until a date needs a date or datetime property, and "city" is a string property',
      ],
      [
        { type: 'delayUntilDate', property: 'birthday' },
        'actions[0].property',
        'unknown property "birthday" on contacts — did you mean "birthdate"?',
      ],
      [
        { type: 'delayUntilEvent', criteria: [], timeout: 'P1D' },
        'actions[0].criteria',
        'needs criteria to wait for',
      ],
      [
        {
          type: 'delayUntilEvent',
          criteria: [{ filters: [{ property: 'score', operator: 'gt', value: 1 }] }],
          timeout: 'PT0S',
        },
        'actions[0].timeout',
        'must be longer than zero',
      ],
    ])('refuses %j', (action, path, message) => {
      expect(one(action)).toEqual([issue(path, message)]);
    });

    const waitFor = (timeout: string) => ({
      type: 'delayUntilEvent',
      criteria: [{ filters: [{ property: 'score', operator: 'gt', value: 1 }] }],
      timeout,
    });

    // The compiler counts a timeout's months as 30 days and years as 365: P12M is 360 days, P1Y 365.
    it.each(['P360D', 'PT8617H', 'P12M', 'P1Y', 'P400D'])(
      'refuses an event wait of %s: an execution lives one year',
      (timeout) => {
        expect(one(waitFor(timeout))).toEqual([
          { path: 'actions[0].timeout', message: 'must be at most 359 days (an execution lives one year)' },
        ]);
      },
    );

    it.each(['P359D', 'PT8616H', 'P11M29D'])('accepts an event wait of %s', (timeout) => {
      expect(one(waitFor(timeout))).toEqual([]);
    });
  });

  describe('createRecord', () => {
    it('creates any object type with its own properties', () => {
      expect(
        one({
          type: 'createRecord',
          objectType: 'tickets',
          properties: { subject: 'Help {{firstname}}', priority: 'high' },
        }),
      ).toEqual([]);
      expect(
        one({ type: 'createRecord', objectType: 'contacts', properties: { email: 'x@example.com' } }),
      ).toEqual([]);
      expect(
        one({
          type: 'createRecord',
          objectType: 'tasks',
          properties: { title: 'Call', dueDate: '2027-01-01T09:00:00Z' },
        }),
      ).toEqual([]);
    });

    it('checks each property against the created type', () => {
      const action = {
        type: 'createRecord',
        objectType: 'deals',
        properties: { dealname: 'New', amount: 'lots', stage: 'x', createdate: '2026-01-01T00:00:00Z' },
      };
      expect(one(action)).toEqual([
        issue(
          'actions[0].properties.amount',
          'must be a number ("amount" is a number property), not the text "lots"',
        ),
        issue('actions[0].properties.stage', 'unknown property "stage" on deals'),
        issue('actions[0].properties.createdate', 'is read-only'),
      ]);
    });
  });

  describe('createTask and sendEmail', () => {
    it('takes the owner from a string property of the record', () => {
      expect(one({ type: 'createTask', title: 'Call', ownerFrom: 'ownerId' })).toEqual([]);
      expect(one({ type: 'createTask', title: 'Call', ownerFrom: 'owner_id' })).toEqual([
        issue('actions[0].ownerFrom', 'unknown property "owner_id" on contacts — did you mean "ownerId"?'),
      ]);
      expect(one({ type: 'createTask', title: 'Call', ownerFrom: 'score' })).toEqual([
        issue('actions[0].ownerFrom', 'needs a string property, and "score" is a number property'),
      ]);
    });

    it('sends to a string property, email by default', () => {
      const email = { type: 'sendEmail', subject: 'Hi', body: 'Hello' };
      expect(one(email)).toEqual([]);
      expect(one({ ...email, toProperty: 'score' })).toEqual([
        issue(
          'actions[0].toProperty',
          'an email address needs a string property, and "score" is a number property',
        ),
      ]);
      expect(one({ ...email, toProperty: 'mail' })).toEqual([
        issue('actions[0].toProperty', 'unknown property "mail" on contacts — did you mean "email"?'),
      ]);
    });

    it('needs toProperty where the object type has no email', () => {
      const json = withActions([{ id: 'a1', type: 'sendEmail', subject: 'Hi', body: 'Hello' }], {
        objectType: 'deals',
      });
      expect(errorsOf(json)).toEqual([
        {
          path: 'actions[0].toProperty',
          message: 'deals have no "email" property: name the property holding the address',
        },
      ]);
      const properties = { deals: [{ name: 'billingemail', type: 'string' as const }] };
      const named = withActions(
        [{ id: 'a1', type: 'sendEmail', subject: 'Hi', body: 'Hello', toProperty: 'billingemail' }],
        { objectType: 'deals' },
      );
      expect(errorsOf(named, properties)).toEqual([]);
    });
  });

  it('accepts the actions that read no property', () => {
    const json = withActions([
      { id: 'a1', type: 'delayUntilDayTime', time: '09:00', next: 'a2' },
      { id: 'a2', type: 'sendNotification', message: 'Hi', next: 'a3' },
      { id: 'a3', type: 'webhook', url: 'https://example.com/hook', next: 'a4' },
      { id: 'a4', type: 'addToList', listId: 'l1', next: 'a5' },
      { id: 'a5', type: 'removeFromList', listId: 'l1', next: 'a6' },
      { id: 'a6', type: 'enrollInWorkflow', workflowId: 'wf_2', next: 'a7' },
      { id: 'a7', type: 'publishEvent', detailType: 'Done' },
    ]);
    expect(errorsOf(json)).toEqual([]);
  });

  it('reports the problems of several actions in order', () => {
    const json = workflow({
      startActionId: 'a1',
      actions: [
        { id: 'a1', type: 'setProperty', property: 'nope', value: 1, next: 'a2' },
        { id: 'a2', type: 'incrementProperty', property: 'city', by: 1 },
      ],
    });
    expect(errorsOf(json).map((error) => error.path)).toEqual(['actions[0].property', 'actions[1].property']);
  });
});
