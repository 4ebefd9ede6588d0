import { beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDBEnrollmentRepository } from '../../../../shared/adapters/dynamodb/enrollment-repository.dynamodb.ts';
import { toDocumentClient } from '../../../../shared/adapters/dynamodb/index.ts';
import { enrollmentId } from '../../../../shared/core/enrollment/enrollment-id.ts';
import { nextRunAt } from '../../../../shared/core/scheduling/next-run-at.ts';
import { nurtureFrenchLeads } from '../../../fixtures/compiler-workflows.ts';
import { createRecord, expectError, useTestApi } from '../../../helpers/api-client.ts';
import { countRequests } from '../../../helpers/request-counter.ts';

const api = useTestApi();

/** DynamoDB's write commands: none of them may be sent by a dry run or an explanation. */
const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'];

let requests: ReturnType<typeof countRequests>;
beforeAll(() => {
  requests = countRequests(api.db.client);
});

/** The write commands sent since the last look, by name. */
const writesSince = (): Record<string, number> =>
  Object.fromEntries([...requests.take()].filter(([name]) => WRITES.includes(name)));

const LEADS = [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }] }];

let sequence = 0;
/** Saves a contacts workflow enrolling leads (a draft unless `active`); answers its id. */
const saveWorkflow = async (definition: Record<string, unknown> = {}, active = false): Promise<string> => {
  const response = await api.call('POST', '/workflows', {
    body: {
      name: `Insights ${++sequence}`,
      objectType: 'contacts',
      enrollment: { trigger: 'criteria', criteria: LEADS },
      startActionId: null,
      actions: [],
      ...definition,
    },
  });
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  if (active) {
    const stored = await api.workflows.get(response.json.id);
    await api.workflows.setStatus(stored!, 'active', api.clock.now().toISOString());
  }
  return response.json.id as string;
};

const enrollmentsStore = () =>
  createDynamoDBEnrollmentRepository(toDocumentClient(api.db.client), { tableName: api.db.tableName });

describe('GET /workflows/{id}/stats', () => {
  it('counts enrollments by status as they start and end, and the conversion rate', async () => {
    // Prepare: four enrolled by hand; one unenrolled (asked twice), one meets the goal, one fails.
    const id = await saveWorkflow({}, true);
    const records = [];
    for (const name of ['ann', 'ben', 'cat', 'dan']) {
      const record = await createRecord(api, 'contacts', { email: `${name}@stats.example` });
      records.push(record.id);
      expect(
        (await api.call('POST', `/workflows/${id}/enrollments`, { body: { recordId: record.id } })).status,
      ).toBe(201);
    }
    const [ann, ben, cat] = records as [string, string, string];
    await api.call('DELETE', `/workflows/${id}/enrollments/${ann}`);
    await api.call('DELETE', `/workflows/${id}/enrollments/${ann}`);
    const at = api.clock.now().toISOString();
    const store = enrollmentsStore();
    const end = (recordId: string, status: 'goal_met' | 'failed') =>
      store.end({
        workflowId: id,
        objectType: 'contacts',
        recordId,
        enrollmentId: enrollmentId(id, recordId, 1),
        status,
        at,
        ...(status === 'failed' ? { failedActionId: 'a1' } : {}),
      });
    await end(ben, 'goal_met');
    await end(cat, 'failed');
    await end(cat, 'failed');
    // Act
    const stats = await api.call('GET', `/workflows/${id}/stats`);
    const empty = await api.call('GET', `/workflows/${await saveWorkflow()}/stats`);
    const unknown = await api.call('GET', '/workflows/wf_missing/stats');
    // Assess
    expect(stats).toMatchObject({
      status: 200,
      json: {
        enrolled: 4,
        active: 1,
        completed: 0,
        unenrolled: 1,
        goalMet: 1,
        failed: 1,
        conversionRate: 0.25,
      },
    });
    expect(empty.json).toEqual({
      enrolled: 0,
      active: 0,
      completed: 0,
      unenrolled: 0,
      goalMet: 0,
      failed: 0,
      conversionRate: 0,
    });
    expectError(unknown, 404, 'NOT_FOUND');
  });
});

