import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runExecutorTask } from '../../../shared/adapters/executor-task.ts';
import type { WorkflowSystem } from '../../../shared/adapters/workflow-system.ts';
import type { ExecutionState, TaskRequest } from '../../../shared/core/contract/task-contract.ts';
import type { WorkflowDefinitionInput } from '../../../shared/core/workflow/workflow.schema.ts';
import { deliveredEvent } from '../../helpers/bus-delivery.ts';
import {
  deploymentTable,
  type Handler,
  loadDeployedFunctions,
  MINUTE_CONTEXT,
  simulateStarts,
} from '../../helpers/deployed-functions.ts';
import { routeDocumentClient } from '../../helpers/in-memory-table.ts';

/**
 * An event wait longer than the parking threshold (24 hours by default) holds no execution: the wait is kept in the
 * table, its timeout parked as an execution; the record meeting the criteria starts the execution that goes on, or
 * the timeout does, never both.
 */

const table = deploymentTable();
const documents = routeDocumentClient(table);
const sfn = mockClient(SFNClient);
const bus = mockClient(EventBridgeClient);
const published: PutEventsRequestEntry[] = [];
const starts = simulateStarts(sfn);
const { started } = starts;

const context = MINUTE_CONTEXT;
let changePublisher: Handler;
let enrollment: Handler;
let resumer: Handler;
let system: WorkflowSystem;
let restore: () => void;

beforeAll(async () => {
  sfn.on(SendTaskSuccessCommand).resolves({});
  ({ changePublisher, enrollment, resumer, system, restore } = await loadDeployedFunctions({
    sfn,
    bus,
    published,
    documents,
    table,
  }));
});

afterAll(() => restore());

/** Leads wait up to a week for their lead status to be `connected`, then go on to `welcome`, else to `chase`. */
const replyOrChase = (name: string): WorkflowDefinitionInput => ({
  name,
  objectType: 'contacts',
  enrollment: {
    trigger: 'criteria',
    criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }] }],
  },
  startActionId: 'listen',
  actions: [
    {
      id: 'listen',
      type: 'delayUntilEvent',
      criteria: [{ filters: [{ property: 'leadstatus', operator: 'eq', value: 'connected' }] }],
      timeout: 'P7D',
      next: 'welcome',
      timeoutNext: 'chase',
    },
    { id: 'welcome', type: 'setProperty', property: 'leadstatus', value: 'in_progress', next: null },
    { id: 'chase', type: 'setProperty', property: 'leadstatus', value: 'bad_timing', next: null },
  ],
});

/** As `replyOrChase`, with three days' rest after `welcome` before `close`: the welcome's execution parks its successor. */
const replyThenRest = (name: string): WorkflowDefinitionInput => {
  const base = replyOrChase(name);
  return {
    ...base,
    actions: [
      ...base.actions.map((action) => (action.id === 'welcome' ? { ...action, next: 'rest' } : action)),
      { id: 'rest', type: 'delay', duration: 'P3D', next: 'close' },
      { id: 'close', type: 'setProperty', property: 'leadstatus', value: 'unqualified', next: null },
    ],
  } as WorkflowDefinitionInput;
};

/** As `replyOrChase`, with three days' rest between the reply and `welcome`: the answer parks its execution. */
const restAfterReply = (name: string): WorkflowDefinitionInput => {
  const base = replyOrChase(name);
  return {
    ...base,
    actions: [
      ...base.actions.map((action) => (action.id === 'listen' ? { ...action, next: 'rest' } : action)),
      { id: 'rest', type: 'delay', duration: 'P3D', next: 'welcome' },
    ],
  } as WorkflowDefinitionInput;
};

/** Runs a Task of `execution` (as Step Functions would) at the simulated now. */
const runTask = (
  execution: { executionArn: string },
  kind: TaskRequest['kind'],
  actionId: string,
  state: ExecutionState,
) =>
  runExecutorTask(
    { kind, actionId, state, executionId: execution.executionArn, startedAt: new Date().toISOString() },
    system.executorPorts,
  );

/** The enrollment function's answer to the lead's `listen` wait (as a change meeting its criteria asks for it). */
const answerListen = (workflowId: string, enrollmentId: string, recordId: string) =>
  system.control.ports.answerEventWait?.({
    workflowId,
    revision: 1,
    enrollmentId,
    objectType: 'contacts',
    recordId,
    actionId: 'listen',
  });

let previousWorkflow: string | undefined;

/** Delivers the changes the change publisher puts on the bus now, each twice (EventBridge delivers at least once). */
const deliverChanges = async (tag: string): Promise<void> => {
  published.length = 0;
  await changePublisher({}, context);
  const changes = published.filter((entry) => entry.DetailType === 'Record Changed');
  expect(changes.length).toBeGreaterThan(0);
  for (const [i, change] of changes.entries()) {
    await enrollment(deliveredEvent(change, `${tag}-${i}`), context);
    await enrollment(deliveredEvent(change, `${tag}-${i}`), context);
  }
};

