import { describe, expect, it, vi } from 'vitest';
import { compileWorkflow } from '../../../shared/core/compiler/compile-workflow.ts';
import type { ExecutionState } from '../../../shared/core/contract/task-contract.ts';
import { ActionTransient } from '../../../shared/core/contract/task-errors.ts';
import { splitRoll } from '../../../shared/core/executor/choose-successor.ts';
import { eventMet } from '../../../shared/core/executor/execute-task.ts';
import { startExecution } from '../../../shared/core/executor/start-execution.ts';
import {
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
  WorkflowDefinitionSchema,
} from '../../../shared/core/workflow/workflow.schema.ts';
import {
  everyActionType,
  nurtureFrenchLeads,
  renewalReminders,
  waitForReply,
} from '../../fixtures/compiler-workflows.ts';
import { InMemoryWorld } from '../../helpers/in-memory-world.ts';
import { runLocally } from '../../helpers/run-local.ts';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:crm-workflows-executor';

/** A world holding the workflow and one record, and the input of an execution enrolling it now. */
const setUp = (
  workflow: WorkflowDefinition,
  objectType: string,
  properties: Record<string, string | number | null>,
  now: string,
  enrollmentId = 'enr-1',
) => {
  const world = new InMemoryWorld(now);
  world.addWorkflow('wf-1', 1, workflow);
  const recordId = world.addRecord(objectType, properties, 'rec-1');
  const enrollment = { workflowId: 'wf-1', revision: 1, enrollmentId, recordId, objectType };
  const start = startExecution(workflow, enrollment, new Date(now), properties);
  if (start.kind !== 'start') throw new Error('the record would leave at once');
  return { world, input: start.input, definition: compileWorkflow(workflow, { actionFunctionArn: ARN }) };
};

const parse = (input: WorkflowDefinitionInput) => WorkflowDefinitionSchema.parse(input);
const eventsOf = (world: InMemoryWorld) =>
  world.history.map((event) => [event.event, event.actionId ?? null]);

// Monday 30 November 2026, 09:00 in Paris.
const MONDAY_9_PARIS = '2026-11-30T08:00:00.000Z';