describe('POST /workflows/{id}/test', () => {
  /** The example of workflow.md: French leads, Paris weekdays, set, two days, Hot leads a task, others an email. */
  const nurture = async (): Promise<string> => {
    const response = await api.call('POST', '/workflows', { body: nurtureFrenchLeads });
    expect(response.status, JSON.stringify(response.json)).toBe(201);
    return response.json.id as string;
  };

  it('walks a stored record through the workflow from `at`, each action at its instant, and writes nothing', async () => {
    // Prepare: Saturday 7 March 2026, 11:00 in Paris.
    const id = await nurture();
    const ada = await createRecord(api, 'contacts', {
      email: 'ada@test.example',
      firstname: 'Ada',
      lifecyclestage: 'lead',
      country: 'FR',
      score: 70,
    });
    const at = '2026-03-07T11:00+01:00';
    // The counter sees the services' writes: the record's creation wrote.
    expect(writesSince()).toMatchObject({ PutItem: expect.any(Number) });
    // Act
    const response = await api.call('POST', `/workflows/${id}/test`, { body: { recordId: ada.id, at } });
    // Assess
    expect(writesSince()).toEqual({});
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    const monday = nextRunAt(
      new Date(at),
      nurtureFrenchLeads.settings,
      `${enrollmentId(id, ada.id, 1)}:a1`,
    ).toISOString();
    expect(monday.slice(0, 15)).toBe('2026-03-09T08:0');
    const wednesday = new Date(Date.parse(monday) + 2 * 86_400_000).toISOString();
    expect(response.json).toMatchObject({
      wouldEnroll: true,
      reasons: [{ code: 'criteria_met', message: expect.any(String) }],
      path: [
        { actionId: 'a1', type: 'setProperty', outcome: 'would_run', at: monday },
        { actionId: 'a2', type: 'delay', outcome: 'waits', at: monday, until: wednesday },
        { actionId: 'a3', type: 'branch', outcome: 'branch:Hot', at: wednesday },
        { actionId: 'a4', type: 'createTask', outcome: 'would_run', at: wednesday },
      ],
      end: { outcome: 'completed', at: wednesday },
    });
    expect((await api.call('GET', `/workflows/${id}/enrollments`)).json.results).toEqual([]);
    expect((await api.call('GET', `/workflows/${id}/history`)).json.results).toEqual([]);
  });

  it('tries a record given by its properties at now: not a lead, it would not enroll, and why', async () => {
    // Prepare
    const id = await nurture();
    requests.take();
    // Act
    const response = await api.call('POST', `/workflows/${id}/test`, {
      body: {
        record: { properties: { firstname: 'Bo', email: 'bo@test.example', lifecyclestage: 'subscriber' } },
      },
    });
    // Assess
    expect(writesSince()).toEqual({});
    expect(response.status).toBe(200);
    expect(response.json.wouldEnroll).toBe(false);
    expect(response.json.reasons).toEqual([{ code: 'criteria_not_met', message: expect.any(String) }]);
    // Monday 2 March 2026, 10:00 in Paris (the test clock): a1 runs at once, Wednesday the email.
    expect(
      response.json.path.map((step: { actionId: string; outcome: string }) => [step.actionId, step.outcome]),
    ).toEqual([
      ['a1', 'would_run'],
      ['a2', 'waits'],
      ['a3', 'branch:default'],
      ['a5', 'would_run'],
    ]);
    expect(response.json.path[0].at).toBe(api.clock.now().toISOString());
  });

  it('answers 400 for a body naming no record or both, unknown properties or a bad instant, 404 for unknown ids', async () => {
    // Prepare
    const id = await nurture();
    const eve = await createRecord(api, 'contacts', { email: 'eve@test.example' });
    // Act
    const neither = await api.call('POST', `/workflows/${id}/test`, { body: {} });
    const both = await api.call('POST', `/workflows/${id}/test`, {
      body: { recordId: eve.id, record: { properties: {} } },
    });
    const badProperty = await api.call('POST', `/workflows/${id}/test`, {
      body: { record: { properties: { score: 'high', shoeSize: 42 } } },
    });
    const badAt = await api.call('POST', `/workflows/${id}/test`, {
      body: { recordId: eve.id, at: 'tomorrow' },
    });
    const unknownRecord = await api.call('POST', `/workflows/${id}/test`, { body: { recordId: 'nobody' } });
    const unknownWorkflow = await api.call('POST', '/workflows/wf_missing/test', {
      body: { recordId: eve.id },
    });
    // Assess
    expectError(neither, 400, 'VALIDATION_FAILED', [{ path: 'recordId' }]);
    expectError(both, 400, 'VALIDATION_FAILED', [{ path: 'recordId' }]);
    expectError(badProperty, 400, 'VALIDATION_FAILED', [
      { path: 'record.properties.score' },
      { path: 'record.properties.shoeSize' },
    ]);
    expectError(badAt, 400, 'VALIDATION_FAILED', [{ path: 'at' }]);
    expectError(unknownRecord, 404, 'NOT_FOUND');
    expectError(unknownWorkflow, 404, 'NOT_FOUND');
  });

  it('says one of recordId and record is required when neither is given, and not both when both are', async () => {
    // Prepare
    const id = await nurture();
    // Act
    const neither = await api.call('POST', `/workflows/${id}/test`, { body: {} });
    const both = await api.call('POST', `/workflows/${id}/test`, {
      body: { recordId: 'rec_1', record: { properties: {} } },
    });
    // Assess
    expect(neither.json.error.details).toEqual([
      {
        path: 'recordId',
        message: 'one of recordId (a stored record) or record (its properties) is required',
      },
    ]);
    expect(both.json.error.details).toEqual([
      {
        path: 'recordId',
        message: 'give either recordId (a stored record) or record (its properties), not both',
      },
    ]);
  });
});