/** A lead enrolled at `at` in a new workflow (the previous one deactivated), its first execution started. */
const enrolledLead = async (at: string, name: string, definition: WorkflowDefinitionInput) => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(at) });
  if (previousWorkflow) await system.activation.deactivate(previousWorkflow);
  const workflow = await system.services.workflows.create(definition);
  await system.activation.activate(workflow.id, { enrollExisting: false });
  previousWorkflow = workflow.id;
  const lead = await system.services.records.create('contacts', {
    lifecyclestage: 'lead',
    leadstatus: 'new',
  });
  started.length = 0;
  await deliverChanges(`${name}-enrolled`);
  expect(started).toHaveLength(1);
  const first = started[0]!;
  /** The first execution's wait Task. */
  const waitTask: TaskRequest = {
    kind: 'waitForEvent',
    actionId: 'listen',
    state: first.input,
    executionId: first.executionArn,
    startedAt: new Date(at).toISOString(),
    taskToken: 'token-of-the-first-execution',
  };
  return { workflowId: workflow.id, lead, first, waitTask };
};

/** A lead enrolled as `enrolledLead`, and its first execution's wait Task run: the wait parked. */
const parkedLead = async (at: string, name: string, definition = replyOrChase(name)) => {
  const enrolled = await enrolledLead(at, name, definition);
  const waiting = runExecutorTask(enrolled.waitTask, system.executorPorts);
  await expect(waiting).rejects.toMatchObject({ name: 'Workflow.Continued' });
  return enrolled;
};

/** How the record's `listen` wait ended, as its history says. */
const waitOutcomes = async (recordId: string): Promise<unknown[]> => {
  const page = await system.services.history.ofRecord('contacts', recordId, { limit: 100 });
  return page.results
    .filter((line) => line.event === 'action.completed' && line.actionId === 'listen')
    .map((line) => line.details?.outcome);
};

