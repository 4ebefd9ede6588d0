import { EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ExecutionLimitExceeded, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WorkflowSystem } from '../../../shared/adapters/workflow-system.ts';
import { leadsAfterDelay } from '../../fixtures/leads-after-delay.ts';
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
 * A burst of enrollments meets StartExecution's quotas: the enrollment function parks each start Step Functions
 * refuses for now, and the resumer starts it when due, once.
 */

const table = deploymentTable();
const documents = routeDocumentClient(table);
const sfn = mockClient(SFNClient);
const bus = mockClient(EventBridgeClient);
const published: PutEventsRequestEntry[] = [];
const starts = simulateStarts(sfn);
const { refusals, started: accepted } = starts;

const context = MINUTE_CONTEXT;
let changePublisher: Handler;
let enrollment: Handler;
let resumer: Handler;
let system: WorkflowSystem;
let restore: () => void;

beforeAll(async () => {
  ({ changePublisher, enrollment, resumer, system, restore } = await loadDeployedFunctions({
    sfn,
    bus,
    published,
    documents,
    table,
  }));
});

afterAll(() => restore());

let previousWorkflow: string | undefined;
/**
 * Two contacts enrolled in a workflow whose 1-hour delay is under the threshold, their changes ready to deliver; the
 * previous test's workflow deactivated, so that they enroll in this one only.
 */
const enrollTwo = async (at: string, name: string): Promise<PutEventsRequestEntry[]> => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(at) });
  if (previousWorkflow) await system.activation.deactivate(previousWorkflow);
  const workflow = await system.services.workflows.create(leadsAfterDelay('PT1H', name));
  await system.activation.activate(workflow.id, { enrollExisting: false });
  previousWorkflow = workflow.id;
  await system.services.records.create('contacts', { lifecyclestage: 'lead' });
  await system.services.records.create('contacts', { lifecyclestage: 'lead' });
  published.length = 0;
  await changePublisher({}, context);
  const changes = published.filter((entry) => entry.DetailType === 'Record Changed');
  expect(changes).toHaveLength(2);
  return changes;
};

/** StartExecution throttled, then the open executions quota reached. */
const refuseTwo = () =>
  refusals.push(
    Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    }),
    new ExecutionLimitExceeded({ message: 'Maximum open executions reached', $metadata: {} }),
  );

/** The enrollments the function announced (a redelivered change announces its enrollment again). */
const enrollmentIdsStarted = () => [
  ...new Set(
    published
      .filter((entry) => entry.DetailType === 'Enrollment Started')
      .map((entry) => JSON.parse(entry.Detail!).enrollmentId as string)
      .sort(),
  ),
];

describe('the enrollment function when Step Functions refuses a start for now', () => {
  it('parks the start due at its first step, answers the delivery, and the resumer starts it once when due', async () => {
    // Prepare
    const changes = await enrollTwo('2027-01-04T08:00:00Z', 'Refused');
    refuseTwo();

    // Act: each change delivered; the resumer's runs before, at and after the delay's end.
    for (const [i, change] of changes.entries())
      await enrollment(deliveredEvent(change, `refused-${i}`), context);
    const callsAtEnrollment = sfn.commandCalls(StartExecutionCommand).length;
    vi.setSystemTime(new Date('2027-01-04T08:01:00Z'));
    const early = await resumer({}, context);
    vi.setSystemTime(new Date('2027-01-04T09:00:00Z'));
    const resumed = await resumer({}, context);
    vi.setSystemTime(new Date('2027-01-04T09:01:00Z'));
    const after = await resumer({}, context);

    // Assess: both refused at enrollment, nothing started then; each started once when due, for the delay's end.
    expect(refusals).toEqual([]);
    expect(callsAtEnrollment).toBe(2);
    expect(early).toEqual({ started: 0 });
    expect(resumed).toEqual({ started: 2 });
    expect(after).toEqual({ started: 0 });
    expect(accepted.map((start) => start.name).sort()).toEqual(enrollmentIdsStarted());
    for (const start of accepted) expect(start.input.runAt).toBe('2027-01-04T09:00:00.000Z');
    expect(starts.repeated).toBe(0);
  });

  it('leaves a refused start to the resumer when the change is delivered again: each started once', async () => {
    // Prepare
    accepted.length = 0;
    const changes = await enrollTwo('2027-02-01T08:00:00Z', 'Redelivered');
    refuseTwo();

    // Act: each change delivered, refused and parked; delivered again (EventBridge delivers at least once), then
    // the resumer when the delay ends.
    for (const [i, change] of changes.entries())
      await enrollment(deliveredEvent(change, `again-${i}`), context);
    for (const [i, change] of changes.entries())
      await enrollment(deliveredEvent(change, `again-${i}`), context);
    const startedByRedelivery = accepted.length;
    vi.setSystemTime(new Date('2027-02-01T09:00:00Z'));
    const resumed = await resumer({}, context);

    // Assess: the redelivery started nothing (the enrollment notes its parked execution); the resumer each once.
    expect(startedByRedelivery).toBe(0);
    expect(resumed).toEqual({ started: 2 });
    expect(accepted.map((start) => start.name).sort()).toEqual(enrollmentIdsStarted());
    expect(accepted).toHaveLength(2);
    expect(starts.repeated).toBe(0);
  });
});
