import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoDBCrmServices } from '../../shared/adapters/dynamodb/crm-services.dynamodb.ts';
import { enrollmentId } from '../../shared/core/enrollment/enrollment-id.ts';
import type { EventEnvelope } from '../../shared/core/events/event-envelope.ts';
import { executionArnOf } from '../../shared/core/executions/executions.ts';
import { stateMachineName } from '../../shared/core/workflow/state-machines.ts';
import { DurableDirectory } from '../../shared/runtime/bus/durable-files.ts';
import { startLocalDynamoDB } from '../../shared/runtime/local-dynamodb.ts';
import { type RunningRuntime, startRuntime } from '../../shared/runtime/start-runtime.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../shared/runtime/step-functions/durable-step-functions.ts';
import { type RuntimeAnswer, runtimeClient } from '../helpers/runtime-client.ts';

const TOKEN = 'enrollment-scenarios-token-0123456789';
const START = '2027-01-04T08:00:00.000Z';
const DAY_MS = 24 * 3600_000;

/** Data directories of this file, removed at the end. */
const dirs: string[] = [];
const newDataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-enroll-scenarios-'));
  dirs.push(dir);
  return dir;
};

/** Runtimes started and not closed yet (closed at the end when a scenario failed before closing its own). */
const open = new Set<RunningRuntime>();

const startAt = async (dataDir: string): Promise<RunningRuntime> => {
  const runtime = await startRuntime({
    port: 0,
    token: TOKEN,
    tokenGenerated: false,
    dataDir,
    clock: { kind: 'manual', start: new Date(START) },
  });
  open.add(runtime);
  return runtime;
};

const stop = async (runtime: RunningRuntime): Promise<void> => {
  open.delete(runtime);
  await runtime.close();
};

/** The runtime most scenarios share; those that restart a runtime start their own on a data directory of their own. */
let shared: RunningRuntime;
/** Ids of the events a scenario sent to fail for good: any other dead letter fails the scenario that left it. */
const expectedDeadLetters = new Set<string>();
/** The shared runtime's workflows a scenario activated: deactivated after it, so that no other scenario enrolls in them. */
const activeHere: string[] = [];

