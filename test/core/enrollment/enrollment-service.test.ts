import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createDynamoDBCrmServices,
  type DynamoDBCrmServicesOptions,
} from '../../../shared/adapters/dynamodb/crm-services.dynamodb.ts';
import { toDocumentClient } from '../../../shared/adapters/dynamodb/index.ts';
import { createDynamoDBWorkflowRepository } from '../../../shared/adapters/dynamodb/workflow-repository.dynamodb.ts';
import { DEFAULT_ACTIVE_WORKFLOWS_TTL_MS } from '../../../shared/core/enrollment/active-workflows.ts';
import type { EnrollmentChange } from '../../../shared/core/enrollment/change-views.ts';
import type { ExecutionPorts, WorkflowEvent } from '../../../shared/core/enrollment/enrollment-effects.ts';
import { enrollmentId } from '../../../shared/core/enrollment/enrollment-id.ts';
import { EnrollmentRefused } from '../../../shared/core/enrollment/enrollment-refused.ts';
import type { HistoryLine } from '../../../shared/core/enrollment/history-repository.ts';
import type { Evaluation } from '../../../shared/core/enrollment/part-reader.ts';
import { ConflictError, NotFoundError } from '../../../shared/core/errors/app-error.ts';
import type { Properties } from '../../../shared/core/records/record.schema.ts';
import { LOCAL_ACTION_FUNCTION_ARN } from '../../../shared/core/services/workflow-service.ts';
import type { StoredWorkflow } from '../../../shared/core/workflow/stored-workflow.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { counterIds, manualClock } from '../../helpers/api-client.ts';
import { storeActive } from '../../helpers/workflow-store.ts';
import { CUSTOMERS, created, deleted, touched, updated, workflow } from './enrollment-test-helpers.ts';

const opened: LocalDynamoDB[] = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
});

/** The enrollment service composed over a fresh dynalite table, a manual clock and a collecting publish. */
const startWorld = async (
  executions?: ExecutionPorts,
  enrollmentOptions?: DynamoDBCrmServicesOptions['enrollment'],
) => {
  const db = await startLocalDynamoDB();
  opened.push(db);
  const clock = manualClock();
  const published: WorkflowEvent[] = [];
  const built = createDynamoDBCrmServices({
    client: db.client,
    tableName: db.tableName,
    clock,
    newId: counterIds(),
    actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
    publish: async (events) => void published.push(...events),
    ...(executions ? { executions } : {}),
    ...(enrollmentOptions ? { enrollment: enrollmentOptions } : {}),
  });
  const { enrollment, services, workflowRepository } = built;

  /** Stores the workflow and sets it active through the services' repository (as activation will). */
  const activate = (id: string, overrides: Parameters<typeof workflow>[1] = {}) =>
    storeActive(workflowRepository, workflow(id, overrides), clock.now().toISOString());
  const historyOf = async (workflowId: string, recordId?: string): Promise<HistoryLine[]> =>
    [
      ...(await services.enrollments.history(workflowId, recordId ? { recordId } : {}, { limit: 100 }))
        .results,
    ].reverse();
  const lines = async (workflowId: string, recordId?: string) =>
    (await historyOf(workflowId, recordId)).map((line) => `${line.event}:${line.reason ?? ''}`);
  const enrollmentsOf = async (workflowId: string) =>
    (await services.enrollments.page(workflowId, undefined, { limit: 100 })).results;
  const outcomes = () =>
    published.map(({ detailType, detail }) => `${detailType}${detail.outcome ? `:${detail.outcome}` : ''}`);
  return { db, clock, published, enrollment, services, activate, historyOf, lines, enrollmentsOf, outcomes };
};

/** A change of record `recordId` (the helpers' changes are of `c1`). */
const of = (recordId: string, change: EnrollmentChange, extra: Partial<EnrollmentChange> = {}) => ({
  ...change,
  id: recordId,
  ...extra,
});

const LEAD: Properties = { lifecyclestage: 'lead' };
const SUBSCRIBER: Properties = { lifecyclestage: 'subscriber' };

