import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileWorkflow } from '../../../shared/core/compiler/compile-workflow.ts';
import type { TaskRequest } from '../../../shared/core/contract/task-contract.ts';
import { ActionTransient } from '../../../shared/core/contract/task-errors.ts';
import { executeTask } from '../../../shared/core/executor/execute-task.ts';
import type { Properties } from '../../../shared/core/records/record.schema.ts';
import type { WorkflowDefinition } from '../../../shared/core/workflow/workflow.schema.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import {
  createDurableStepFunctions,
  type DurableStepFunctions,
} from '../../../shared/runtime/step-functions/durable-step-functions.ts';
import {
  createExecutionStore,
  type ExecutionStore,
} from '../../../shared/runtime/step-functions/execution-store.ts';
import { nurtureFrenchLeads, waitForReply } from '../../fixtures/compiler-workflows.ts';
import { InMemoryWorld } from '../../helpers/in-memory-world.ts';

const FUNCTION_ARN = 'arn:aws:lambda:local:000000000000:function:crm-workflows-executor';
const ROLE_ARN = 'arn:aws:iam::000000000000:role/crm-workflows-states';

let db: LocalDynamoDB;
let store: ExecutionStore;

beforeAll(async () => {
  db = await startLocalDynamoDB({ tableName: 'durable-sfn' });
  store = createExecutionStore(DynamoDBDocumentClient.from(db.client), db.tableName);
});
afterAll(() => db.close());

let names = 0;

/** An engine over the shared store whose Tasks run the executor over an in-memory world (a "process"). */
const engineFor = (world: InMemoryWorld): DurableStepFunctions => {
  const engine: DurableStepFunctions = createDurableStepFunctions({
    store,
    clock: { now: () => world.now },
    invokeFunction: async (functionArn, payload) => {
      expect(functionArn).toBe(FUNCTION_ARN);
      return executeTask(payload as TaskRequest, {
        ...world.ports(),
        succeedEventWait: (token, state) => engine.sendTaskSuccess(token, state),
      });
    },
    logError: (error) => {
      throw error;
    },
  });
  return engine;
};

const setUp = async (workflow: WorkflowDefinition, properties: Properties, objectType: string) => {
  const world = new InMemoryWorld('2026-03-02T10:00:00.000Z'); // a Monday, 11:00 in Paris
  const engine = engineFor(world);
  const workflowId = `wf-${++names}`;
  world.addWorkflow(workflowId, 1, workflow);
  const recordId = world.addRecord(objectType, properties);
  const { stateMachineArn } = await engine.createStateMachine({
    name: `crm-wf-${workflowId}-r1`,
    definition: JSON.stringify(compileWorkflow(workflow, { actionFunctionArn: FUNCTION_ARN })),
    roleArn: ROLE_ARN,
  });
  const enrollment = { workflowId, revision: 1, enrollmentId: `enr-${names}`, recordId, objectType };
  return { world, engine, stateMachineArn, enrollment, recordId };
};