beforeAll(async () => {
  shared = await startAt(newDataDir());
});
afterEach(async () => {
  vi.restoreAllMocks();
  for (const workflowId of activeHere.splice(0)) {
    expect((await call('POST', `/workflows/${workflowId}/deactivate`)).status).toBe(200);
  }
  await settle();
  const deadLetters = await api(shared)('GET', '/_local/dead-letters');
  expect(deadLetters.status).toBe(200);
  expect(
    deadLetters.json.results
      .map((letter: { event: EventEnvelope }) => letter.event.id)
      .filter((id: string) => !expectedDeadLetters.has(id)),
  ).toEqual([]);
});
afterAll(async () => {
  for (const runtime of open) await stop(runtime);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Call = (method: string, path: string, body?: unknown) => Promise<RuntimeAnswer>;
const api = (runtime: RunningRuntime): Call => runtimeClient(() => runtime.url, TOKEN);
const call: Call = (method, path, body) => api(shared)(method, path, body);

/** One line of a workflow's history, as the API answers it. */
interface HistoryLine {
  readonly at: string;
  readonly event: string;
  readonly recordId: string;
  readonly enrollmentId?: string;
  readonly actionId?: string;
  readonly reason?: string;
  // biome-ignore lint/suspicious/noExplicitAny: details differ per event and are read by path
  readonly details?: any;
}

/** One enrollment, as `GET /workflows/{id}/enrollments` answers it. */
interface EnrollmentLine {
  readonly id: string;
  readonly recordId: string;
  readonly revision: number;
  readonly status: string;
  readonly reason?: string;
  readonly enrolledAt: string;
  readonly endedAt?: string;
  readonly currentActionId?: string;
}

const settle = async (via: Call = call): Promise<void> => {
  const settled = await via('POST', '/_local/settle');
  expect(settled.status, JSON.stringify(settled.json)).toBe(200);
};

const now = async (via: Call = call): Promise<string> => {
  const clock = await via('GET', '/_local/clock');
  expect(clock.status).toBe(200);
  return clock.json.now as string;
};

/** `instant` plus whole days, as the API writes instants. */
const plusDays = (instant: string, days: number): string =>
  new Date(Date.parse(instant) + days * DAY_MS).toISOString();

/** Saves a workflow and activates it through the API (`enrollExisting: false`); answers its id. */
const activeWorkflow = async (definition: object, via: Call = call): Promise<string> => {
  const created = await via('POST', '/workflows', definition);
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const activated = await via('POST', `/workflows/${created.json.id}/activate`, { enrollExisting: false });
  expect(activated.status, JSON.stringify(activated.json)).toBe(200);
  expect(activated.json.workflow.status).toBe('active');
  if (via === call) activeHere.push(created.json.id);
  return created.json.id as string;
};

const createContact = async (properties: object, via: Call = call): Promise<string> => {
  const created = await via('POST', '/objects/contacts', { properties });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  return created.json.id as string;
};

const patchContact = async (id: string, properties: object): Promise<void> => {
  const patched = await call('PATCH', `/objects/contacts/${id}`, { properties });
  expect(patched.status, JSON.stringify(patched.json)).toBe(200);
};

/** The workflow's history of one record, oldest first (lines of one instant keep the store's order). */
const historyOf = async (workflowId: string, recordId: string, via: Call = call): Promise<HistoryLine[]> => {
  const page = await via('GET', `/workflows/${workflowId}/history?recordId=${recordId}&limit=100`);
  expect(page.status).toBe(200);
  expect(page.json.nextCursor).toBeNull();
  return [...page.json.results].reverse();
};

/** Each line as `event:reason` (or `event:actionId`), sorted: lines written at one instant have no order. */
const eventsOf = (history: readonly HistoryLine[]): string[] =>
  history.map((line) => `${line.event}:${line.reason ?? line.actionId ?? ''}`).sort();

/** The one line of that event: fails when there is none or more than one. */
const lineOf = (history: readonly HistoryLine[], event: string): HistoryLine => {
  const lines = history.filter((line) => line.event === event);
  expect(lines, event).toHaveLength(1);
  return lines[0] as HistoryLine;
};

/** The record's enrollments in the workflow, newest first. */
const enrollmentsOf = async (
  workflowId: string,
  recordId: string,
  via: Call = call,
): Promise<EnrollmentLine[]> => {
  const page = await via('GET', `/workflows/${workflowId}/enrollments?limit=100`);
  expect(page.status).toBe(200);
  expect(page.json.nextCursor).toBeNull();
  return page.json.results.filter((enrollment: EnrollmentLine) => enrollment.recordId === recordId);
};

/** The execution Step Functions runs for an enrollment of revision 1 (undefined: none was started). */
const executionOf = async (runtime: RunningRuntime, workflowId: string, enrollment: string) => {
  const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${stateMachineName(workflowId, 1)}`;
  return runtime.stepFunctions
    .describeExecution(executionArnOf(stateMachineArn, enrollment))
    .catch((error: Error) => {
      expect(error.name).toBe('ExecutionDoesNotExist');
      return undefined;
    });
};

const LEAD = [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }] }];

/** Contacts that become leads wait 30 days, then get `leadstatus: open`: their enrollments stay active meanwhile. */
const waitingLeads = (name: string, extra: object = {}) => ({
  name,
  objectType: 'contacts',
  enrollment: { trigger: 'criteria', criteria: LEAD },
  startActionId: 'wait',
  actions: [
    { id: 'wait', type: 'delay', duration: 'P30D', next: 'tag' },
    { id: 'tag', type: 'setProperty', property: 'leadstatus', value: 'open', next: null },
  ],
  ...extra,
});

describe('enrollment through the running embedded runtime (manual clock)', () => {
  it('enrolls a created record that meets the criteria once: a change that keeps it matching adds nothing, one that makes it match again while enrolled is skipped as already_enrolled', async () => {
    // Prepare
    const workflowId = await activeWorkflow(waitingLeads('Created leads'));
    const enrolledAt = await now();

    // Act
    const ada = await createContact({ email: 'ada@example.com', lifecyclestage: 'lead' });
    await settle();
    const afterCreation = await historyOf(workflowId, ada);
    await patchContact(ada, { firstname: 'Ada', score: 12 });
    await settle();
    const afterMatchingChange = await historyOf(workflowId, ada);
    await patchContact(ada, { lifecyclestage: 'subscriber' });
    await settle();
    const afterLeaving = await historyOf(workflowId, ada);
    await patchContact(ada, { lifecyclestage: 'lead' });
    await settle();

    // Assess
    const [enrollment, ...others] = await enrollmentsOf(workflowId, ada);
    expect(others).toEqual([]);
    expect(enrollment).toMatchObject({ recordId: ada, revision: 1, status: 'active', enrolledAt });
    expect(enrollment?.endedAt).toBeUndefined();
    expect(eventsOf(afterCreation)).toEqual(['action.scheduled:tag', 'enrolled:criteria']);
    expect(lineOf(afterCreation, 'enrolled')).toMatchObject({ enrollmentId: enrollment?.id, at: enrolledAt });
    expect(lineOf(afterCreation, 'action.scheduled')).toMatchObject({
      enrollmentId: enrollment?.id,
      details: { runAt: plusDays(enrolledAt, 30) },
    });
    // Still matching: the criteria did not go from not matching to matching, so the change says nothing.
    expect(afterMatchingChange).toEqual(afterCreation);
    // Leaving the criteria does not unenroll (unenrollWhenCriteriaNotMet is off) and writes nothing.
    expect(afterLeaving).toEqual(afterCreation);
    // Matching again while enrolled: never enrolled twice at once, and the history says why.
    const history = await historyOf(workflowId, ada);
    expect(eventsOf(history)).toEqual([
      'action.scheduled:tag',
      'enrolled:criteria',
      'enrollment.skipped:already_enrolled',
    ]);
    expect(lineOf(history, 'enrollment.skipped')).toMatchObject({
      reason: 'already_enrolled',
      recordId: ada,
    });
    expect(lineOf(history, 'enrollment.skipped').enrollmentId).toBeUndefined();
    expect((await executionOf(shared, workflowId, enrollment!.id))?.status).toBe('RUNNING');
  });

  describe('a record that leaves the criteria and meets them again after its enrollment ended', () => {
    /** Contacts that become leads get `leadstatus: open` and complete at once. */
    const shortLeads = (name: string, reenrollment: object) => ({
      name,
      objectType: 'contacts',
      enrollment: { trigger: 'criteria', criteria: LEAD, reenrollment },
      startActionId: 'tag',
      actions: [{ id: 'tag', type: 'setProperty', property: 'leadstatus', value: 'open', next: null }],
    });

    /** Creates a lead, lets its enrollment complete, then makes it leave the criteria and meet them again. */
    const leaveAndRejoin = async (workflowId: string, email: string) => {
      const id = await createContact({ email, lifecyclestage: 'lead' });
      await settle();
      const first = await enrollmentsOf(workflowId, id);
      expect(first).toMatchObject([{ status: 'completed' }]);
      expect(first[0]?.reason).toBeUndefined();
      await patchContact(id, { lifecyclestage: 'subscriber' });
      await settle();
      await patchContact(id, { lifecyclestage: 'lead' });
      await settle();
      return { id, first: first[0] as EnrollmentLine };
    };

    it('does not enroll it again with re-enrollment off (enrollment.skipped reenrollment_off)', async () => {
      // Prepare
      const workflowId = await activeWorkflow(shortLeads('Leads once', { enabled: false }));

      // Act
      const { id, first } = await leaveAndRejoin(workflowId, 'once@example.com');

      // Assess
      expect(await enrollmentsOf(workflowId, id)).toEqual([first]);
      const history = await historyOf(workflowId, id);
      expect(eventsOf(history)).toEqual([
        'action.completed:tag',
        'completed:',
        'enrolled:criteria',
        'enrollment.skipped:reenrollment_off',
      ]);
      const skipped = lineOf(history, 'enrollment.skipped');
      expect(skipped).toMatchObject({ reason: 'reenrollment_off', recordId: id });
      expect(skipped.enrollmentId).toBeUndefined();
      expect((await call('GET', `/objects/contacts/${id}`)).json.properties.leadstatus).toBe('open');
    });

    it('enrolls it a second time with re-enrollment on when a trigger fires (reason reenrollment)', async () => {
      // Prepare
      const workflowId = await activeWorkflow(
        shortLeads('Leads again', {
          enabled: true,
          triggers: [{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }],
        }),
      );

      // Act
      const { id, first } = await leaveAndRejoin(workflowId, 'again@example.com');

      // Assess
      const enrollments = await enrollmentsOf(workflowId, id);
      expect(enrollments).toHaveLength(2);
      const second = enrollments.find((enrollment) => enrollment.id !== first.id);
      expect(second).toMatchObject({ recordId: id, revision: 1, status: 'completed' });
      expect(enrollments).toContainEqual(first);
      const history = await historyOf(workflowId, id);
      expect(eventsOf(history)).toEqual([
        'action.completed:tag',
        'action.completed:tag',
        'completed:',
        'completed:',
        'enrolled:criteria',
        'enrolled:reenrollment',
      ]);
      expect(
        history
          .filter((line) => line.event === 'enrolled')
          .map((line) => `${line.reason}:${line.enrollmentId}`)
          .sort(),
      ).toEqual([`criteria:${first.id}`, `reenrollment:${second?.id}`]);
      expect(eventsOf(history.filter((line) => line.enrollmentId === second?.id))).toEqual([
        'action.completed:tag',
        'completed:',
        'enrolled:reenrollment',
      ]);
    });
  });

  it('does not enroll a member of a suppression list (enrollment.skipped suppressed), and unenrolls an enrolled record that joins it', async () => {
    // Prepare
    const list = await call('POST', '/lists', { name: 'Do not contact', objectType: 'contacts' });
    expect(list.status).toBe(201);
    const workflowId = await activeWorkflow(
      waitingLeads('Leads but the suppressed', { settings: { suppressionLists: [list.json.id] } }),
    );
    const member = await createContact({ email: 'member@example.com', lifecyclestage: 'subscriber' });
    expect((await call('PUT', `/lists/${list.json.id}/members/${member}`)).status).toBe(204);
    const joiner = await createContact({ email: 'joiner@example.com', lifecyclestage: 'lead' });
    await settle();
    const [enrolled] = await enrollmentsOf(workflowId, joiner);
    expect(enrolled).toMatchObject({ status: 'active' });
    const at = await now();

    // Act
    await patchContact(member, { lifecyclestage: 'lead' });
    expect((await call('PUT', `/lists/${list.json.id}/members/${joiner}`)).status).toBe(204);
    await settle();

    // Assess
    expect(await enrollmentsOf(workflowId, member)).toEqual([]);
    expect(await historyOf(workflowId, member)).toMatchObject([
      { event: 'enrollment.skipped', reason: 'suppressed', recordId: member, at },
    ]);
    // Where it was while active (waiting to run `tag`) is not shown once it has ended.
    const { currentActionId, ...whileActive } = enrolled as EnrollmentLine;
    expect(currentActionId).toBe('tag');
    expect(await enrollmentsOf(workflowId, joiner)).toEqual([
      { ...whileActive, status: 'unenrolled', reason: 'suppressed', endedAt: at },
    ]);
    const joinerHistory = await historyOf(workflowId, joiner);
    expect(eventsOf(joinerHistory)).toEqual([
      'action.scheduled:tag',
      'enrolled:criteria',
      'unenrolled:suppressed',
    ]);
    expect(lineOf(joinerHistory, 'unenrolled')).toMatchObject({ enrollmentId: enrolled?.id, at });
    // Its execution was stopped: 30 days later its action has not run.
    expect((await executionOf(shared, workflowId, enrolled!.id))?.status).toBe('ABORTED');
    const moved = await call('POST', '/_local/clock', { advance: 'P31D' });
    expect(moved.status).toBe(200);
    expect((await call('GET', `/objects/contacts/${joiner}`)).json.properties.leadstatus).toBeUndefined();
    expect(eventsOf(await historyOf(workflowId, joiner))).toEqual(eventsOf(joinerHistory));
  });

  it('does not enroll a record that already meets the goal (goal_already_met) or the unenrollment criteria (unenrollment_criteria)', async () => {
    // Prepare
    const workflowId = await activeWorkflow(
      waitingLeads('French contacts until customers', {
        enrollment: {
          trigger: 'criteria',
          criteria: [{ filters: [{ property: 'country', operator: 'eq', value: 'FR' }] }],
        },
        goal: {
          criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'customer' }] }],
        },
        settings: {
          unenrollmentCriteria: [
            { filters: [{ property: 'leadstatus', operator: 'eq', value: 'unqualified' }] },
          ],
        },
      }),
    );
    const at = await now();

    // Act
    const customer = await createContact({
      email: 'client@example.fr',
      country: 'FR',
      lifecyclestage: 'customer',
    });
    const unqualified = await createContact({
      email: 'non@example.fr',
      country: 'FR',
      leadstatus: 'unqualified',
    });
    const prospect = await createContact({ email: 'prospect@example.fr', country: 'FR' });
    await settle();

    // Assess
    expect(await enrollmentsOf(workflowId, customer)).toEqual([]);
    expect(await historyOf(workflowId, customer)).toMatchObject([
      { event: 'enrollment.skipped', reason: 'goal_already_met', recordId: customer, at },
    ]);
    expect(await enrollmentsOf(workflowId, unqualified)).toEqual([]);
    expect(await historyOf(workflowId, unqualified)).toMatchObject([
      { event: 'enrollment.skipped', reason: 'unenrollment_criteria', recordId: unqualified, at },
    ]);
    expect(await enrollmentsOf(workflowId, prospect)).toMatchObject([{ status: 'active' }]);
    expect(eventsOf(await historyOf(workflowId, prospect))).toEqual([
      'action.scheduled:tag',
      'enrolled:criteria',
    ]);
  });

  it('enrolls once, with one execution, when 50 concurrent PATCHes of one record each could enroll it', async () => {
    // Prepare: one workflow whose criteria the first change makes true, one whose criteria every change makes true.
    const leads = await activeWorkflow(waitingLeads('Concurrent leads'));
    const renamed = await activeWorkflow(
      waitingLeads('Renamed contacts', {
        enrollment: {
          trigger: 'criteria',
          criteria: [{ filters: [{ property: 'firstname', operator: 'changed' }] }],
        },
      }),
    );
    const id = await createContact({ email: 'busy@example.com' });
    await settle();
    const at = await now();

    // Act
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        call('PATCH', `/objects/contacts/${id}`, {
          properties: { lifecyclestage: 'lead', firstname: `Name ${index}` },
        }),
      ),
    );
    await settle();

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
    expect(new Set(answers.map((answer) => answer.json.version)).size).toBe(50);
    expect((await call('GET', `/objects/contacts/${id}`)).json.version).toBe(51);
    for (const workflowId of [leads, renamed]) {
      const enrollments = await enrollmentsOf(workflowId, id);
      expect(enrollments).toMatchObject([{ status: 'active', enrolledAt: at }]);
      const history = await historyOf(workflowId, id);
      const enrollment = enrollments[0]!.id;
      expect(lineOf(history, 'enrolled')).toMatchObject({ reason: 'criteria', enrollmentId: enrollment });
      expect(lineOf(history, 'action.scheduled')).toMatchObject({
        actionId: 'tag',
        enrollmentId: enrollment,
        details: { runAt: plusDays(at, 30) },
      });
      expect(await executionOf(shared, workflowId, enrollment)).toMatchObject({ status: 'RUNNING' });
      expect(await executionOf(shared, workflowId, enrollmentId(workflowId, id, 2))).toBeUndefined();
    }
    // The first change made the lead criteria true; the 49 others found them true already.
    expect(eventsOf(await historyOf(leads, id))).toEqual(['action.scheduled:tag', 'enrolled:criteria']);
    // Every change made `firstname changed` true: one enrolled, the 49 others were skipped, one line each.
    const skipped = (await historyOf(renamed, id)).filter((line) => line.event === 'enrollment.skipped');
    expect(skipped).toHaveLength(49);
    expect(new Set(skipped.map((line) => line.reason))).toEqual(new Set(['already_enrolled']));
  });

  it('enrolls once when the Record Changed that enrolled a record is delivered again after a restart', async () => {
    // Prepare
    const dataDir = newDataDir();
    let runtime = await startAt(dataDir);
    const local = api(runtime);
    const workflowId = await activeWorkflow(waitingLeads('Redelivered leads'), local);
    // The delivery is done but the bus never records it (as when the process stops right then): the event stays queued.
    const remove = DurableDirectory.prototype.remove;
    let kept: EventEnvelope | undefined;
    vi.spyOn(DurableDirectory.prototype, 'remove').mockImplementation(async function (
      this: DurableDirectory,
      name: string,
    ) {
      if (!kept && this.path.endsWith(join('bus', 'queue'))) {
        const { event } = await this.read<{ event: EventEnvelope }>(name);
        const detail = event.detail as { change?: string; after?: { properties?: { email?: string } } };
        if (detail.change === 'created' && detail.after?.properties?.email === 'twice@example.com') {
          kept = event;
          throw new Error('the process stopped before the delivery was recorded');
        }
      }
      return remove.call(this, name);
    });
    const id = await createContact({ email: 'twice@example.com', lifecyclestage: 'lead' }, local);
    await settle(local);
    const before = await enrollmentsOf(workflowId, id, local);
    const historyBefore = await historyOf(workflowId, id, local);
    await stop(runtime);
    vi.restoreAllMocks();
    expect(kept).toMatchObject({ source: 'crm.records', 'detail-type': 'Record Changed', detail: { id } });
    const queue = new DurableDirectory(join(dataDir, 'bus', 'queue'));
    const left = await queue.names();
    expect(left).toHaveLength(1);
    expect((await queue.read<{ event: EventEnvelope }>(left[0] as string)).event).toEqual(kept);

    // Act
    runtime = await startAt(dataDir);
    const restarted = api(runtime);
    await settle(restarted);

    // Assess
    try {
      // The very event was delivered again, and nothing else.
      expect(runtime.bus.metrics()).toMatchObject({ delivered: 1, retried: 0, deadLettered: 0 });
      expect(readdirSync(join(dataDir, 'bus', 'queue'))).toEqual([]);
      expect(before).toMatchObject([{ status: 'active' }]);
      expect(await enrollmentsOf(workflowId, id, restarted)).toEqual(before);
      expect(await historyOf(workflowId, id, restarted)).toEqual(historyBefore);
      expect(eventsOf(historyBefore)).toEqual(['action.scheduled:tag', 'enrolled:criteria']);
      expect(await executionOf(runtime, workflowId, before[0]!.id)).toMatchObject({ status: 'RUNNING' });
      expect(await executionOf(runtime, workflowId, enrollmentId(workflowId, id, 2))).toBeUndefined();
      expect((await restarted('GET', '/_local/dead-letters')).json.results).toEqual([]);
    } finally {
      await stop(runtime);
    }
  });

  it('publishes after a restart a change committed while no change feed ran, and enrolls once', async () => {
    // Prepare: an active workflow, then a lead committed to the store with no runtime running.
    const dataDir = newDataDir();
    let runtime = await startAt(dataDir);
    const workflowId = await activeWorkflow(waitingLeads('Leads after a crash'), api(runtime));
    const committedAt = await now(api(runtime));
    await stop(runtime);
    const db = await startLocalDynamoDB({ path: join(dataDir, 'dynamodb') });
    let id: string;
    try {
      const { services } = createDynamoDBCrmServices({
        client: db.client,
        tableName: db.tableName,
        clock: { now: () => new Date(committedAt) },
        newId: randomUUID,
        actionFunctionArn: 'arn:aws:lambda:local:000000000000:function:x',
        publish: async () => {},
      });
      id = (await services.records.create('contacts', { email: 'crash@example.com', lifecyclestage: 'lead' }))
        .id;
    } finally {
      await db.close();
    }

    // Act
    runtime = await startAt(dataDir);
    let local = api(runtime);
    await settle(local);
    const published = runtime.bus.metrics();
    const enrollments = await enrollmentsOf(workflowId, id, local);
    await stop(runtime);
    runtime = await startAt(dataDir);
    local = api(runtime);

    // Assess
    try {
      await settle(local);
      // Published once after the crash, nothing again at the next start.
      expect(published).toMatchObject({ delivered: 1, deadLettered: 0 });
      expect(runtime.bus.metrics()).toMatchObject({ accepted: 0, delivered: 0 });
      expect(enrollments).toMatchObject([{ recordId: id, status: 'active', enrolledAt: committedAt }]);
      expect(await enrollmentsOf(workflowId, id, local)).toEqual(enrollments);
      const history = await historyOf(workflowId, id, local);
      expect(eventsOf(history)).toEqual(['action.scheduled:tag', 'enrolled:criteria']);
      expect(lineOf(history, 'enrolled')).toMatchObject({
        reason: 'criteria',
        enrollmentId: enrollments[0]?.id,
      });
      expect(lineOf(history, 'action.scheduled').details).toEqual({ runAt: plusDays(committedAt, 30) });
    } finally {
      await stop(runtime);
    }
  });

  it('enrolls a record an application upserts through @aws-sdk/client-eventbridge, and dead-letters an invalid event once with its validation error', async () => {
    // Prepare
    const workflowId = await activeWorkflow(waitingLeads('Leads from the shop'));
    const events = new EventBridgeClient({
      endpoint: shared.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: TOKEN },
    });
    const at = await now();
    const upsert = (detail: object) => ({
      Source: 'shop.signups',
      DetailType: 'Record Upsert',
      Detail: JSON.stringify(detail),
      EventBusName: 'crm-workflows',
    });
    const metricsBefore = shared.bus.metrics();

    // Act
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          upsert({ objectType: 'widgets', idProperty: 'email', properties: { email: 'w@example.com' } }),
          upsert({
            objectType: 'contacts',
            idProperty: 'email',
            properties: { email: 'shopper@example.com', lifecyclestage: 'lead' },
          }),
          upsert({
            objectType: 'contacts',
            idProperty: 'email',
            properties: { email: 'odd@example.com', shoesize: 44 },
          }),
        ],
      }),
    );
    events.destroy();
    const [widget, shopper, odd] = (put.Entries ?? []).map((entry) => entry.EventId as string);
    expectedDeadLetters.add(widget as string);
    expectedDeadLetters.add(odd as string);
    await settle();
    // Time passes: nothing is tried again.
    expect((await call('POST', '/_local/clock', { advance: 'PT1H' })).status).toBe(200);

    // Assess
    expect(put.FailedEntryCount).toBe(0);
    const contacts = await call('GET', '/objects/contacts?limit=100');
    const shopperRecord = contacts.json.results.find(
      (record: { properties: { email?: string } }) => record.properties.email === 'shopper@example.com',
    );
    expect(shopperRecord).toBeDefined();
    expect(
      contacts.json.results.some(
        (record: { properties: { email?: string } }) => record.properties.email === 'odd@example.com',
      ),
    ).toBe(false);
    expect(await enrollmentsOf(workflowId, shopperRecord.id)).toMatchObject([
      { status: 'active', enrolledAt: at },
    ]);
    expect(eventsOf(await historyOf(workflowId, shopperRecord.id))).toEqual([
      'action.scheduled:tag',
      'enrolled:criteria',
    ]);

    const deadLetters = await call('GET', '/_local/dead-letters');
    expect(deadLetters.status).toBe(200);
    const letterOf = (eventId: string | undefined) =>
      deadLetters.json.results.filter((letter: { event: EventEnvelope }) => letter.event.id === eventId);
    expect(letterOf(shopper)).toEqual([]);
    const [widgetLetter, ...widgetAgain] = letterOf(widget);
    expect(widgetAgain).toEqual([]);
    expect(widgetLetter).toMatchObject({
      rule: 'inbound-to-ingest',
      target: 'ingest',
      attempts: 1,
      error: {
        code: 'VALIDATION_FAILED',
        details: [expect.objectContaining({ path: 'detail.objectType' })],
      },
      event: { source: 'shop.signups', 'detail-type': 'Record Upsert', detail: { objectType: 'widgets' } },
    });
    expect(widgetLetter.error.message).toContain('detail.objectType');
    const [oddLetter, ...oddAgain] = letterOf(odd);
    expect(oddAgain).toEqual([]);
    expect(oddLetter).toMatchObject({ target: 'ingest', attempts: 1, error: { code: 'VALIDATION_FAILED' } });
    expect(oddLetter.error.message).toContain('shoesize');
    // Refused outright, counted as invalid, never tried again.
    expect(shared.bus.metrics()).toMatchObject({
      retried: metricsBefore.retried,
      invalid: metricsBefore.invalid + 2,
      deadLettered: metricsBefore.deadLettered + 2,
    });
  });
});
