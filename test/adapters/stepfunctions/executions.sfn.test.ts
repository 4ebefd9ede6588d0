import {
  ExecutionAlreadyExists,
  ExecutionLimitExceeded,
  InvalidName,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSfnExecutions } from '../../../shared/adapters/stepfunctions/executions.sfn.ts';
import { ActionTransient } from '../../../shared/core/contract/task-errors.ts';
import {
  type StartExecutionRequest,
  StateMachineMissing,
} from '../../../shared/core/executions/executions.ts';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:crm-wf-wf_1-r1';
const REQUEST: StartExecutionRequest = {
  stateMachineArn: SM,
  name: 'enr_1',
  input: {
    enrollment: {
      workflowId: 'wf_1',
      revision: 1,
      enrollmentId: 'enr_1',
      recordId: 'c_1',
      objectType: 'contacts',
    },
    runAt: '2027-01-11T09:00:00.000Z',
  },
};

const client = new SFNClient({ region: 'us-east-1' });
const sfn = mockClient(client);
beforeEach(() => sfn.reset());

describe('executions through Step Functions', () => {
  it('starts an execution named by the caller, with its input', async () => {
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: `${SM.replace(':stateMachine:', ':execution:')}:enr_1` });
    const started = await createSfnExecutions({ client }).start(REQUEST);
    expect(started).toEqual({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:crm-wf-wf_1-r1:enr_1',
      alreadyStarted: false,
    });
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input).toEqual({
      stateMachineArn: SM,
      name: 'enr_1',
      input: JSON.stringify(REQUEST.input),
    });
  });

  it('answers alreadyStarted when the name was used', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ $metadata: {}, message: 'exists' }));
    expect(await createSfnExecutions({ client }).start(REQUEST)).toEqual({
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:crm-wf-wf_1-r1:enr_1',
      alreadyStarted: true,
    });
  });

  it.each([
    [
      'the StartExecution quota (ThrottlingException)',
      new SFNServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Rate exceeded',
      }),
    ],
    [
      'the open executions quota',
      new ExecutionLimitExceeded({ $metadata: {}, message: 'too many executions' }),
    ],
  ])('throws ActionTransient when %s refuses the start for now', async (_what, error) => {
    sfn.on(StartExecutionCommand).rejects(error);
    const start = createSfnExecutions({ client }).start(REQUEST);
    await expect(start).rejects.toBeInstanceOf(ActionTransient);
    await expect(start).rejects.toThrow(`StartExecution refused for now: ${error.name}`);
  });

  it('throws StateMachineMissing when the revision has no state machine (yet)', async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new StateMachineDoesNotExist({ $metadata: {}, message: 'no such machine' }));
    const start = createSfnExecutions({ client }).start(REQUEST);
    await expect(start).rejects.toBeInstanceOf(StateMachineMissing);
    await expect(start).rejects.toThrow('StartExecution: no such machine');
  });

  it('throws any other refusal as it is', async () => {
    const invalid = new InvalidName({ $metadata: {}, message: 'bad name' });
    sfn.on(StartExecutionCommand).rejects(invalid);
    await expect(createSfnExecutions({ client }).start(REQUEST)).rejects.toBe(invalid);
  });
});