describe('GET /workflows/{id}/explain', () => {
  it('shows every filter of every part with the value it saw and its result, and the enrollment, writing nothing', async () => {
    // Prepare: French leads; a suppression list; unqualified leads leave; customers convert.
    const list = await api.call('POST', '/lists', {
      body: { name: 'Do not contact', objectType: 'contacts' },
    });
    const id = await saveWorkflow(
      {
        enrollment: { trigger: 'criteria', criteria: nurtureFrenchLeads.enrollment.criteria },
        goal: nurtureFrenchLeads.goal,
        settings: {
          suppressionLists: [list.json.id],
          unenrollmentCriteria: [
            { filters: [{ property: 'leadstatus', operator: 'eq', value: 'unqualified' }] },
          ],
        },
      },
      true,
    );
    const german = await createRecord(api, 'contacts', {
      email: 'hans@explain.example',
      lifecyclestage: 'lead',
      country: 'DE',
    });
    const french = await createRecord(api, 'contacts', {
      email: 'zoe@explain.example',
      lifecyclestage: 'lead',
      country: 'FR',
    });
    await api.call('PUT', `/lists/${list.json.id}/members/${german.id}`);
    const enrolled = await api.call('POST', `/workflows/${id}/enrollments`, {
      body: { recordId: french.id },
    });
    expect(enrolled.status).toBe(201);
    requests.take();
    // Act
    const notEnrolled = await api.call('GET', `/workflows/${id}/explain`, { query: { recordId: german.id } });
    const isEnrolled = await api.call('GET', `/workflows/${id}/explain`, { query: { recordId: french.id } });
    // Assess
    expect(writesSince()).toEqual({});
    expect(notEnrolled.status).toBe(200);
    expect(notEnrolled.json).toMatchObject({
      workflowId: id,
      recordId: german.id,
      at: api.clock.now().toISOString(),
      enrollment: { status: 'not enrolled', current: null, latest: null, count: 0 },
      wouldEnroll: false,
      reasons: [{ code: 'criteria_not_met' }, { code: 'suppressed' }],
      trigger: 'criteria',
      criteria: {
        matched: false,
        groups: [
          {
            matched: false,
            filters: [
              { path: '[0].filters[0]', property: 'lifecyclestage', value: 'lead', result: true },
              {
                path: '[0].filters[1]',
                property: 'country',
                value: 'DE',
                result: false,
                reason: expect.any(String),
              },
            ],
          },
        ],
      },
      suppression: { matched: true, groups: [{ filters: [{ value: [list.json.id], result: true }] }] },
      unenrollment: { matched: false, groups: [{ filters: [{ property: 'leadstatus', result: false }] }] },
      goal: {
        matched: false,
        groups: [{ filters: [{ property: 'lifecyclestage', value: 'lead', result: false }] }],
      },
    });
    expect(isEnrolled.json).toMatchObject({
      enrollment: {
        status: 'enrolled',
        current: { id: enrollmentId(id, french.id, 1), status: 'active', recordId: french.id },
        count: 1,
      },
      reasons: [{ code: 'criteria_met' }, { code: 'already_enrolled' }],
      criteria: { matched: true },
      suppression: { matched: false },
    });
  });

  it('answers 400 without recordId and 404 for an unknown workflow or record', async () => {
    // Prepare
    const id = await saveWorkflow();
    const max = await createRecord(api, 'contacts', { email: 'max@explain.example' });
    // Act
    const missing = await api.call('GET', `/workflows/${id}/explain`);
    const unknownRecord = await api.call('GET', `/workflows/${id}/explain`, {
      query: { recordId: 'nobody' },
    });
    const unknownWorkflow = await api.call('GET', '/workflows/wf_missing/explain', {
      query: { recordId: max.id },
    });
    // Assess
    expectError(missing, 400, 'VALIDATION_FAILED', [{ path: 'recordId' }]);
    expectError(unknownRecord, 404, 'NOT_FOUND');
    expectError(unknownWorkflow, 404, 'NOT_FOUND');
  });
});
