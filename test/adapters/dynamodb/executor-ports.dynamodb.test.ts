import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDBCrmServices } from '../../../shared/adapters/dynamodb/crm-services.dynamodb.ts';
import { createDynamoDBExecutorPorts } from '../../../shared/adapters/dynamodb/executor-ports.dynamodb.ts';
import { toDocumentClient } from '../../../shared/adapters/dynamodb/index.ts';
import type { ActionEffect } from '../../../shared/core/actions/action-effects.ts';
import type { EnrollmentRef, TaskRequest } from '../../../shared/core/contract/task-contract.ts';
import type { WorkflowEvent } from '../../../shared/core/enrollment/enrollment-effects.ts';
import type { ActionEvent } from '../../../shared/core/executor/action-messages.ts';
import { executeTask } from '../../../shared/core/executor/execute-task.ts';
import type { OutboundEmail } from '../../../shared/core/executor/outside-world.ts';
import type { SystemExecutorDeps } from '../../../shared/core/executor/system-executor-ports.ts';
import type { RecordService } from '../../../shared/core/services/crm-services.ts';
import { LOCAL_ACTION_FUNCTION_ARN } from '../../../shared/core/services/workflow-service.ts';
import {
  type WorkflowDefinitionInput,
  WorkflowDefinitionSchema,
} from '../../../shared/core/workflow/workflow.schema.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { counterIds, manualClock } from '../../helpers/api-client.ts';
import { storeActive } from '../../helpers/workflow-store.ts';

let db: LocalDynamoDB;
beforeAll(async () => {
  db = await startLocalDynamoDB();
});
afterAll(async () => {
  await db.close();
});

/** Tag, bump the score, create a task, list the contact, hand it to wf-next, email it, announce it. */
const ONBOARDING: WorkflowDefinitionInput = {
  name: 'Onboarding',
  objectType: 'contacts',
  enrollment: { trigger: 'manual' },
  startActionId: 'tag',
  actions: [
    { id: 'tag', type: 'setProperty', property: 'leadstatus', value: 'open', next: 'bump' },
    { id: 'bump', type: 'incrementProperty', property: 'score', by: 10, next: 'task' },
    { id: 'task', type: 'createTask', title: 'Call {{firstname}}', due: 'P1D', next: 'list' },
    { id: 'list', type: 'addToList', listId: 'LIST_ID', next: 'hand' },
    { id: 'hand', type: 'enrollInWorkflow', workflowId: 'wf-next', next: 'greet' },
    { id: 'greet', type: 'sendEmail', subject: 'Hi {{firstname}}', body: 'Welcome', next: 'shout' },
    { id: 'shout', type: 'publishEvent', detailType: 'Contact Onboarded', next: null },
  ],
};

let worlds = 0;

/** A document client that dies once, instead of marking an effect intent done. */
const dyingBeforeMarkingDone = () => {
  const client = toDocumentClient(db.client);
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  let died = false;
  client.send = (async (command: { constructor: { name: string }; input: { Key?: { pk?: string } } }) => {
    if (
      !died &&
      command.constructor.name === 'UpdateCommand' &&
      command.input.Key?.pk?.startsWith('EFFECT#')
    ) {
      died = true;
      throw Object.assign(new Error('the Lambda timed out'), { name: 'Crash' });
    }
    return send(command);
  }) as typeof client.send;
  return client;
};

/** A gate that holds its first `count` callers until the last of them arrives. */
const gate = (count: number) => {
  const held: (() => void)[] = [];
  return async (): Promise<void> => {
    if (held.length >= count) return;
    await new Promise<void>((release) => {
      held.push(release);
      if (held.length === count) for (const waiting of held) waiting();
    });
  };
};

const inOneDay = (now: Date) => new Date(now.getTime() + 86_400_000).toISOString();

