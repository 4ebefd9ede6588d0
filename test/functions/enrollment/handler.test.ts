import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateStateMachineCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { workflowSystemFromEnvironment } from '../../../functions/commons/workflow-system.aws.ts';
import { toDocumentClient } from '../../../shared/adapters/dynamodb/index.ts';
import type { WorkflowSystem } from '../../../shared/adapters/workflow-system.ts';
import { createEnrollmentTarget } from '../../../shared/core/events/enrollment-target.ts';
import type { EventEnvelope } from '../../../shared/core/events/event-envelope.ts';
import { recordChangedDetail } from '../../../shared/core/records/record-change.ts';
import { stateMachineName } from '../../../shared/core/workflow/state-machines.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';

const sfn = mockClient(SFNClient);
const events = mockClient(EventBridgeClient);
const STATE_MACHINES = 'arn:aws:states:eu-west-1:123456789012:stateMachine:';

const ENV = {
  TABLE_NAME: 'enrollment-fn',
  EVENT_BUS_NAME: 'crm-workflows',
  ACTION_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:crm-workflows-executor',
  STATES_ROLE_ARN: 'arn:aws:iam::123456789012:role/crm-workflows-states',
  // Never park: the 7-day delay below is held by the execution this test starts (parking has tests of its own).
};

let db: LocalDynamoDB;
let system: WorkflowSystem;
let dynamoCommands: string[];

const region = process.env.AWS_REGION;

beforeAll(async () => {
  // What Lambda sets: the SFN adapter builds ARNs with the client's region.
  process.env.AWS_REGION = 'eu-west-1';
  db = await startLocalDynamoDB({ tableName: ENV.TABLE_NAME });
  // The DynamoDB commands the function sends, by name (the real ones, against dynalite).
  const documents = toDocumentClient(db.client);
  const send = documents.send.bind(documents) as (command: unknown) => Promise<unknown>;
  dynamoCommands = [];
  documents.send = (async (command: { constructor: { name: string } }) => {
    dynamoCommands.push(command.constructor.name);
    return send(command);
  }) as typeof documents.send;
  system = workflowSystemFromEnvironment(ENV, { dynamodb: documents });
});
afterAll(async () => {
  if (region === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = region;
  sfn.restore();
  events.restore();
  await db.close();
});
beforeEach(() => {
  sfn.reset();
  events.reset();
  sfn.on(CreateStateMachineCommand).callsFake((input: { name: string }) => ({
    stateMachineArn: `${STATE_MACHINES}${input.name}`,
  }));
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

/** The `Record Changed` events EventBridge would deliver for the changes not yet published, oldest first. */
const recordChangedEvents = async (): Promise<EventEnvelope[]> => {
  const page = await system.changeLog.unpublished({ limit: 100 });
  for (const change of page.results) await system.changeLog.markPublished(change);
  return page.results.map((change, index) => ({
    version: '0',
    id: `evt-${change.id}-${change.version}-${index}`,
    'detail-type': 'Record Changed',
    source: 'crm.records',
    account: '123456789012',
    time: change.at,
    region: 'eu-west-1',
    resources: [],
    detail: recordChangedDetail(change),
  })) as unknown as EventEnvelope[];
};

describe('the enrollment function over DynamoDB, Step Functions and EventBridge', () => {
  it('starts one execution named by the enrollment, even when the change is delivered twice, and stops it when the goal is met', async () => {
    // Prepare: an active workflow whose revision's state machine exists.
    const workflow = await system.services.workflows.create({
      name: 'Leads',
      objectType: 'contacts',
      enrollment: {
        trigger: 'criteria',
        criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }] }],
      },
      goal: { criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'customer' }] }] },
      startActionId: 'wait',
      actions: [
        { id: 'wait', type: 'delay', duration: 'PT1H', next: 'tag' },
        { id: 'tag', type: 'setProperty', property: 'leadstatus', value: 'open', next: null },
      ],
    });
    await system.activation.activate(workflow.id, { enrollExisting: false });
    const STATE_MACHINE_ARN = `${STATE_MACHINES}${stateMachineName(workflow.id, 1)}`;
    expect(sfn.commandCalls(CreateStateMachineCommand)[0]?.args[0].input).toMatchObject({
      name: stateMachineName(workflow.id, 1),
      type: 'STANDARD',
      roleArn: ENV.STATES_ROLE_ARN,
      tracingConfiguration: { enabled: true },
    });
    await recordChangedEvents();
    const target = createEnrollmentTarget(system.enrollment);
    const ada = await system.services.records.create('contacts', {
      email: 'ada@example.com',
      lifecyclestage: 'lead',
    });
    const [created] = await recordChangedEvents();
    const executions = `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:`;
    sfn.on(StartExecutionCommand).callsFakeOnce((input: { name: string }) => ({
      executionArn: `${executions}${input.name}`,
      startDate: new Date(),
    }));
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('exists'), { name: 'ExecutionAlreadyExists' }));
    dynamoCommands.length = 0;

    // Act: the change delivered twice.
    await target(created as EventEnvelope);
    await target(created as EventEnvelope);

    // Assess
    const enrollments = await system.enrollment.page(workflow.id, undefined, { limit: 10 });
    expect(enrollments.results).toHaveLength(1);
    const enrollmentId = enrollments.results[0]?.id as string;
    const starts = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(starts.length).toBeGreaterThanOrEqual(1);
    for (const start of starts) {
      expect(start).toMatchObject({ stateMachineArn: STATE_MACHINE_ARN, name: enrollmentId });
      const input = JSON.parse(start.input as string);
      // The first action runs after the 1-hour delay (under the parking threshold: the execution waits itself).
      const hour = 3_600_000;
      expect(Date.parse(input.runAt) - Date.parse(ada.createdAt)).toBeGreaterThanOrEqual(hour);
      expect(Date.parse(input.runAt) - Date.parse(ada.createdAt)).toBeLessThan(hour + 60_000);
      expect(input).toMatchObject({
        enrollment: {
          workflowId: workflow.id,
          revision: 1,
          enrollmentId,
          recordId: ada.id,
          objectType: 'contacts',
        },
      });
    }
    const published = events
      .commandCalls(PutEventsCommand)
      .flatMap((call) => call.args[0].input.Entries ?? []);
    // At least once: a redelivered change publishes again, for the same enrollment (consumers key on its id).
    const started = published.filter((entry) => entry.DetailType === 'Enrollment Started');
    expect(started.length).toBeGreaterThanOrEqual(1);
    expect(new Set(started.map((entry) => JSON.parse(entry.Detail as string).enrollmentId))).toEqual(
      new Set([enrollmentId]),
    );
    expect(published[0]).toMatchObject({ EventBusName: 'crm-workflows', Source: 'crm.workflows' });
    expect(dynamoCommands).not.toContain('ScanCommand');

    // Act: the record meets the goal.
    await system.services.records.update('contacts', ada.id, { lifecyclestage: 'customer' });
    const [goal] = await recordChangedEvents();
    await target(goal as EventEnvelope);

    // Assess: its execution stopped, `Goal Met` and `Enrollment Ended` published.
    expect(sfn.commandCalls(StopExecutionCommand).map((call) => call.args[0].input)).toEqual([
      {
        executionArn: `${executions}${enrollmentId}`,
        error: 'Workflow.Stopped',
        cause: 'goal_met',
      },
    ]);
    const after = events.commandCalls(PutEventsCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(after.map((entry) => entry.DetailType)).toEqual(
      expect.arrayContaining(['Goal Met', 'Enrollment Ended']),
    );
  });
});