describe('the enrollment service on a record change', () => {
  it('enrolls a created record meeting the criteria: history enrolled (criteria), one Enrollment Started', async () => {
    // Prepare
    const world = await startWorld();
    await world.activate('wf_a');
    // Act
    const decisions = await world.enrollment.onRecordChanged(of('c1', created(LEAD)));
    // Assess
    expect(decisions).toEqual([{ kind: 'enroll', workflowId: 'wf_a', revision: 1, reason: 'criteria' }]);
    expect(await world.enrollmentsOf('wf_a')).toEqual([
      {
        id: enrollmentId('wf_a', 'c1', 1),
        recordId: 'c1',
        revision: 1,
        status: 'active',
        enrolledAt: world.clock.now().toISOString(),
      },
    ]);
    expect(await world.lines('wf_a', 'c1')).toEqual(['enrolled:criteria']);
    expect(world.published).toEqual([
      {
        source: 'crm.workflows',
        detailType: 'Enrollment Started',
        detail: {
          workflowId: 'wf_a',
          revision: 1,
          enrollmentId: enrollmentId('wf_a', 'c1', 1),
          objectType: 'contacts',
          recordId: 'c1',
        },
      },
    ]);
  });

  it('does nothing for a record not meeting the criteria, nor for a change of an enrolled record that still meets them', async () => {
    // Prepare
    const world = await startWorld();
    await world.activate('wf_a');
    await world.enrollment.onRecordChanged(of('c1', created(LEAD)));
    world.clock.advance(1_000);
    // Act
    const other = await world.enrollment.onRecordChanged(of('c2', created(SUBSCRIBER)));
    const still = await world.enrollment.onRecordChanged(
      of('c1', updated(LEAD, { ...LEAD, firstname: 'Ada' }), { version: 2 }),
    );
    // Assess
    expect(other).toEqual([]);
    expect(still).toEqual([]);
    expect((await world.enrollmentsOf('wf_a')).map((e) => e.recordId)).toEqual(['c1']);
    expect(world.outcomes()).toEqual(['Enrollment Started']);
  });

  it('enrolls again after leaving and rejoining with re-enrollment on (reenrollment); with it off the rejoin is skipped', async () => {
    // Prepare
    const world = await startWorld();
    const leaving = { settings: { unenrollWhenCriteriaNotMet: true } };
    await world.activate('wf_on', {
      ...leaving,
      enrollment: {
        reenrollment: {
          enabled: true,
          triggers: [{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }],
        },
      },
    });
    await world.activate('wf_off', leaving);
    await world.enrollment.onRecordChanged(of('c1', created(LEAD)));
    world.clock.advance(1_000);
    // Act
    const left = await world.enrollment.onRecordChanged(of('c1', updated(LEAD, SUBSCRIBER), { version: 2 }));
    world.clock.advance(1_000);
    const rejoined = await world.enrollment.onRecordChanged(
      of('c1', updated(SUBSCRIBER, LEAD), { version: 3 }),
    );
    // Assess
    expect(left.map((decision) => decision.kind)).toEqual(['unenroll', 'unenroll']);
    expect(rejoined).toHaveLength(2);
    expect(rejoined).toEqual(
      expect.arrayContaining([
        { kind: 'enroll', workflowId: 'wf_on', revision: 1, reason: 'reenrollment' },
        { kind: 'skip', workflowId: 'wf_off', revision: 1, reason: 'reenrollment_off' },
      ]),
    );
    expect((await world.enrollmentsOf('wf_on')).map((e) => `${e.id}:${e.status}`).sort()).toEqual([
      `${enrollmentId('wf_on', 'c1', 1)}:unenrolled`,
      `${enrollmentId('wf_on', 'c1', 2)}:active`,
    ]);
    expect(await world.lines('wf_on')).toEqual([
      'enrolled:criteria',
      'unenrolled:criteria_not_met',
      'enrolled:reenrollment',
    ]);
    expect(await world.lines('wf_off')).toEqual([
      'enrolled:criteria',
      'unenrolled:criteria_not_met',
      'enrollment.skipped:reenrollment_off',
    ]);
  });

  it('skips a record in a suppression list (enrollment.skipped suppressed)', async () => {
    // Prepare
    const world = await startWorld();
    const ada = await world.services.records.create('contacts', { email: 'ada@example.com', ...SUBSCRIBER });
    const list = await world.services.lists.create({ name: 'Do not contact', objectType: 'contacts' });
    await world.services.lists.addMember(list.id, ada.id);
    await world.activate('wf_a', { settings: { suppressionLists: [list.id] } });
    // Act
    const decisions = await world.enrollment.onRecordChanged(of(ada.id, updated(SUBSCRIBER, LEAD)));
    // Assess
    expect(decisions).toEqual([{ kind: 'skip', workflowId: 'wf_a', revision: 1, reason: 'suppressed' }]);
    expect(await world.enrollmentsOf('wf_a')).toEqual([]);
    expect(await world.lines('wf_a', ada.id)).toEqual(['enrollment.skipped:suppressed']);
    expect(world.published).toEqual([]);
  });

  it('skips a record that meets the goal already (goal_already_met)', async () => {
    // Prepare
    const world = await startWorld();
    await world.activate('wf_a', {
      goal: { criteria: [{ filters: [{ property: 'firstname', operator: 'eq', value: 'Ada' }] }] },
    });
    // Act
    await world.enrollment.onRecordChanged(of('c1', created({ ...LEAD, firstname: 'Ada' })));
    // Assess
    expect(await world.lines('wf_a')).toEqual(['enrollment.skipped:goal_already_met']);
    expect(await world.enrollmentsOf('wf_a')).toEqual([]);
  });

  it('applies the same Record Changed delivered twice once: one enrollment, one history line', async () => {
    // Prepare
    const world = await startWorld();
    await world.activate('wf_a');
    const change = of('c1', created(LEAD));
    // Act
    await world.enrollment.onRecordChanged(change);
    world.clock.advance(60_000);
    await world.enrollment.onRecordChanged(change);
    // Assess
    const enrollments = await world.enrollmentsOf('wf_a');
    expect(enrollments.map((e) => e.id)).toEqual([enrollmentId('wf_a', 'c1', 1)]);
    expect(await world.historyOf('wf_a')).toHaveLength(1);
    // At least once: the replay publishes the same enrollment again, for subscribers to recognise by its id.
    expect(new Set(world.published.map((event) => event.detail.enrollmentId))).toEqual(
      new Set([enrollmentId('wf_a', 'c1', 1)]),
    );
  });

  it('of 50 concurrent deliveries of changes of one record that would each enroll it, enrolls it once', async () => {
    // Prepare
    const world = await startWorld();
    await world.activate('wf_a');
    await world.enrollment.onRecordChanged(of('c0', created(SUBSCRIBER))); // the cache is warm
    const changes = Array.from({ length: 50 }, (_, index) =>
      of('c1', updated(SUBSCRIBER, LEAD), { version: index + 2 }),
    );
    // Act
    await Promise.all(changes.map((change) => world.enrollment.onRecordChanged(change)));
    // Assess
    expect((await world.enrollmentsOf('wf_a')).map((e) => e.id)).toEqual([enrollmentId('wf_a', 'c1', 1)]);
    const events = (await world.historyOf('wf_a', 'c1')).map((line) => `${line.event}:${line.reason}`);
    expect(events.filter((event) => event.startsWith('enrolled'))).toEqual(['enrolled:criteria']);
    expect(new Set(events.filter((event) => !event.startsWith('enrolled')))).toEqual(
      new Set(['enrollment.skipped:already_enrolled']),
    );
    expect(world.outcomes()).toEqual(['Enrollment Started']);
  });

  it('unenrolls an enrolled record meeting the unenrollment criteria: unenrolled, Enrollment Ended unenrolled', async () => {
    // Prepare
    const world = await startWorld();
    await world.activate('wf_a', { settings: { unenrollmentCriteria: CUSTOMERS } });
    await world.enrollment.onRecordChanged(of('c1', created(LEAD)));
    world.clock.advance(1_000);
    // Act
    await world.enrollment.onRecordChanged(
      of('c1', updated(LEAD, { lifecyclestage: 'customer' }), { version: 2 }),
    );
    // Assess
    expect(await world.lines('wf_a')).toEqual(['enrolled:criteria', 'unenrolled:unenrollment_criteria']);
    expect(world.outcomes()).toEqual(['Enrollment Started', 'Enrollment Ended:unenrolled']);
    expect(await world.enrollmentsOf('wf_a')).toMatchObject([
      { status: 'unenrolled', reason: 'unenrollment_criteria', endedAt: world.clock.now().toISOString() },
    ]);
  });

  it('unenrolls a deleted record (record_deleted)', async () => {
    // Prepare
    const world = await startWorld();
    await world.activate('wf_a');
    await world.enrollment.onRecordChanged(of('c1', created(LEAD)));
    world.clock.advance(1_000);
    // Act
    await world.enrollment.onRecordChanged(of('c1', deleted(LEAD), { version: 2 }));
    // Assess
    expect(await world.lines('wf_a')).toEqual(['enrolled:criteria', 'unenrolled:record_deleted']);
    expect((await world.enrollmentsOf('wf_a'))[0]?.status).toBe('unenrolled');
  });

  it('ends an enrollment whose record meets the goal: goal.met, Goal Met and Enrollment Ended goal_met', async () => {
    // Prepare
    const world = await startWorld();
    await world.activate('wf_a', { goal: { criteria: CUSTOMERS } });
    await world.enrollment.onRecordChanged(of('c1', created(LEAD)));
    world.clock.advance(1_000);
    // Act
    await world.enrollment.onRecordChanged(
      of('c1', updated(LEAD, { lifecyclestage: 'customer' }), { version: 2 }),
    );
    // Assess
    expect(await world.lines('wf_a')).toEqual(['enrolled:criteria', 'goal.met:']);
    expect(world.outcomes()).toEqual(['Enrollment Started', 'Goal Met', 'Enrollment Ended:goal_met']);
    expect((await world.enrollmentsOf('wf_a'))[0]?.status).toBe('goal_met');
  });

  it('enrolls nothing past the loop guard (a cause deeper than 10): enrollment.skipped loop_guard', async () => {
    // Prepare
    const world = await startWorld();
    await world.activate('wf_a');
    const cause = { workflowId: 'wf_b', enrollmentId: 'enr_x_1' };
    // Act
    await world.enrollment.onRecordChanged(of('c1', created(LEAD), { cause: { ...cause, depth: 11 } }));
    await world.enrollment.onRecordChanged(of('c2', created(LEAD), { cause: { ...cause, depth: 10 } }));
    // Assess
    expect(await world.lines('wf_a', 'c1')).toEqual(['enrollment.skipped:loop_guard']);
    expect(await world.lines('wf_a', 'c2')).toEqual(['enrolled:criteria']);
  });

  it('enrolls a record when an association makes it meet criteria on an associated record', async () => {
    // Prepare
    const world = await startWorld();
    const ada = await world.services.records.create('contacts', { email: 'ada@example.com' });
    const acme = await world.services.records.create('companies', { domain: 'acme.com', industry: 'SaaS' });
    await world.services.records.associate('contacts', ada.id, 'companies', acme.id);
    await world.activate('wf_a', {
      enrollment: {
        criteria: [{ filters: [{ property: 'companies.industry', operator: 'eq', value: 'SaaS' }] }],
      },
    });
    // Act
    const decisions = await world.enrollment.onRecordChanged(
      of(ada.id, touched('associated', {}, { association: { toObjectType: 'companies', toId: acme.id } })),
    );
    // Assess
    expect(decisions).toEqual([{ kind: 'enroll', workflowId: 'wf_a', revision: 1, reason: 'criteria' }]);
    expect(await world.lines('wf_a', ada.id)).toEqual(['enrolled:criteria']);
  });

  it('calls the execution ports when given: start on enrollment, stop on unenrollment', async () => {
    // Prepare
    const startExecution = vi.fn(async () => undefined);
    const stopExecution = vi.fn(async () => undefined);
    const world = await startWorld({ startExecution, stopExecution });
    await world.activate('wf_a', { settings: { unenrollmentCriteria: CUSTOMERS } });
    // Act
    await world.enrollment.onRecordChanged(of('c1', created(LEAD)));
    await world.enrollment.onRecordChanged(
      of('c1', updated(LEAD, { lifecyclestage: 'customer' }), { version: 2 }),
    );
    // Assess
    expect(startExecution).toHaveBeenCalledWith(
      expect.objectContaining({ id: enrollmentId('wf_a', 'c1', 1), status: 'active' }),
      expect.objectContaining({ id: 'wf_a', revision: 1 }),
      false,
    );
    expect(stopExecution).toHaveBeenCalledWith(
      expect.objectContaining({ enrollmentId: enrollmentId('wf_a', 'c1', 1), recordId: 'c1' }),
      'unenrollment_criteria',
    );
  });

  it('tells the execution port a start is replayed when the same change is delivered again', async () => {
    // Prepare
    const startExecution = vi.fn(async () => undefined);
    const world = await startWorld({ startExecution });
    await world.activate('wf_a');
    const change = of('c1', created(LEAD));
    // Act
    await world.enrollment.onRecordChanged(change);
    await world.enrollment.onRecordChanged(change);
    // Assess: one enrollment, started, then its start replayed.
    expect(startExecution.mock.calls.map((call) => [(call as unknown[])[0], (call as unknown[])[2]])).toEqual(
      [
        [expect.objectContaining({ id: enrollmentId('wf_a', 'c1', 1) }), false],
        [expect.objectContaining({ id: enrollmentId('wf_a', 'c1', 1) }), true],
      ],
    );
  });
});