describe('durable Step Functions of the embedded runtime', () => {
  it('runs to a delay, keeps it as a timer in the table, and goes on when the clock reaches it', async () => {
    const { world, engine, stateMachineArn, enrollment, recordId } = await setUp(
      nurtureFrenchLeads,
      { lifecyclestage: 'lead', country: 'FR', firstname: 'Ada', email: 'ada@example.com', score: 10 },
      'contacts',
    );
    const { executionArn } = await engine.startExecution({
      stateMachineArn,
      name: enrollment.enrollmentId,
      input: JSON.stringify({ enrollment, runAt: world.now.toISOString() }),
    });
    await engine.fireDue();
    expect(world.properties(recordId).leadstatus).toBe('open');
    const waiting = await engine.describeExecution(executionArn);
    expect(waiting.status).toBe('RUNNING');
    // Two days later, inside the Paris window: Wednesday 11:00 Paris, within the 15-minute spread.
    const dueAt = Date.parse(waiting.dueAt as string);
    expect(dueAt).toBeGreaterThanOrEqual(Date.parse('2026-03-04T10:00:00.000Z'));
    expect(dueAt).toBeLessThan(Date.parse('2026-03-04T10:15:00.000Z'));
    expect(await engine.fireDue()).toBe(0);

    // Another process over the same table takes over: nothing of the wait was in memory.
    world.advanceTo(waiting.dueAt as string);
    const restarted = engineFor(world);
    expect(await restarted.fireDue()).toBe(1);
    const done = await restarted.describeExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(world.events('branch.taken').map((event) => event.details?.branch)).toEqual(['default']);
    expect(world.outbox.map((mail) => mail.subject)).toEqual(['Bonjour Ada']);
  });

  it('answers a start with a name used before with the same execution, and refuses another input', async () => {
    const { world, engine, stateMachineArn, enrollment } = await setUp(
      nurtureFrenchLeads,
      { lifecyclestage: 'lead', country: 'FR' },
      'contacts',
    );
    const input = JSON.stringify({ enrollment, runAt: world.now.toISOString() });
    const first = await engine.startExecution({ stateMachineArn, name: 'same-name', input });
    const again = await engine.startExecution({ stateMachineArn, name: 'same-name', input });
    expect(again.executionArn).toBe(first.executionArn);
    await expect(
      engine.startExecution({ stateMachineArn, name: 'same-name', input: JSON.stringify({ other: true }) }),
    ).rejects.toMatchObject({ type: 'ExecutionAlreadyExists' });
    await engine.fireDue();
    expect(world.events('action.completed')).toHaveLength(1);
  });

  it('keeps a retry interval as a timer: the Task runs again only once the interval has passed', async () => {
    const { world, engine, stateMachineArn, enrollment, recordId } = await setUp(
      nurtureFrenchLeads,
      { lifecyclestage: 'lead', country: 'FR' },
      'contacts',
    );
    world.faults.set('a1', { error: new ActionTransient('store busy'), times: 1 });
    const { executionArn } = await engine.startExecution({
      stateMachineArn,
      name: enrollment.enrollmentId,
      input: JSON.stringify({ enrollment, runAt: world.now.toISOString() }),
    });
    await engine.fireDue();
    const retrying = await engine.describeExecution(executionArn);
    expect(world.properties(recordId).leadstatus).toBeUndefined();
    expect(retrying.retries).toEqual({ 'Run:a1': 1 });
    const retryAt = Date.parse(retrying.dueAt as string);
    expect(retryAt - world.now.getTime()).toBeGreaterThanOrEqual(1000);
    expect(retryAt - world.now.getTime()).toBeLessThanOrEqual(2000);
    world.advanceTo(new Date(retryAt));
    await engine.fireDue();
    expect(world.properties(recordId).leadstatus).toBe('open');
    expect(world.events('action.completed')[0]?.details?.attempt).toBe(2);
  });

  it('answers a token Task through SendTaskSuccess, and times one out when its timeout passes', async () => {
    const answered = await setUp(waitForReply, { content: 'x@example.com', status: 'open' }, 'tickets');
    const started = await answered.engine.startExecution({
      stateMachineArn: answered.stateMachineArn,
      name: answered.enrollment.enrollmentId,
      input: JSON.stringify({ enrollment: answered.enrollment, runAt: answered.world.now.toISOString() }),
    });
    await answered.engine.fireDue();
    const waiting = await answered.engine.describeExecution(started.executionArn);
    expect(waiting.waiting?.state).toBe('Run:wait');
    expect(waiting.dueAt).toBe(new Date(answered.world.now.getTime() + 3 * 86_400_000).toISOString());
    await answered.engine.sendTaskSuccess(waiting.waiting?.token as string, {
      enrollment: answered.enrollment,
      runAt: answered.world.now.toISOString(),
    });
    await answered.engine.fireDue();
    expect((await answered.engine.describeExecution(started.executionArn)).status).toBe('SUCCEEDED');
    expect(answered.world.properties(answered.recordId).priority).toBe('low');
    await expect(answered.engine.sendTaskSuccess(waiting.waiting?.token as string, {})).rejects.toMatchObject(
      { type: 'TaskTimedOut' },
    );

    const timed = await setUp(waitForReply, { content: 'y@example.com', status: 'open' }, 'tickets');
    const second = await timed.engine.startExecution({
      stateMachineArn: timed.stateMachineArn,
      name: timed.enrollment.enrollmentId,
      input: JSON.stringify({ enrollment: timed.enrollment, runAt: timed.world.now.toISOString() }),
    });
    await timed.engine.fireDue();
    const timer = (await timed.engine.describeExecution(second.executionArn)).dueAt as string;
    timed.world.advanceTo(timer);
    await timed.engine.fireDue();
    expect(timed.world.events('action.completed').map((event) => event.details?.outcome)).toContain(
      'timedOut',
    );
    // The 4-hour pause after the timeout is a timer too; then `escalate`, then the trailing day.
    timed.world.advanceTo(new Date(Date.parse(timer) + 4 * 3_600_000));
    await timed.engine.fireDue();
    expect(timed.world.properties(timed.recordId).priority).toBe('high');
    timed.world.advanceTo(new Date(Date.parse(timer) + 28 * 3_600_000));
    await timed.engine.fireDue();
    expect((await timed.engine.describeExecution(second.executionArn)).status).toBe('SUCCEEDED');
  });

  it('stops an execution: it is ABORTED and its timer never fires', async () => {
    const { world, engine, stateMachineArn, enrollment } = await setUp(
      nurtureFrenchLeads,
      { lifecyclestage: 'lead', country: 'FR' },
      'contacts',
    );
    const { executionArn } = await engine.startExecution({
      stateMachineArn,
      name: enrollment.enrollmentId,
      input: JSON.stringify({ enrollment, runAt: world.now.toISOString() }),
    });
    await engine.fireDue();
    await engine.stopExecution({ executionArn, error: 'Workflow.Stopped', cause: 'goal_met' });
    world.advanceTo('2026-04-01T00:00:00.000Z');
    await engine.fireDue();
    const stopped = await engine.describeExecution(executionArn);
    expect(stopped).toMatchObject({ status: 'ABORTED', error: 'Workflow.Stopped', cause: 'goal_met' });
    expect(world.events('branch.taken')).toHaveLength(0);
  });
});
