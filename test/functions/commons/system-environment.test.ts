import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { readSystemEnvironment, stepFunctionsOf } from '../../../functions/commons/system-environment.aws.ts';

const sfn = mockClient(SFNClient);
afterAll(() => sfn.restore());
beforeEach(() => {
  sfn.reset();
  sfn.on(CreateStateMachineCommand).callsFake((input: { name: string }) => ({
    stateMachineArn: `arn:aws:states:eu-west-1:123456789012:stateMachine:${input.name}`,
  }));
});

const ENV = {
  TABLE_NAME: 'crm-workflows',
  ACTION_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:crm-workflows-executor',
  STATES_ROLE_ARN: 'arn:aws:iam::123456789012:role/crm-workflows-states',
};
const LOG_GROUP_ARN = 'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/vendedlogs/states/crm-workflows:*';
const DEFINITION = { StartAt: 'Done', States: { Done: { Type: 'Succeed' as const } } };

const published = async (env: Record<string, string>) => {
  const { stateMachines } = stepFunctionsOf(readSystemEnvironment(env));
  await stateMachines.publish({ workflowId: 'wf-1', revision: 1, definition: DEFINITION });
  return sfn.commandCalls(CreateStateMachineCommand)[0]?.args[0].input;
};

describe("the state machines the functions create at run time (the construct's environment)", () => {
  it('log every event with its execution data to the log group the construct gives, and are traced', async () => {
    expect(await published({ ...ENV, STATES_LOG_GROUP_ARN: LOG_GROUP_ARN })).toMatchObject({
      type: 'STANDARD',
      roleArn: ENV.STATES_ROLE_ARN,
      tracingConfiguration: { enabled: true },
      loggingConfiguration: {
        level: 'ALL',
        includeExecutionData: true,
        destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: LOG_GROUP_ARN } }],
      },
    });
  });

  it('are traced and log nowhere when no log group is given', async () => {
    const input = await published(ENV);
    expect(input?.tracingConfiguration).toEqual({ enabled: true });
    expect(input?.loggingConfiguration).toBeUndefined();
  });
});