describe('the fan-out of a change to the records associated with it', () => {
  const SOFTWARE_COMPANIES = [
    { filters: [{ property: 'companies.industry', operator: 'eq' as const, value: 'Software' }] },
  ];

  /** Company `acme` (industry SaaS) with `associated` contacts and one contact of its own (`loner`). */
  const companyWithContacts = async (world: Awaited<ReturnType<typeof startWorld>>, associated: number) => {
    const { records } = world.services;
    const acme = await records.create('companies', { domain: 'acme.com', industry: 'SaaS' });
    const contacts = [];
    for (let index = 0; index < associated; index += 1) {
      const contact = await records.create('contacts', { email: `c${index}@acme.com` });
      await records.associate('contacts', contact.id, 'companies', acme.id);
      contacts.push(contact.id);
    }
    const loner = await records.create('contacts', { email: 'loner@example.com' });
    return { acme, contacts, loner: loner.id };
  };

  /** Updates company `id` with `patch` and answers its `Record Changed` (before: the company as it was). */
  const companyChange = async (
    world: Awaited<ReturnType<typeof startWorld>>,
    id: string,
    patch: Properties,
    extra: Partial<EnrollmentChange> = {},
  ): Promise<EnrollmentChange> => {
    const before = await world.services.records.get('companies', id);
    const after = await world.services.records.update('companies', id, patch);
    return of(
      id,
      updated(before.properties, after.properties, {
        objectType: 'companies',
        version: after.version,
        ...extra,
      }),
    );
  };

  it('enrolls the contacts associated with a company whose industry becomes Software, not another contact', async () => {
    // Prepare
    const world = await startWorld();
    const { acme, contacts, loner } = await companyWithContacts(world, 2);
    await world.activate('wf_co', { enrollment: { criteria: SOFTWARE_COMPANIES } });
    await world.activate('wf_leads');
    const change = await companyChange(world, acme.id, { industry: 'Software' });
    // Act
    const own = await world.enrollment.onRecordChanged(change);
    // Assess
    expect(own).toEqual([]); // no companies workflow: the company itself decides nothing
    expect((await world.enrollmentsOf('wf_co')).map((e) => e.recordId).sort()).toEqual([...contacts].sort());
    for (const contact of contacts)
      expect(await world.lines('wf_co', contact)).toEqual(['enrolled:criteria']);
    expect(await world.lines('wf_co', loner)).toEqual([]);
    expect(await world.enrollmentsOf('wf_leads')).toEqual([]);
    expect(world.outcomes()).toEqual(['Enrollment Started', 'Enrollment Started']);
  });

  it('applies the same company change delivered twice once: one enrollment and one line per contact', async () => {
    // Prepare
    const world = await startWorld();
    const { acme, contacts } = await companyWithContacts(world, 2);
    await world.activate('wf_co', { enrollment: { criteria: SOFTWARE_COMPANIES } });
    const change = await companyChange(world, acme.id, { industry: 'Software' });
    // Act
    await world.enrollment.onRecordChanged(change);
    world.clock.advance(60_000);
    await world.enrollment.onRecordChanged(change);
    // Assess
    expect((await world.enrollmentsOf('wf_co')).map((e) => e.id).sort()).toEqual(
      contacts.map((contact) => enrollmentId('wf_co', contact, 1)).sort(),
    );
    for (const contact of contacts)
      expect(await world.lines('wf_co', contact)).toEqual(['enrolled:criteria']);
    expect(new Set(world.published.map((event) => event.detail.enrollmentId))).toEqual(
      new Set(contacts.map((contact) => enrollmentId('wf_co', contact, 1))),
    );
  });

  it('evaluates only the workflows reading the company property that changed, and none for one no workflow reads', async () => {
    // Prepare
    const evaluations: Evaluation[] = [];
    const world = await startWorld(undefined, {
      evaluation: { onEvaluate: (evaluation) => evaluations.push(evaluation) },
    });
    const { acme } = await companyWithContacts(world, 2);
    await world.activate('wf_co', { enrollment: { criteria: SOFTWARE_COMPANIES } });
    await world.activate('wf_name', {
      enrollment: {
        criteria: [{ filters: [{ property: 'companies.name', operator: 'eq', value: 'Acme' }] }],
      },
    });
    const unread = await companyChange(world, acme.id, { domain: 'acme.io' });
    // Act
    await world.enrollment.onRecordChanged(unread);
    const afterUnread = evaluations.splice(0);
    const read = await companyChange(world, acme.id, { industry: 'Software' });
    await world.enrollment.onRecordChanged(read);
    // Assess
    expect(afterUnread).toEqual([]);
    expect(new Set(evaluations.map((evaluation) => evaluation.workflowId))).toEqual(new Set(['wf_co']));
    expect(evaluations).toHaveLength(4); // criteria, before and after, for each of the two contacts
    expect(await world.enrollmentsOf('wf_co')).toHaveLength(2);
  });

  it('re-evaluates at most fanOutLimit associated records and records the cut once per workflow', async () => {
    // Prepare
    const world = await startWorld(undefined, { fanOutLimit: 2 });
    const { acme, contacts } = await companyWithContacts(world, 3);
    await world.activate('wf_co', { enrollment: { criteria: SOFTWARE_COMPANIES } });
    const change = await companyChange(world, acme.id, { industry: 'Software' });
    // Act
    await world.enrollment.onRecordChanged(change);
    await world.enrollment.onRecordChanged(change); // redelivered: still one cut line
    // Assess
    const enrolled = (await world.enrollmentsOf('wf_co')).map((e) => e.recordId);
    expect(enrolled).toHaveLength(2);
    expect(contacts).toEqual(expect.arrayContaining(enrolled));
    const cut = await world.historyOf('wf_co', acme.id);
    expect(cut).toMatchObject([
      {
        event: 'enrollment.skipped',
        reason: 'fan_out_limit',
        objectType: 'companies',
        details: { associatedObjectType: 'contacts', evaluated: 2, version: change.version },
      },
    ]);
  });

  it('keeps the triggering change loop guard: a cause deeper than 10 skips the associated contacts', async () => {
    // Prepare
    const world = await startWorld();
    const { acme, contacts } = await companyWithContacts(world, 1);
    await world.activate('wf_co', { enrollment: { criteria: SOFTWARE_COMPANIES } });
    const change = await companyChange(
      world,
      acme.id,
      { industry: 'Software' },
      { cause: { workflowId: 'wf_b', enrollmentId: 'enr_x_1', depth: 11 } },
    );
    // Act
    await world.enrollment.onRecordChanged(change);
    // Assess
    expect(await world.lines('wf_co', contacts[0])).toEqual(['enrollment.skipped:loop_guard']);
    expect(await world.enrollmentsOf('wf_co')).toEqual([]);
  });

  it('unenrolls an associated contact whose company no longer meets the criteria (unenrollWhenCriteriaNotMet)', async () => {
    // Prepare
    const world = await startWorld();
    const { acme, contacts } = await companyWithContacts(world, 1);
    await world.activate('wf_co', {
      enrollment: { criteria: SOFTWARE_COMPANIES },
      settings: { unenrollWhenCriteriaNotMet: true },
    });
    await world.enrollment.onRecordChanged(await companyChange(world, acme.id, { industry: 'Software' }));
    world.clock.advance(1_000);
    // Act
    await world.enrollment.onRecordChanged(await companyChange(world, acme.id, { industry: 'Retail' }));
    // Assess
    expect(await world.lines('wf_co', contacts[0])).toEqual([
      'enrolled:criteria',
      'unenrolled:criteria_not_met',
    ]);
  });
});

