import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outsideWorldFromEnvironment } from '../../../functions/commons/outside-world.aws.ts';
import { workflowSystemFromEnvironment } from '../../../functions/commons/workflow-system.aws.ts';
import { runExecutorTask } from '../../../shared/adapters/executor-task.ts';
import type { WorkflowSystem } from '../../../shared/adapters/workflow-system.ts';
import type { TaskRequest } from '../../../shared/core/contract/task-contract.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';

const sfn = mockClient(SFNClient);
const events = mockClient(EventBridgeClient);
const ses = mockClient(SESv2Client);

const ENV = {
  TABLE_NAME: 'executor-fn',
  ACTION_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:crm-workflows-executor',
  STATES_ROLE_ARN: 'arn:aws:iam::123456789012:role/crm-workflows-states',
  EMAIL_FROM: 'workflows@example.com',
};

let db: LocalDynamoDB;
let system: WorkflowSystem;
const region = process.env.AWS_REGION;

beforeAll(async () => {
  process.env.AWS_REGION = 'eu-west-1';
  db = await startLocalDynamoDB({ tableName: ENV.TABLE_NAME });
  system = workflowSystemFromEnvironment(ENV, {
    dynamodb: db.client,
    outside: outsideWorldFromEnvironment(ENV),
  });
  sfn.on(CreateStateMachineCommand).callsFake((input: { name: string }) => ({
    stateMachineArn: `arn:aws:states:eu-west-1:123456789012:stateMachine:${input.name}`,
  }));
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
});
afterAll(async () => {
  if (region === undefined) delete process.env.AWS_REGION;
  else process.env.AWS_REGION = region;
  sfn.restore();
  events.restore();
  ses.restore();
  await db.close();
});

describe('the executor function over DynamoDB and SES', () => {
  it('runs an action once: the record written with its cause, the email sent through SES, the next state returned', async () => {
    // Prepare
    const workflow = await system.services.workflows.create({
      name: 'Welcome',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId: 'tag',
      actions: [
        { id: 'tag', type: 'setProperty', property: 'leadstatus', value: 'open', next: 'mail' },
        {
          id: 'mail',
          type: 'sendEmail',
          subject: 'Welcome {{firstname}}',
          body: 'Hello {{firstname}}',
          next: null,
        },
      ],
    });
    await system.activation.activate(workflow.id, { enrollExisting: false });
    const ada = await system.services.records.create('contacts', {
      email: 'ada@example.com',
      firstname: 'Ada',
    });
    const enrollment = {
      workflowId: workflow.id,
      revision: 1,
      enrollmentId: 'enr_test_1',
      recordId: ada.id,
      objectType: 'contacts',
    };
    const request = (actionId: string): TaskRequest => ({
      kind: 'action',
      actionId,
      state: { enrollment, runAt: new Date().toISOString() },
      executionId: 'arn:aws:states:eu-west-1:123456789012:execution:x:enr_test_1',
      startedAt: new Date().toISOString(),
    });

    // Act: `tag`, then `mail` twice (a retried Task).
    const afterTag = await runExecutorTask(request('tag'), system.executorPorts);
    await runExecutorTask(request('mail'), system.executorPorts);
    await runExecutorTask(request('mail'), system.executorPorts);

    // Assess
    expect(afterTag).toMatchObject({ enrollment });
    expect((await system.services.records.get('contacts', ada.id)).properties.leadstatus).toBe('open');
    const history = await system.changeLog.history('contacts', ada.id, { limit: 10 });
    expect(history.results.find((change) => change.changedProperties.includes('leadstatus'))?.cause).toEqual({
      workflowId: workflow.id,
      enrollmentId: 'enr_test_1',
      depth: 1,
    });
    expect(ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input)).toEqual([
      expect.objectContaining({
        FromEmailAddress: 'workflows@example.com',
        Destination: { ToAddresses: ['ada@example.com'] },
        Content: {
          Simple: expect.objectContaining({
            Subject: expect.objectContaining({ Data: 'Welcome Ada' }),
          }),
        },
      }),
    ]);
  });
});