describe('compiled workflows executed by aws-local-stepfunctions', () => {
  it('runs the example of the contract: set, wait two days, hot branch, create a task', async () => {
    // Prepare
    const { world, input, definition } = setUp(
      nurtureFrenchLeads,
      'contacts',
      { firstname: 'Ada', score: 60, email: 'ada@example.fr' },
      MONDAY_9_PARIS,
    );
    // Act
    const run = await runLocally(definition, input, world);
    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.entered).toEqual([
      'Resume',
      'Wait:a1',
      'Run:a1',
      'Wait:a3',
      'Run:a3',
      'Route:a3',
      'Wait:a4',
      'Run:a4',
      'Done',
    ]);
    expect(run.tasks).toEqual([
      { state: 'Run:a1', at: '2026-11-30T08:00:00.000Z' },
      { state: 'Run:a3', at: '2026-12-02T08:00:00.000Z' },
      { state: 'Run:a4', at: '2026-12-02T08:00:00.000Z' },
    ]);
    expect(world.properties('rec-1').leadstatus).toBe('open');
    const task = [...world.records.values()].find((record) => record.objectType === 'tasks');
    expect(task?.properties).toMatchObject({ title: 'Call Ada', dueDate: '2026-12-03T08:00:00.000Z' });
    expect(eventsOf(world)).toEqual([
      ['action.completed', 'a1'],
      ['action.scheduled', 'a3'],
      ['branch.taken', 'a3'],
      ['action.completed', 'a4'],
      ['completed', null],
    ]);
    expect(world.ended).toEqual([expect.objectContaining({ outcome: 'completed' })]);
  });

  it('takes the default branch and sends the email', async () => {
    const { world, input, definition } = setUp(
      nurtureFrenchLeads,
      'contacts',
      { firstname: 'Léa', score: 10, email: 'lea@example.fr' },
      MONDAY_9_PARIS,
    );
    const run = await runLocally(definition, input, world);
    expect(run.entered).toContain('Run:a5');
    expect(world.outbox).toEqual([
      { kind: 'email', to: 'lea@example.fr', subject: 'Bonjour Léa', body: '…' },
    ]);
    expect(world.history.find((event) => event.event === 'branch.taken')?.details).toEqual({
      branch: 'default',
      index: 1,
    });
  });

  it('holds an action due on a weekend until the next window, spread over its first 15 minutes', async () => {
    // Prepare: enrolled on Saturday 28 November, 12:00 Paris
    const { world, input, definition } = setUp(
      nurtureFrenchLeads,
      'contacts',
      { firstname: 'Ada', score: 60 },
      '2026-11-28T11:00:00.000Z',
    );
    // Act
    const run = await runLocally(definition, input, world);
    // Assess: Monday 30 November, 09:00–09:15 Paris
    const ranAt = run.tasks[0]?.at ?? '';
    expect(run.tasks[0]?.state).toBe('Run:a1');
    expect(ranAt >= '2026-11-30T08:00:00.000Z' && ranAt < '2026-11-30T08:15:00.000Z').toBe(true);
    expect(input.runAt).toBe(ranAt);
  });

  it('schedules the action after a delay into the next window when the delay ends outside it', async () => {
    // Prepare: enrolled Thursday 3 December 16:30 Paris; the branch comes Saturday, the task waits for Monday
    const start = '2026-12-03T15:30:00.000Z';
    const { world, input, definition } = setUp(
      nurtureFrenchLeads,
      'contacts',
      { firstname: 'Ada', score: 60 },
      start,
    );
    // Act
    const run = await runLocally(definition, input, world);
    // Assess
    const ranAt = run.tasks.find((task) => task.state === 'Run:a4')?.at ?? '';
    expect(run.tasks.find((task) => task.state === 'Run:a3')?.at).toBe('2026-12-05T15:30:00.000Z');
    expect(ranAt >= '2026-12-07T08:00:00.000Z' && ranAt < '2026-12-07T08:15:00.000Z').toBe(true);
    expect(world.events('action.scheduled').map((event) => event.details?.runAt)).toContain(ranAt);
  });

  it('runs every action type of the deal hand-off', async () => {
    // Prepare: the split draws from the enrollment and action ids; "enr-2:split" falls on the first path.
    const { world, input, definition } = setUp(
      everyActionType,
      'deals',
      { dealname: 'ACME', amount: 900, closedate: '2026-11-20', ownerId: 'u9' },
      MONDAY_9_PARIS,
      'enr-2',
    );
    world.addRecord('companies', { name: 'ACME', industry: 'Software' }, 'co-1');
    world.associate('rec-1', 'co-1');
    world.addToList('open-deals', 'rec-1');
    // Act
    const run = await runLocally(definition, input, world);
    // Assess
    expect(run.status).toBe('succeeded');
    expect(world.properties('rec-1')).toMatchObject({
      pipeline: 'onboarding',
      dealname: 'Software',
      closedate: null,
      amount: 1000,
      ownerId: 'u1',
    });
    const created = [...world.records.values()].filter(
      (record) => record.objectType !== 'deals' && record.objectType !== 'companies',
    );
    expect(
      created.map((record) => [record.objectType, record.properties.subject ?? record.properties.title]),
    ).toEqual([
      ['tickets', 'Onboard Software'],
      ['tasks', 'Kick-off for Software'],
    ]);
    expect(world.outbox).toEqual([
      { kind: 'notification', message: 'Deal Software won' },
      { kind: 'email', to: 'Software', subject: 'Welcome', body: 'Thanks for Software' },
    ]);
    expect(world.webhookCalls.map((call) => call.url)).toEqual(['https://hooks.example.com/won']);
    expect([...(world.lists.get('won-deals') ?? [])]).toEqual(['rec-1']);
    expect([...(world.lists.get('open-deals') ?? [])]).toEqual([]);
    expect(world.published).toEqual([{ detailType: 'Deal Won', recordId: 'rec-1' }]);
    expect(world.enrolledElsewhere).toEqual([{ workflowId: 'wf-onboarding', recordId: 'rec-1' }]);
    expect(world.events('branch.taken').map((event) => event.details)).toEqual([
      { branch: 'onboarding', index: 0 },
      { branch: '50%', index: 0 },
    ]);
  });

  it('takes the other path of a random split and the default of a value branch', async () => {
    // "enr-1:split" falls on the second path.
    const { world, input, definition } = setUp(everyActionType, 'deals', { dealname: 'X' }, MONDAY_9_PARIS);
    const run = await runLocally(definition, input, world);
    expect(run.entered).not.toContain('Run:email');
    expect(run.entered.at(-1)).toBe('Done');
    expect(world.events('branch.taken').at(-1)?.details).toEqual({ branch: '50%', index: 1 });
  });

  it('leaves through Exit when the record meets the goal mid-way', async () => {
    // Prepare
    const { world, input, definition } = setUp(
      nurtureFrenchLeads,
      'contacts',
      { firstname: 'Ada', score: 60 },
      MONDAY_9_PARIS,
    );
    // Act: during the two-day delay the contact becomes a customer
    const run = await runLocally(definition, input, world, {
      beforeTask: (state) => {
        if (state === 'Run:a3') world.properties('rec-1').lifecyclestage = 'customer';
      },
    });
    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.entered.slice(-2)).toEqual(['Run:a3', 'Exit']);
    expect(world.events('goal.met')).toEqual([expect.objectContaining({ actionId: 'a3' })]);
    expect(world.ended).toEqual([expect.objectContaining({ outcome: 'goal_met' })]);
    expect([...world.records.values()].some((record) => record.objectType === 'tasks')).toBe(false);
  });

  it('unenrolls a record added to a suppression list while enrolled', async () => {
    const workflow = parse({
      ...structuredClone(nurtureFrenchLeads),
      settings: { ...nurtureFrenchLeads.settings, suppressionLists: ['do-not-contact'] },
    });
    const { world, input, definition } = setUp(
      workflow,
      'contacts',
      { firstname: 'Ada', score: 5, email: 'a@b.c' },
      MONDAY_9_PARIS,
    );
    const run = await runLocally(definition, input, world, {
      beforeTask: (state) => {
        if (state === 'Run:a5') world.addToList('do-not-contact', 'rec-1');
      },
    });
    expect(run.entered.at(-1)).toBe('Exit');
    expect(world.events('unenrolled')).toEqual([
      expect.objectContaining({ reason: 'suppressed', actionId: 'a5' }),
    ]);
    expect(world.outbox).toEqual([]);
  });

  it('retries a transient fault, then succeeds', async () => {
    const { world, input, definition } = setUp(
      nurtureFrenchLeads,
      'contacts',
      { firstname: 'Ada', score: 60 },
      MONDAY_9_PARIS,
    );
    world.faults.set('a1', { error: new ActionTransient('the store did not answer'), times: 2 });
    const run = await runLocally(definition, input, world);
    expect(run.status).toBe('succeeded');
    expect(run.events.filter((event) => event.type === 'StateRetried')).toHaveLength(2);
    expect(world.events('action.completed')[0]).toMatchObject({ actionId: 'a1', details: { attempt: 3 } });
    expect(world.events('action.failed')).toEqual([]);
  });

  it('retries a webhook answering 503 and 429, then succeeds', async () => {
    const { world, input, definition } = setUp(everyActionType, 'deals', { dealname: 'X' }, MONDAY_9_PARIS);
    world.webhookStatuses = [503, 429, 200];
    const run = await runLocally(definition, input, world);
    expect(run.status).toBe('succeeded');
    expect(world.webhookCalls).toHaveLength(3);
    expect(world.events('action.completed').find((event) => event.actionId === 'hook')?.details).toEqual({
      type: 'webhook',
      attempt: 3,
    });
  });

  it('records a webhook refused with 404 without retrying, and continues (onError: continue)', async () => {
    const { world, input, definition } = setUp(everyActionType, 'deals', { dealname: 'X' }, MONDAY_9_PARIS);
    world.webhookStatuses = [404];
    const run = await runLocally(definition, input, world);
    expect(run.status).toBe('succeeded');
    expect(world.webhookCalls).toHaveLength(1);
    expect(run.entered).toContain('Failed:hook');
    expect(world.events('action.failed')).toEqual([
      expect.objectContaining({
        actionId: 'hook',
        details: { error: 'Webhook.Rejected', cause: expect.stringContaining('404'), attempts: 1 },
      }),
    ]);
    expect(run.entered).toContain('Run:list');
    expect(world.ended.at(-1)?.outcome).toBe('completed');
  });

  it('records an email with no address as failed and goes on', async () => {
    const { world, input, definition } = setUp(
      nurtureFrenchLeads,
      'contacts',
      { firstname: 'Léa', score: 1 },
      MONDAY_9_PARIS,
    );
    const run = await runLocally(definition, input, world);
    expect(run.status).toBe('succeeded');
    expect(run.entered.slice(-3)).toEqual(['Run:a5', 'Failed:a5', 'Done']);
    expect(world.events('action.failed')[0]?.details).toMatchObject({
      error: 'Action.NotApplicable',
      attempts: 1,
    });
    expect(world.ended).toEqual([expect.objectContaining({ outcome: 'completed' })]);
  });

  it('stops at a failed action whose onError is stop: the enrollment fails, resumable at that action', async () => {
    // Prepare: expires in 60 days, so both reminders wait for their instants
    const { world, input, definition } = setUp(
      renewalReminders,
      'quotes',
      { title: 'Q-7', expirationdate: '2027-01-29' },
      MONDAY_9_PARIS,
    );
    world.webhookStatuses = [400];
    // Act
    const run = await runLocally(definition, input, world);
    // Assess
    expect(run.status).toBe('failed');
    expect(run.error).toContain('Workflow.Stopped');
    expect(run.entered.slice(-3)).toEqual(['Run:second', 'Failed:second', 'Stopped']);
    expect(world.ended).toEqual([
      expect.objectContaining({ outcome: 'failed', actionId: 'second', reason: 'Webhook.Rejected' }),
    ]);
    // 30 days before 29 January 09:00 New York, then 7 days before
    expect(run.tasks.map((task) => [task.state, task.at])).toEqual([
      ['Run:first', '2026-12-30T14:00:00.000Z'],
      ['Run:second', '2027-01-22T14:00:00.000Z'],
      ['Failed:second', '2027-01-22T14:00:00.000Z'],
    ]);
  });

  it('skips forward to the next anchor delay when the first instant has passed', async () => {
    const { world, input, definition } = setUp(
      renewalReminders,
      'quotes',
      { title: 'Q-8', expirationdate: '2026-12-20' },
      MONDAY_9_PARIS,
    );
    const run = await runLocally(definition, input, world);
    expect(run.status).toBe('succeeded');
    expect(eventsOf(world).slice(0, 2)).toEqual([
      ['action.skipped', 'first'],
      ['action.scheduled', 'second'],
    ]);
    expect(input.skipping).toBe(true);
    expect(world.outbox).toEqual([]);
    expect(run.tasks.at(-1)).toEqual({ state: 'Run:second', at: '2026-12-13T14:00:00.000Z' });
  });

  it('goes on when the awaited event happens', async () => {
    const { world, input, definition } = setUp(
      waitForReply,
      'tickets',
      { subject: 'Help', content: 'c@x.io', status: 'new' },
      MONDAY_9_PARIS,
    );
    const run = await runLocally(definition, input, world, {
      onWait: async (token) => {
        world.advanceTo('2026-12-01T10:00:00.000Z');
        world.properties('rec-1').status = 'closed';
        const wait = world.eventWaits.get(token);
        if (!wait) throw new Error('no wait registered');
        await world
          .ports()
          .succeedEventWait(
            token,
            await eventMet(
              input,
              wait.actionId,
              { executionId: 'exec', startedAt: MONDAY_9_PARIS },
              world.ports(),
            ),
          );
        return 'met';
      },
    });
    expect(run.status).toBe('succeeded');
    expect(run.entered).toEqual([
      'Resume',
      'Wait:ask',
      'Run:ask',
      'Run:wait',
      'Wait:thanks',
      'Run:thanks',
      'Done',
    ]);
    expect(world.properties('rec-1').priority).toBe('low');
    expect(
      world.events('action.completed').find((event) => event.actionId === 'wait')?.details,
    ).toMatchObject({ outcome: 'met' });
  });

  it('goes on at once when the record already meets the awaited criteria', async () => {
    const { world, input, definition } = setUp(
      waitForReply,
      'tickets',
      { content: 'c@x.io', status: 'closed' },
      MONDAY_9_PARIS,
    );
    const run = await runLocally(definition, input, world, { onWait: async () => 'timeout' });
    expect(run.entered).toContain('Run:thanks');
    expect(world.eventWaits.size).toBe(0);
  });

  it('follows timeoutNext when the awaited event does not come', async () => {
    const { world, input, definition } = setUp(
      waitForReply,
      'tickets',
      { content: 'c@x.io', status: 'new' },
      MONDAY_9_PARIS,
    );
    const run = await runLocally(definition, input, world, {
      onWait: async () => {
        world.advanceTo('2026-12-03T08:00:00.000Z');
        return 'timeout';
      },
    });
    expect(run.status).toBe('succeeded');
    expect(run.entered.slice(3)).toEqual([
      'Run:wait',
      'TimedOut:wait',
      'Wait:escalate',
      'Run:escalate',
      'Wait:$end',
      'Complete',
      'Done',
    ]);
    expect(run.tasks.find((task) => task.state === 'Run:escalate')?.at).toBe('2026-12-03T12:00:00.000Z');
    expect(run.tasks.at(-1)).toEqual({ state: 'Complete', at: '2026-12-04T12:00:00.000Z' });
    expect(world.properties('rec-1').priority).toBe('high');
  });

  /** The timeout execution of waitForReply's parked wait, due Thursday; the wait kept, taken by `claimedBy` if set. */
  const parkedTimeout = async (claimedBy?: 'met' | 'timedOut') => {
    const due = '2026-12-03T08:00:00.000Z';
    const { world, input, definition } = setUp(
      waitForReply,
      'tickets',
      { content: 'c@x.io', status: 'new' },
      due,
    );
    world.parkedWaits.set('enr-1#wait', {
      timer: 'timer',
      timesOutAt: due,
      noted: claimedBy === undefined,
      ...(claimedBy ? { claimedBy } : {}),
    });
    const due2 = { ...input, runAt: due, resumeAt: 'wait', eventTimedOut: true };
    const run = await runLocally(definition, due2, world, { executionId: 'timer' });
    return { world, run };
  };

  it("starts a parked wait's timeout execution at its timeout path, then follows timeoutNext", async () => {
    const { world, run } = await parkedTimeout();
    expect(run.status).toBe('succeeded');
    expect(run.entered.slice(0, 5)).toEqual([
      'Resume',
      'TimeoutWait:wait',
      'TimedOut:wait',
      'Wait:escalate',
      'Run:escalate',
    ]);
    expect(world.properties('rec-1').priority).toBe('high');
  });

  it("ends a parked wait's timeout execution through Continued when the record met the criteria first", async () => {
    const { world, run } = await parkedTimeout('met');
    expect(run.status).toBe('succeeded');
    expect(run.entered).toEqual(['Resume', 'TimeoutWait:wait', 'TimedOut:wait', 'Continued']);
    expect(world.properties('rec-1').priority).not.toBe('high');
  });

  it('times out a parked wait in a machine compiled before TimeoutWait: along timeoutNext in a new execution', async () => {
    const { world, input, definition } = setUp(
      waitForReply,
      'tickets',
      { content: 'c@x.io', status: 'new' },
      '2026-12-03T08:00:00.000Z',
    );
    const resume = definition.States.Resume as { Choices: { And?: unknown }[] };
    resume.Choices = resume.Choices.filter((choice) => choice.And === undefined);
    delete definition.States['TimeoutWait:wait'];
    world.parkedWaits.set('enr-1#wait', {
      timer: 'timer',
      timesOutAt: '2026-12-03T08:00:00.000Z',
      noted: true,
    });
    const due = { ...input, runAt: '2026-12-03T08:00:00.000Z', resumeAt: 'wait', eventTimedOut: true };
    const run = await runLocally(definition, due, world, { executionId: 'timer' });
    expect(run.entered).toEqual(['Resume', 'Wait:wait', 'Run:wait', 'Continued']);
    expect(world.continuations).toEqual([expect.objectContaining({ resumeAt: 'escalate' })]);
  });

  it('times out on the state timeout itself', async () => {
    const workflow = parse({
      name: 'Short wait',
      objectType: 'tickets',
      enrollment: { trigger: 'manual' },
      startActionId: 'wait',
      actions: [
        {
          id: 'wait',
          type: 'delayUntilEvent',
          criteria: [{ filters: [{ property: 'status', operator: 'eq', value: 'closed' }] }],
          timeout: 'PT1S',
          timeoutNext: 'late',
        },
        { id: 'late', type: 'setProperty', property: 'priority', value: 'high', next: null },
      ],
    });
    const { world, input, definition } = setUp(workflow, 'tickets', { status: 'new' }, MONDAY_9_PARIS);
    // The package times the state with setTimeout: fake timers let its second pass without waiting for it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // Act: nobody answers the token
      const running = runLocally(definition, input, world, { onWait: () => new Promise(() => undefined) });
      await vi.advanceTimersByTimeAsync(999);
      expect(world.events('action.completed')).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      const run = await running;
      // Assess
      expect(run.entered).toEqual(['Resume', 'Run:wait', 'TimedOut:wait', 'Wait:late', 'Run:late', 'Done']);
    } finally {
      vi.useRealTimers();
    }
    expect(world.properties('rec-1').priority).toBe('high');
  });

  it('resumes at an action, and at a delay through the Wait its edge leads to', async () => {
    const first = setUp(
      nurtureFrenchLeads,
      'contacts',
      { firstname: 'Ada', score: 1, email: 'a@b.c' },
      MONDAY_9_PARIS,
    );
    const atEmail = await runLocally(first.definition, { ...first.input, resumeAt: 'a5' }, first.world);
    expect(atEmail.entered).toEqual(['Resume', 'Wait:a5', 'Run:a5', 'Done']);
    expect(first.world.properties('rec-1').leadstatus).toBeUndefined();

    const second = setUp(nurtureFrenchLeads, 'contacts', { firstname: 'Ada', score: 99 }, MONDAY_9_PARIS);
    const atDelay = await runLocally(second.definition, { ...second.input, resumeAt: 'a2' }, second.world);
    expect(atDelay.entered.slice(0, 4)).toEqual(['Resume', 'Wait:a3', 'Run:a3', 'Route:a3']);
  });

  it('fails clearly when asked to resume at an action the revision does not have', async () => {
    const { world, input, definition } = setUp(nurtureFrenchLeads, 'contacts', {}, MONDAY_9_PARIS);
    const run = await runLocally(definition, { ...input, resumeAt: 'gone' }, world);
    expect(run.status).toBe('failed');
    expect(run.entered).toEqual(['Resume', 'UnknownResumeAction']);
  });

  it('unenrolls a record deleted while it waited', async () => {
    const { world, input, definition } = setUp(nurtureFrenchLeads, 'contacts', { score: 60 }, MONDAY_9_PARIS);
    const run = await runLocally(definition, input, world, {
      beforeTask: (state) => {
        if (state === 'Run:a3') world.records.delete('rec-1');
      },
    });
    expect(run.entered.at(-1)).toBe('Exit');
    expect(world.events('unenrolled')).toEqual([expect.objectContaining({ reason: 'record_deleted' })]);
  });
});