describe('the active workflows cache', () => {
  it('sees a workflow activated through its own repository at once, and one activated elsewhere after the TTL', async () => {
    // Prepare
    const world = await startWorld();
    await world.enrollment.onRecordChanged(of('c0', created(LEAD))); // caches "no active workflow"
    const elsewhere = createDynamoDBWorkflowRepository(toDocumentClient(world.db.client), {
      tableName: world.db.tableName,
    });
    const at = world.clock.now().toISOString();
    const stored = { ...workflow('wf_x'), status: 'draft', createdAt: at, updatedAt: at } as StoredWorkflow;
    await elsewhere.create(stored);
    await elsewhere.setStatus(stored, 'active', at);
    // Act
    const before = await world.enrollment.onRecordChanged(of('c1', created(LEAD)));
    world.clock.advance(DEFAULT_ACTIVE_WORKFLOWS_TTL_MS);
    const after = await world.enrollment.onRecordChanged(of('c2', created(LEAD)));
    await world.activate('wf_y');
    const own = await world.enrollment.onRecordChanged(of('c3', created(LEAD)));
    // Assess
    expect(before).toEqual([]);
    expect(after.map((decision) => decision.workflowId)).toEqual(['wf_x']);
    expect(own.map((decision) => decision.workflowId).sort()).toEqual(['wf_x', 'wf_y']);
  });
});

