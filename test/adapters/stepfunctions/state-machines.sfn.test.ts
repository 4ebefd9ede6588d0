import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  SFNClient,
  StateMachineAlreadyExists,
  StateMachineDoesNotExist,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSfnStateMachines } from '../../../shared/adapters/stepfunctions/state-machines.sfn.ts';
import type { StateMachineDefinition } from '../../../shared/core/compiler/asl.types.ts';
import { stateMachineName } from '../../../shared/core/workflow/state-machines.ts';

const ROLE = 'arn:aws:iam::123456789012:role/crm-workflows-states';
const DEFINITION = {
  StartAt: 'Done',
  States: { Done: { Type: 'Succeed' } },
} as unknown as StateMachineDefinition;
const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:crm-wf-wf_abc-r3';

const client = new SFNClient({ region: 'eu-west-1' });
const sfn = mockClient(client);
beforeEach(() => sfn.reset());

const registry = () =>
  createSfnStateMachines({
    client,
    roleArn: ROLE,
    tracingConfiguration: { enabled: true },
    loggingConfiguration: { level: 'ERROR', includeExecutionData: false },
  });

describe('Step Functions state machines', () => {
  it('creates a Standard state machine named after the workflow and revision, with the role and configuration', async () => {
    // Prepare
    sfn.on(CreateStateMachineCommand).resolves({ stateMachineArn: ARN, creationDate: new Date() });
    // Act
    const published = await registry().publish({ workflowId: 'wf_abc', revision: 3, definition: DEFINITION });
    // Assess
    expect(published).toEqual({ stateMachineArn: ARN, name: 'crm-wf-wf_abc-r3' });
    expect(sfn.commandCalls(CreateStateMachineCommand).map((call) => call.args[0].input)).toEqual([
      {
        name: 'crm-wf-wf_abc-r3',
        type: 'STANDARD',
        definition: JSON.stringify(DEFINITION),
        roleArn: ROLE,
        tracingConfiguration: { enabled: true },
        loggingConfiguration: { level: 'ERROR', includeExecutionData: false },
      },
    ]);
  });

  it('updates the state machine in place when the name exists with another definition', async () => {
    // Prepare
    sfn
      .on(CreateStateMachineCommand)
      .rejects(new StateMachineAlreadyExists({ message: 'exists', $metadata: {} }));
    sfn.on(UpdateStateMachineCommand).resolves({ updateDate: new Date() });
    // Act
    const published = await registry().publish({ workflowId: 'wf_abc', revision: 3, definition: DEFINITION });
    // Assess
    expect(published.stateMachineArn).toBe(ARN);
    expect(sfn.commandCalls(UpdateStateMachineCommand).map((call) => call.args[0].input)).toEqual([
      {
        stateMachineArn: ARN,
        definition: JSON.stringify(DEFINITION),
        roleArn: ROLE,
        tracingConfiguration: { enabled: true },
        loggingConfiguration: { level: 'ERROR', includeExecutionData: false },
      },
    ]);
  });

  it('describes a published revision and answers undefined for one never published', async () => {
    // Prepare
    sfn.on(DescribeStateMachineCommand, { stateMachineArn: ARN }).resolves({ stateMachineArn: ARN });
    sfn
      .on(DescribeStateMachineCommand, { stateMachineArn: ARN.replace('-r3', '-r4') })
      .rejects(new StateMachineDoesNotExist({ message: 'no', $metadata: {} }));
    // Act
    const found = await registry().stateMachineOf('wf_abc', 3);
    const missing = await registry().stateMachineOf('wf_abc', 4);
    // Assess
    expect(found).toEqual({ stateMachineArn: ARN, name: 'crm-wf-wf_abc-r3' });
    expect(missing).toBeUndefined();
  });

  it('refuses a role that is not an IAM role ARN', () => {
    // Prepare
    const roleArn = 'not-a-role';
    // Act
    const create = () => createSfnStateMachines({ client, roleArn });
    // Assess
    expect(create).toThrow(/not an IAM role ARN/);
  });
});

describe('stateMachineName', () => {
  it('keeps names within 80 characters of letters, digits, - and _, distinct for ids cut alike', () => {
    // Prepare
    const long = `wf_${'a'.repeat(120)}`;
    // Act
    const names = [
      stateMachineName(`${long}1`, 12),
      stateMachineName(`${long}2`, 12),
      stateMachineName('wf_a.b', 1),
    ];
    // Assess
    expect(names.every((name) => name.length <= 80 && /^[A-Za-z0-9_-]+$/.test(name))).toBe(true);
    expect(names[0]).not.toBe(names[1]);
    expect(names[0]).toMatch(/-r12$/);
    expect(stateMachineName('wf_3f2a', 2)).toBe('crm-wf-wf_3f2a-r2');
  });
});
