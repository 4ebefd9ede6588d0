import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  type LoggingConfiguration,
  SFNClient,
  type Tag,
  type TracingConfiguration,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import {
  type PublishedStateMachine,
  type StateMachineRegistry,
  stateMachineName,
} from '../../core/workflow/state-machines.ts';

export interface SfnStateMachinesOptions {
  /** The role every state machine runs as (it may invoke the executor function). */
  readonly roleArn: string;
  /** The client (default: a new SFNClient with the environment's region and credentials). */
  readonly client?: SFNClient;
  readonly loggingConfiguration?: LoggingConfiguration;
  readonly tracingConfiguration?: TracingConfiguration;
  readonly tags?: readonly Tag[];
}

const ROLE_ARN = /^arn:([^:]+):iam::(\d{12}):role\/.+$/;

const isNamed = (error: unknown, name: string): boolean => error instanceof Error && error.name === name;

/**
 * Step Functions' state machines, one Standard state machine per activated revision (`crm-wf-<id>-r<n>`).
 * CreateStateMachine is idempotent for the same name and definition (the same revision published again answers
 * the same ARN); a StateMachineAlreadyExists (same name, other definition or configuration) updates it in place.
 * The ARN of a name is built from the role's partition and account and the client's region.
 * @example createSfnStateMachines({ roleArn, loggingConfiguration, tracingConfiguration: { enabled: true } })
 */
export const createSfnStateMachines = (options: SfnStateMachinesOptions): StateMachineRegistry => {
  const client = options.client ?? new SFNClient({});
  const role = ROLE_ARN.exec(options.roleArn);
  if (!role) throw new Error(`roleArn ${options.roleArn} is not an IAM role ARN`);
  const [, partition, account] = role;

  const arnOf = async (name: string): Promise<string> =>
    `arn:${partition}:states:${await client.config.region()}:${account}:stateMachine:${name}`;

  return {
    async publish({ workflowId, revision, definition }): Promise<PublishedStateMachine> {
      const name = stateMachineName(workflowId, revision);
      const configuration = {
        definition: JSON.stringify(definition),
        roleArn: options.roleArn,
        ...(options.loggingConfiguration ? { loggingConfiguration: options.loggingConfiguration } : {}),
        ...(options.tracingConfiguration ? { tracingConfiguration: options.tracingConfiguration } : {}),
      };
      try {
        const created = await client.send(
          new CreateStateMachineCommand({
            name,
            type: 'STANDARD',
            ...configuration,
            ...(options.tags ? { tags: [...options.tags] } : {}),
          }),
        );
        return { stateMachineArn: created.stateMachineArn as string, name };
      } catch (error) {
        if (!isNamed(error, 'StateMachineAlreadyExists')) throw error;
        const stateMachineArn = await arnOf(name);
        await client.send(new UpdateStateMachineCommand({ stateMachineArn, ...configuration }));
        return { stateMachineArn, name };
      }
    },

    arnOf: (workflowId, revision) => arnOf(stateMachineName(workflowId, revision)),

    async stateMachineOf(workflowId, revision) {
      const name = stateMachineName(workflowId, revision);
      try {
        const described = await client.send(
          new DescribeStateMachineCommand({ stateMachineArn: await arnOf(name) }),
        );
        return { stateMachineArn: described.stateMachineArn as string, name };
      } catch (error) {
        if (isNamed(error, 'StateMachineDoesNotExist')) return undefined;
        throw error;
      }
    },
  };
};