describe('manual enrollment and unenrollment', () => {
  it('enrolls a record by hand whatever the criteria, then refuses it while enrolled and, re-enrollment off, after', async () => {
    // Prepare
    const world = await startWorld();
    const ada = await world.services.records.create('contacts', { email: 'ada@example.com', ...SUBSCRIBER });
    await world.activate('wf_a');
    // Act
    const enrolled = await world.enrollment.enrollManually('wf_a', ada.id);
    const again = await world.enrollment.enrollManually('wf_a', ada.id).catch((error: unknown) => error);
    world.clock.advance(1_000);
    await world.enrollment.unenrollManually('wf_a', ada.id);
    const after = await world.enrollment.enrollManually('wf_a', ada.id).catch((error: unknown) => error);
    // Assess
    expect(enrolled).toEqual({
      id: enrollmentId('wf_a', ada.id, 1),
      recordId: ada.id,
      revision: 1,
      status: 'active',
      enrolledAt: '2026-03-02T09:00:00.000Z',
    });
    expect(again).toMatchObject({ reason: 'already_enrolled' });
    expect(again).toBeInstanceOf(ConflictError);
    expect(after).toBeInstanceOf(EnrollmentRefused);
    expect(after).toMatchObject({
      reason: 'reenrollment_off',
      message: expect.stringMatching(/re-enrollment is off/),
    });
    expect(await world.lines('wf_a', ada.id)).toEqual(['enrolled:manual', 'unenrolled:manual']);
    expect(world.outcomes()).toEqual(['Enrollment Started', 'Enrollment Ended:unenrolled']);
  });

  it('enrolls by hand with the reason the caller gives (an enrollInWorkflow action)', async () => {
    // Prepare
    const world = await startWorld();
    const ada = await world.services.records.create('contacts', { email: 'ada@example.com' });
    await world.activate('wf_a');
    // Act
    await world.enrollment.enrollManually('wf_a', ada.id, { enrolledBecause: 'workflow:wf_source' });
    // Assess
    expect(await world.lines('wf_a', ada.id)).toEqual(['enrolled:workflow:wf_source']);
  });

  it('answers 404 for an unknown workflow or record, 409 for a workflow that is not active or a suppressed record', async () => {
    // Prepare
    const world = await startWorld();
    const ada = await world.services.records.create('contacts', { email: 'ada@example.com' });
    const list = await world.services.lists.create({ name: 'Suppressed', objectType: 'contacts' });
    await world.services.lists.addMember(list.id, ada.id);
    await world.activate('wf_a', { settings: { suppressionLists: [list.id] } });
    const draft = await world.services.workflows.create({ ...workflow('wf_draft'), name: 'Draft' });
    // Act
    const results = await Promise.allSettled([
      world.enrollment.enrollManually('wf_missing', ada.id),
      world.enrollment.enrollManually('wf_a', 'no_such_record'),
      world.enrollment.enrollManually(draft.id, ada.id),
      world.enrollment.enrollManually('wf_a', ada.id),
    ]);
    // Assess
    const errors = results.map((result) => (result.status === 'rejected' ? result.reason : undefined));
    expect(errors.map((error) => error?.constructor)).toEqual([
      NotFoundError,
      NotFoundError,
      ConflictError,
      EnrollmentRefused,
    ]);
    expect(errors[3]).toBeInstanceOf(ConflictError);
    expect(errors[3]).toMatchObject({ reason: 'suppressed', message: expect.stringMatching(/suppression/) });
    expect(await world.enrollmentsOf('wf_a')).toEqual([]);
  });

  it('replays a manual enrollment asked again by the same trigger (a redelivered Workflow Enroll)', async () => {
    // Prepare
    const world = await startWorld();
    const ada = await world.services.records.create('contacts', { email: 'ada@example.com' });
    await world.activate('wf_a');
    // Act
    const first = await world.enrollment.enrollManually('wf_a', ada.id, { trigger: 'event#e1' });
    const second = await world.enrollment.enrollManually('wf_a', ada.id, { trigger: 'event#e1' });
    const other = await world.enrollment
      .enrollManually('wf_a', ada.id, { trigger: 'event#e2' })
      .catch((error: unknown) => error);
    // Assess
    expect(second).toEqual(first);
    expect(other).toBeInstanceOf(ConflictError);
    expect(await world.lines('wf_a', ada.id)).toEqual(['enrolled:manual']);
  });

  it('unenrolls by hand only a record enrolled now (404 otherwise, and for an unknown workflow)', async () => {
    // Prepare
    const world = await startWorld();
    await world.activate('wf_a');
    await world.enrollment.onRecordChanged(of('c1', created(LEAD)));
    world.clock.advance(1_000);
    // Act
    await world.enrollment.unenrollManually('wf_a', 'c1');
    const refused = await Promise.allSettled([
      world.enrollment.unenrollManually('wf_a', 'c1'),
      world.enrollment.unenrollManually('wf_a', 'c2'),
      world.enrollment.unenrollManually('wf_missing', 'c1'),
    ]);
    // Assess
    expect(
      refused.map((result) => (result.status === 'rejected' ? result.reason.constructor : 'ok')),
    ).toEqual([NotFoundError, NotFoundError, NotFoundError]);
    expect(await world.enrollmentsOf('wf_a')).toMatchObject([{ status: 'unenrolled', reason: 'manual' }]);
  });
});