/** The services and the executor's ports over the shared dynalite table, with wf-onboard and wf-next active. */
const startWorld = async (
  executorClient: DynamoDBClient | DynamoDBDocumentClient = db.client,
  executorRecords: (records: RecordService) => SystemExecutorDeps['records'] = (records) => records,
) => {
  worlds += 1;
  const clock = manualClock();
  const published: WorkflowEvent[] = [];
  const actionEvents: ActionEvent[] = [];
  const emails: OutboundEmail[] = [];
  const newId = counterIds(`w${worlds}-`);
  const built = createDynamoDBCrmServices({
    client: db.client,
    tableName: db.tableName,
    clock,
    newId,
    actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
    publish: async (events) => void published.push(...events),
  });
  const { services, enrollment, workflowRepository, changeLog } = built;
  const list = await services.lists.create({ name: 'Onboarded', objectType: 'contacts' });
  const activate = (id: string, input: WorkflowDefinitionInput) =>
    storeActive(
      workflowRepository,
      { ...WorkflowDefinitionSchema.parse(input), id, revision: 1 },
      clock.now().toISOString(),
    );
  const onboarding = `wf-onboard-${worlds}`;
  const next = `wf-next-${worlds}`;
  const actions = ONBOARDING.actions.map((action) =>
    action.type === 'addToList'
      ? { ...action, listId: list.id }
      : action.type === 'enrollInWorkflow'
        ? { ...action, workflowId: next }
        : action,
  );
  await activate(onboarding, { ...ONBOARDING, actions });
  await activate(next, {
    name: 'Next',
    objectType: 'contacts',
    enrollment: { trigger: 'manual' },
    startActionId: null,
    actions: [],
  });
  const { ports, eventWaits } = createDynamoDBExecutorPorts({
    client: executorClient,
    tableName: db.tableName,
    clock,
    newId,
    records: executorRecords(services.records),
    lists: services.lists,
    enrollment,
    publish: async (events) => void published.push(...events),
    publishActionEvent: async (event) => void actionEvents.push(event),
    outside: {
      mailer: { send: async (email) => void emails.push(email) },
      notifier: { send: async () => undefined },
      webhooks: { send: async () => undefined },
    },
    continueAsNew: async () => 'arn:aws:states:eu-west-1:123456789012:execution:wf-1-r1:enr-1-c1',
    succeedEventWait: async () => undefined,
  });
  const contact = await services.records.create('contacts', {
    firstname: 'Ada',
    email: `ada${worlds}@example.fr`,
    score: 5,
  });
  const enrolled = await enrollment.enrollManually(onboarding, contact.id);
  const ref: EnrollmentRef = {
    workflowId: onboarding,
    revision: 1,
    enrollmentId: enrolled.id,
    recordId: contact.id,
    objectType: 'contacts',
    depth: 1,
  };
  const request = (actionId: string | null, kind: TaskRequest['kind'] = 'action'): TaskRequest => ({
    kind,
    actionId,
    state: { enrollment: ref, runAt: clock.now().toISOString() },
    executionId: `exec-${worlds}`,
    startedAt: clock.now().toISOString(),
  });
  const changesOf = async (objectType: 'contacts' | 'tasks', id: string) =>
    (await changeLog.history(objectType, id, { limit: 100 })).results;
  return {
    clock,
    services,
    ports,
    eventWaits,
    published,
    actionEvents,
    emails,
    contact,
    ref,
    request,
    changesOf,
    changeLog,
    list,
    next,
    onboarding,
  };
};