describe('a parked event wait over the deployed functions', () => {
  it('ends the waiting execution and starts nothing until the record meets the criteria or the week ends', async () => {
    // Prepare, Act
    const { first } = await parkedLead('2027-03-01T08:00:00Z', 'Parked');
    // Assess: the wait's Task ended its execution without answering its token; nothing else started
    expect(started.map((start) => start.name)).toEqual([first.name]);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    vi.setSystemTime(new Date('2027-03-05T08:00:00Z'));
    expect(await resumer({}, context)).toEqual({ started: 0 });
  });

  it('goes on along next in a new execution when the record meets the criteria, once, and the timeout then does nothing', async () => {
    // Prepare
    const { lead, first } = await parkedLead('2027-04-05T08:00:00Z', 'Met');
    vi.setSystemTime(new Date('2027-04-07T10:00:00Z'));
    // Act: the lead connects on the third day (its change delivered twice), then the week ends
    await system.services.records.update('contacts', lead.id, { leadstatus: 'connected' });
    await deliverChanges('met-connected');
    vi.setSystemTime(new Date('2027-04-12T08:00:00Z'));
    const atTimeout = await resumer({}, context);
    // Assess: one execution started, at `welcome`, now; it takes over from the parked timeout, which never starts
    expect(started.map((start) => start.name)).toEqual([first.name, `${first.name}-c2`]);
    expect(started[1]?.input).toMatchObject({ resumeAt: 'welcome', runAt: '2027-04-07T10:00:00.000Z' });
    expect(atTimeout).toEqual({ started: 0 });
    expect(starts.repeated).toBe(0);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(await waitOutcomes(lead.id)).toEqual(['met']);
  });

  it('goes on along timeoutNext when the week ends first, and a later change answers nothing', async () => {
    // Prepare
    const { lead, first } = await parkedLead('2027-05-03T08:00:00Z', 'TimedOut');
    // Act: the week ends; the resumer starts the parked timeout, whose Task runs; then the lead connects
    vi.setSystemTime(new Date('2027-05-10T08:00:00Z'));
    const atTimeout = await resumer({}, context);
    const timer = started[1];
    const timeoutTask: TaskRequest = {
      kind: 'eventTimeout',
      actionId: 'listen',
      state: timer!.input,
      executionId: timer!.executionArn,
      startedAt: '2027-05-10T08:00:00.000Z',
    };
    const timedOut = await runExecutorTask(timeoutTask, system.executorPorts);
    const retried = await runExecutorTask(timeoutTask, system.executorPorts);
    vi.setSystemTime(new Date('2027-05-10T09:00:00Z'));
    await system.services.records.update('contacts', lead.id, { leadstatus: 'connected' });
    await deliverChanges('late-connected');
    // Assess: the timeout's execution is the first's successor, started for the end of the week at the wait's
    // timeout path; its Task goes on to `chase` (again the same when retried); the late change starts nothing
    expect(atTimeout).toEqual({ started: 1 });
    expect(timer).toMatchObject({
      name: `${first.name}-c1`,
      input: { resumeAt: 'listen', eventTimedOut: true, runAt: '2027-05-10T08:00:00.000Z' },
    });
    expect(timedOut).toEqual({ enrollment: first.input.enrollment, runAt: '2027-05-10T08:00:00.000Z' });
    expect(retried).toEqual(timedOut);
    expect(started).toHaveLength(2);
    expect(starts.repeated).toBe(0);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    expect(await waitOutcomes(lead.id)).toEqual(['timedOut']);
  });

  it('changes nothing when the answer comes again after the enrollment moved past its execution', async () => {
    // Prepare: the lead connects; the welcome's execution runs and parks its successor for the three days' rest
    const { workflowId, lead, first } = await parkedLead(
      '2027-06-07T08:00:00Z',
      'Again',
      replyThenRest('Again'),
    );
    vi.setSystemTime(new Date('2027-06-08T10:00:00Z'));
    await system.services.records.update('contacts', lead.id, { leadstatus: 'connected' });
    await deliverChanges('again-connected');
    const welcome = started[1]!;
    const rested = await runTask(welcome, 'action', 'welcome', welcome.input);
    await expect(runTask(welcome, 'action', 'rest', rested!)).rejects.toMatchObject({
      name: 'Workflow.Continued',
    });
    // Act: the same answer asked for again (a delivery that read the wait's note before it was taken off)
    await answerListen(workflowId, first.name, lead.id);
    vi.setSystemTime(new Date('2027-06-11T10:00:00Z'));
    const afterRest = await resumer({}, context);
    // Assess: nothing started again; the rest's successor, still noted, started when due
    expect(starts.repeated).toBe(0);
    expect(afterRest).toEqual({ started: 1 });
    expect(started.map((start) => start.name)).toEqual([first.name, `${first.name}-c2`, `${first.name}-c3`]);
    expect(started[2]?.input).toMatchObject({ resumeAt: 'close' });
  });

  it('goes on along next at the timeout when the answer took the wait and never started its execution', async () => {
    // Prepare: the lead connects, and the answer's StartExecution fails (for good: its delivery ends in the DLQ)
    const { workflowId, lead, first } = await parkedLead('2027-07-05T08:00:00Z', 'Lost');
    vi.setSystemTime(new Date('2027-07-06T10:00:00Z'));
    await system.services.records.update('contacts', lead.id, { leadstatus: 'connected' });
    starts.refusals.push(
      Object.assign(new Error('state machine missing'), { name: 'StateMachineDoesNotExist' }),
    );
    const answering = answerListen(workflowId, first.name, lead.id);
    await expect(answering).rejects.toThrow('state machine missing');
    // Act: the week ends; the resumer starts the timeout's execution, whose Task runs
    vi.setSystemTime(new Date('2027-07-12T08:00:00Z'));
    await resumer({}, context);
    const timer = started[1]!;
    const ending = runTask(timer, 'eventTimeout', 'listen', timer.input);
    // Assess: the timeout's execution hands over to the answer's, along next, and ends
    await expect(ending).rejects.toMatchObject({ name: 'Workflow.Continued' });
    expect(started.map((start) => start.name)).toEqual([first.name, `${first.name}-c1`, `${first.name}-c2`]);
    expect(started[2]?.input).toMatchObject({ resumeAt: 'welcome' });
    expect(await waitOutcomes(lead.id)).toEqual(['met']);
  });

  it('a retried wait Task notes the parked execution its answer could not note: it starts when due', async () => {
    // Prepare: the wait Task's first attempt failed early; the lead connected before the second
    const { lead, first, waitTask } = await enrolledLead(
      '2027-08-02T08:00:00Z',
      'Unnoted',
      restAfterReply('Unnoted'),
    );
    await system.executorPorts.countAttempt(first.executionArn, 'listen');
    await system.services.records.update('contacts', lead.id, { leadstatus: 'connected' });
    // The table throttles the note of the answer's execution (parked for the rest), once
    const update = table.update.bind(table);
    let throttled = 0;
    table.update = (input) => {
      const arn = input.ExpressionAttributeValues?.[':arn'];
      if (throttled === 0 && typeof arn === 'string' && arn.endsWith(`${first.name}-c2`)) {
        throttled += 1;
        throw Object.assign(new Error('Throughput exceeds the table limit'), {
          name: 'ProvisionedThroughputExceededException',
          $metadata: { httpStatusCode: 400 },
        });
      }
      return update(input);
    };
    // Act: the second attempt fails on the note (Step Functions retries it), the third ends; then the rest ends
    const second = runExecutorTask(waitTask, system.executorPorts);
    await expect(second).rejects.toMatchObject({ name: 'Action.Transient' });
    table.update = update;
    const third = runExecutorTask(waitTask, system.executorPorts);
    await expect(third).rejects.toMatchObject({ name: 'Workflow.Continued' });
    vi.setSystemTime(new Date('2027-08-05T08:00:00Z'));
    const afterRest = await resumer({}, context);
    // Assess: the answer's execution, parked for the rest, started once when due
    expect(throttled).toBe(1);
    expect(afterRest).toEqual({ started: 1 });
    expect(started.map((start) => start.name)).toEqual([first.name, `${first.name}-c2`]);
    expect(started[1]?.input).toMatchObject({ resumeAt: 'welcome', runAt: '2027-08-05T08:00:00.000Z' });
  });
});