describe('executions that outlive a year, bookkeeping faults and retries', () => {
  const longWait = parse({
    name: 'Anniversary follow-up',
    objectType: 'contacts',
    enrollment: { trigger: 'manual' },
    startActionId: 'wait',
    actions: [
      { id: 'wait', type: 'delay', duration: 'P400D', next: 'note' },
      { id: 'note', type: 'sendNotification', message: 'A year and a bit with {{firstname}}', next: null },
    ],
  });

  it('sleeps at most 360 days, then a new execution resumes at the action and runs it on time', async () => {
    // Prepare
    const { world, input, definition } = setUp(longWait, 'contacts', { firstname: 'Ada' }, MONDAY_9_PARIS);
    // Act: the first execution
    const first = await runLocally(definition, input, world);
    // Assess: it slept until its horizon and handed over
    expect(input.runAt).toBe('2027-11-25T08:00:00.000Z');
    expect(input.continueAt).toEqual({ resumeAt: 'note', runAt: '2028-01-04T08:00:00.000Z' });
    expect(first.status).toBe('succeeded');
    expect(first.entered).toEqual(['Resume', 'Wait:note', 'Run:note', 'Continued']);
    expect(world.outbox).toEqual([]);
    expect(world.continuations).toEqual([
      { enrollment: input.enrollment, runAt: '2028-01-04T08:00:00.000Z', resumeAt: 'note' },
    ]);
    // Act: the execution that took over
    const second = await runLocally(definition, world.continuations[0] as ExecutionState, world);
    // Assess
    expect(second.entered).toEqual(['Resume', 'Wait:note', 'Run:note', 'Done']);
    expect(second.tasks).toEqual([{ state: 'Run:note', at: '2028-01-04T08:00:00.000Z' }]);
    expect(world.outbox).toEqual([{ kind: 'notification', message: 'A year and a bit with Ada' }]);
    expect(world.ended).toEqual([expect.objectContaining({ outcome: 'completed' })]);
  });

  it('hands a trailing wait past the horizon over to a new execution at the delay', async () => {
    const trailing = parse({
      name: 'Cool-down',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId: 'tag',
      actions: [
        { id: 'tag', type: 'addToList', listId: 'cooling', next: 'rest' },
        { id: 'rest', type: 'delay', duration: 'P2Y', next: null },
      ],
    });
    const { world, input, definition } = setUp(trailing, 'contacts', {}, MONDAY_9_PARIS);
    const first = await runLocally(definition, input, world);
    expect(first.entered).toEqual(['Resume', 'Wait:tag', 'Run:tag', 'Wait:$end', 'Complete', 'Continued']);
    expect(world.continuations[0]).toMatchObject({ resumeAt: 'rest', runAt: '2028-11-19T08:00:00.000Z' });
    expect(world.continuations[0]?.continueAt).toEqual({
      resumeAt: 'rest',
      runAt: '2028-11-30T08:00:00.000Z',
    });
    expect(world.ended).toEqual([]);
  });

  it('continues an event wait in a new execution when its timeout would outlive this one', async () => {
    const late = parse({
      name: 'Late wait',
      objectType: 'tickets',
      enrollment: { trigger: 'manual' },
      startActionId: 'pause',
      actions: [
        { id: 'pause', type: 'delay', duration: 'P350D', next: 'wait' },
        {
          id: 'wait',
          type: 'delayUntilEvent',
          criteria: [{ filters: [{ property: 'status', operator: 'eq', value: 'closed' }] }],
          timeout: 'P30D',
          next: null,
          timeoutNext: null,
        },
      ],
    });
    const { world, input, definition } = setUp(late, 'tickets', { status: 'new' }, MONDAY_9_PARIS);
    const run = await runLocally(definition, input, world, { onWait: async () => 'timeout' });
    expect(run.entered).toEqual(['Resume', 'Wait:wait', 'Run:wait', 'Continued']);
    expect(world.eventWaits.size).toBe(0);
    expect(world.continuations).toEqual([
      { enrollment: input.enrollment, runAt: '2027-11-15T08:00:00.000Z', resumeAt: 'wait' },
    ]);
  });

  it('reads what an action wrote when it folds the delays after it', async () => {
    // Prepare: the action sets the close date that the next delay waits for
    const workflow = parse({
      name: 'Close-date reminder',
      objectType: 'deals',
      enrollment: { trigger: 'manual' },
      startActionId: 'set',
      actions: [
        { id: 'set', type: 'setProperty', property: 'closedate', value: '2027-01-10', next: 'until' },
        { id: 'until', type: 'delayUntilDate', property: 'closedate', time: '09:00', next: 'remind' },
        { id: 'remind', type: 'sendNotification', message: '{{dealname}} closes today', next: null },
      ],
    });
    const { world, input, definition } = setUp(workflow, 'deals', { dealname: 'ACME' }, MONDAY_9_PARIS);
    // Act
    const run = await runLocally(definition, input, world);
    // Assess: 10 January 2027, 09:00 UTC
    expect(run.tasks.at(-1)).toEqual({ state: 'Run:remind', at: '2027-01-10T09:00:00.000Z' });
  });

  it('retries a bookkeeping step that fails, so the failure is still recorded', async () => {
    const { world, input, definition } = setUp(
      nurtureFrenchLeads,
      'contacts',
      { firstname: 'Léa', score: 1 },
      MONDAY_9_PARIS,
    );
    world.historyFaults.set('action.failed', { name: 'ProvisionedThroughputExceededException', times: 2 });
    const run = await runLocally(definition, input, world);
    expect(run.status).toBe('succeeded');
    expect(run.entered.slice(-3)).toEqual(['Run:a5', 'Failed:a5', 'Done']);
    expect(world.events('action.failed')).toHaveLength(1);
    expect(world.ended).toEqual([expect.objectContaining({ outcome: 'completed' })]);
  });

  it('does not send an email twice when a new execution of the same enrollment resumes at the action', async () => {
    const { world, input, definition } = setUp(
      nurtureFrenchLeads,
      'contacts',
      { firstname: 'Léa', score: 1, email: 'l@x.io' },
      MONDAY_9_PARIS,
    );
    await runLocally(definition, { ...input, resumeAt: 'a5' }, world, { executionId: 'first' });
    await runLocally(definition, { ...input, resumeAt: 'a5' }, world, { executionId: 'retry' });
    expect(world.outbox).toHaveLength(1);
  });

  it('counts an attempt that fails before the action runs', async () => {
    const { world, input, definition } = setUp(nurtureFrenchLeads, 'contacts', { score: 60 }, MONDAY_9_PARIS);
    world.historyFaults.set('branch.taken', { name: 'Store.Broken', times: 1 });
    const run = await runLocally(definition, input, world);
    expect(run.entered.slice(-3)).toEqual(['Run:a3', 'Failed:a3', 'Stopped']);
    expect(world.events('action.failed')[0]).toMatchObject({
      actionId: 'a3',
      details: { error: 'Store.Broken', attempts: 1 },
    });
  });
});

describe('splitRoll', () => {
  it('draws the same number for the same enrollment and split', () => {
    expect(splitRoll('enr-9:split')).toBe(splitRoll('enr-9:split'));
    expect(splitRoll('enr-9:split')).not.toBe(splitRoll('enr-9:other'));
  });

  it('spreads enrollments evenly over [0, 100)', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const roll = splitRoll(`enr-${i}:split`);
      expect(roll >= 0 && roll < 100).toBe(true);
      buckets[Math.floor(roll / 10)] = (buckets[Math.floor(roll / 10)] ?? 0) + 1;
    }
    for (const count of buckets) expect(Math.abs(count - 2_000)).toBeLessThan(200);
  });
});