describe('createDynamoDBExecutorPorts running a workflow over the real services', () => {
  it('applies every action with the enrollment cause one deeper, and a repeated action changes nothing', async () => {
    // Prepare
    const world = await startWorld();
    const cause = { workflowId: world.onboarding, enrollmentId: world.ref.enrollmentId, depth: 2 };
    // Act
    for (const actionId of ['tag', 'bump', 'task', 'list', 'hand', 'greet', 'shout']) {
      await executeTask(world.request(actionId), world.ports);
    }
    const afterOnce = await world.changesOf('contacts', world.contact.id);
    for (const actionId of ['bump', 'task', 'list', 'greet']) {
      await executeTask(world.request(actionId), world.ports);
    }
    // Assess
    const changes = await world.changesOf('contacts', world.contact.id);
    expect(changes).toEqual(afterOnce);
    expect(changes.map((change) => [change.change, change.cause])).toEqual([
      ['created', undefined],
      ['updated', cause],
      ['updated', cause],
      ['associated', cause],
      ['listed', cause],
    ]);
    expect(changes[2]?.after?.properties).toMatchObject({ leadstatus: 'open', score: 15 });
    const tasks = await world.services.records.associations('contacts', world.contact.id, 'tasks', {
      limit: 10,
    });
    expect(tasks.results).toHaveLength(1);
    const [taskCreation] = await world.changesOf('tasks', tasks.results[0]!.id);
    expect(taskCreation).toMatchObject({
      change: 'created',
      cause,
      after: {
        properties: { title: 'Call Ada', status: 'not_started', dueDate: inOneDay(world.clock.now()) },
      },
    });
    expect((await world.services.lists.members(world.list.id, { limit: 10 })).results).toEqual([
      { id: world.contact.id },
    ]);
    expect(world.emails).toHaveLength(1);
    expect(world.actionEvents).toMatchObject([
      { source: 'crm.workflows', detailType: 'Contact Onboarded', detail: { recordId: world.contact.id } },
    ]);
  });

  it('increments once when the Task dies after the write and before the intent is marked done', async () => {
    // Prepare
    const world = await startWorld(dyingBeforeMarkingDone());
    await expect(executeTask(world.request('bump'), world.ports)).rejects.toThrow('the Lambda timed out');
    // Act
    await executeTask(world.request('bump'), world.ports);
    // Assess
    const changes = await world.changesOf('contacts', world.contact.id);
    expect(changes.map((change) => [change.change, change.after?.properties.score])).toEqual([
      ['created', 5],
      ['updated', 15],
    ]);
  });

  it('adds nothing again when the Task is retried after its write and a PATCH of the score', async () => {
    // Prepare: the increment writes 15 and dies before marking its intent done; a PATCH then sets 100
    const world = await startWorld(dyingBeforeMarkingDone());
    await expect(executeTask(world.request('bump'), world.ports)).rejects.toThrow('the Lambda timed out');
    await world.services.records.update('contacts', world.contact.id, { score: 100 });
    // Act
    await executeTask(world.request('bump'), world.ports);
    // Assess
    const changes = await world.changesOf('contacts', world.contact.id);
    expect(changes.map((change) => [change.version, change.after?.properties.score])).toEqual([
      [1, 5],
      [2, 15],
      [3, 100],
    ]);
    expect(changes[1]?.effectKey).toBe(`${world.ref.enrollmentId}:bump:0`);
  });

  it('adds every one of three concurrent increments of the contact that all read it before any wrote', async () => {
    // Prepare: each increment's read of the contact (score 5) is held until all three have read it
    const allRead = gate(3);
    const world = await startWorld(db.client, (records) => ({
      get: async (objectType, id) => {
        const record = await records.get(objectType, id);
        await allRead();
        return record;
      },
      associations: (...args) => records.associations(...args),
      create: (...args) => records.create(...args),
      update: (...args) => records.update(...args),
      associate: (...args) => records.associate(...args),
    }));
    const bump: ActionEffect = { kind: 'incrementProperty', target: 'self', property: 'score', by: 1 };
    const enrollments = ['inc1', 'inc2', 'inc3'].map((workflowId) => ({
      ...world.ref,
      workflowId,
      enrollmentId: `enr-${workflowId}-${world.contact.id}`,
    }));
    // Act
    await Promise.all(enrollments.map((ref) => world.ports.apply(bump, ref, `${ref.enrollmentId}:i:0`)));
    // Assess
    const changes = await world.changesOf('contacts', world.contact.id);
    expect(changes.map((change) => [change.version, change.after?.properties.score])).toEqual([
      [1, 5],
      [2, 6],
      [3, 7],
      [4, 8],
    ]);
    expect(
      changes
        .slice(1)
        .map((change) => change.cause?.workflowId)
        .sort(),
    ).toEqual(['inc1', 'inc2', 'inc3']);
    // One Record Changed each: the log's feed of changes to publish holds every version once.
    const unpublished: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await world.changeLog.unpublished({ limit: 100, ...(cursor ? { cursor } : {}) });
      for (const change of page.results) if (change.id === world.contact.id) unpublished.push(change.version);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(unpublished.sort()).toEqual([1, 2, 3, 4]);
  });

  it('enrolls the record in the other workflow for workflow:<id>, and writes the action lines once', async () => {
    // Prepare
    const world = await startWorld();
    // Act
    await executeTask(world.request('hand'), world.ports);
    await executeTask(world.request('hand'), world.ports);
    // Assess
    const next = await world.services.enrollments.history(
      world.next,
      { recordId: world.contact.id },
      { limit: 10 },
    );
    expect(next.results.map((line) => [line.event, line.reason])).toEqual([
      ['enrolled', `workflow:${world.onboarding}`],
    ]);
    const own = await world.services.enrollments.history(
      world.onboarding,
      { recordId: world.contact.id, event: 'action.completed' },
      { limit: 10 },
    );
    expect(own.results).toMatchObject([
      { actionId: 'hand', objectType: 'contacts', details: { type: 'enrollInWorkflow', enrolled: true } },
    ]);
  });

  it('ends the enrollment once at completion, publishing Enrollment Ended', async () => {
    // Prepare
    const world = await startWorld();
    // Act
    await executeTask(world.request(null, 'complete'), world.ports);
    await executeTask(world.request(null, 'complete'), world.ports);
    // Assess
    const page = await world.services.enrollments.page(world.onboarding, 'completed', { limit: 10 });
    expect(page.results.map((enrollment) => enrollment.id)).toEqual([world.ref.enrollmentId]);
    expect(world.published.filter((event) => event.detailType === 'Enrollment Ended')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ outcome: 'completed' }) }),
    ]);
  });

  it('keeps the latest event-wait token for the execution side, and forgets it', async () => {
    // Prepare
    const world = await startWorld();
    const criteria = [{ filters: [{ property: 'leadstatus', operator: 'eq' as const, value: 'connected' }] }];
    await world.ports.registerEventWait(world.ref, 'listen', 'token-1', criteria);
    await world.ports.registerEventWait(world.ref, 'listen', 'token-2', criteria);
    // Act
    const token = await world.eventWaits.eventWaitToken(world.ref.enrollmentId, 'listen');
    await world.eventWaits.forget(world.ref, 'listen');
    // Assess
    expect(token).toBe('token-2');
    expect(await world.eventWaits.eventWaitToken(world.ref.enrollmentId, 'listen')).toBeUndefined();
  });

  it('lets one outcome take a parked wait: again for the same outcome, never for the other; a token wait never', async () => {
    // Prepare
    const world = await startWorld();
    const timer = {
      executionId: 'arn:aws:states:eu-west-1:1:execution:wf:enr-c1',
      startedAt: '2026-11-30T08:00:00.000Z',
    };
    const criteria = [{ filters: [{ property: 'leadstatus', operator: 'eq' as const, value: 'connected' }] }];
    await world.ports.registerEventWait(world.ref, 'other', 'token-1', criteria);
    const before = await world.ports.parkedEventWait(world.ref, 'listen');
    await world.ports.parkEventWait(world.ref, 'listen', timer, '2026-12-07T08:00:00.000Z');
    const parked = await world.ports.parkedEventWait(world.ref, 'listen');
    // Act
    const claims = await Promise.all([
      world.ports.claimEventWait(world.ref, 'listen', 'timedOut'),
      world.ports.claimEventWait(world.ref, 'listen', 'met'),
    ]);
    const winner = claims[0] === 'won' ? 'timedOut' : 'met';
    const again = await world.ports.claimEventWait(world.ref, 'listen', winner);
    const tokenWait = await world.ports.claimEventWait(world.ref, 'other', 'met');
    const never = await world.ports.claimEventWait(world.ref, 'never-parked', 'met');
    const otherTimer = await world.ports.claimEventWait(world.ref, 'listen', winner, 'an-earlier-timer');
    const ownTimer = await world.ports.claimEventWait(world.ref, 'listen', winner, timer.executionId);
    await world.ports.settleEventWait(world.ref, 'listen');
    // Assess
    expect(before).toBeUndefined();
    expect(parked).toEqual({ timer });
    expect([...claims].sort()).toEqual(['lost', 'won']);
    expect([again, tokenWait, never]).toEqual(['won', 'lost', 'gone']);
    expect([otherTimer, ownTimer]).toEqual(['gone', 'won']);
    expect(await world.ports.parkedEventWait(world.ref, 'listen')).toEqual({ timer, claimedBy: winner });
    expect(await world.ports.parkedEventWait(world.ref, 'other')).toBeUndefined();
    const kept = await world.eventWaits.eventWait(world.ref.enrollmentId, 'listen');
    expect(kept).toEqual(
      expect.objectContaining({ timesOutAt: '2026-12-07T08:00:00.000Z', claimedBy: winner }),
    );
    expect(kept?.taskToken).toBeUndefined();
  });

  it('counts 20 concurrent attempts of one action as 20', async () => {
    // Prepare
    const world = await startWorld();
    // Act
    await Promise.all(Array.from({ length: 20 }, () => world.ports.countAttempt('exec-c', 'greet')));
    // Assess
    expect(await world.ports.attempts('exec-c', 'greet')).toBe(20);
    expect(await world.ports.attempts('exec-c', 'other')).toBe(0);
  });
});
