import {
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { ActionTransient } from '../../core/contract/task-errors.ts';
import { type Executions, executionArnOf, StateMachineMissing } from '../../core/executions/executions.ts';
import { isTransientSdkError } from '../aws-sdk/transient-errors.ts';

const isNamed = (error: unknown, ...names: string[]): boolean =>
  error instanceof Error && names.includes(error.name);

/** Step Functions' limit on a stop's cause. */
const MAX_CAUSE_LENGTH = 32_768;

/**
 * Executions of the revisions' state machines through `@aws-sdk/client-sfn`: Step Functions on AWS, the embedded
 * runtime's engine locally (the same client pointed at the embedded server).
 * - `start`: StartExecution named by the caller; ExecutionAlreadyExists (the name was used: a redelivered start, or
 *   an execution that has ended) answers `alreadyStarted` with that execution's ARN. A start refused for now (the
 *   StartExecution quota's ThrottlingException, the open executions quota's ExecutionLimitExceeded, a 5xx) throws
 *   `ActionTransient`: nothing started, to be tried again later.
 * - `stop`: StopExecution (one that has ended stays as it ended); one that does not exist is nothing to stop.
 * - `sendTaskSuccess`: a token already answered or timed out (TaskTimedOut, TaskDoesNotExist) is ignored.
 * @example createSfnExecutions({ client: new SFNClient({}) })
 */
export const createSfnExecutions = (options: { readonly client?: SFNClient } = {}): Executions => {
  const client = options.client ?? new SFNClient({});
  return {
    async start({ stateMachineArn, name, input }) {
      try {
        const started = await client.send(
          new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
        );
        return { executionArn: started.executionArn as string, alreadyStarted: false };
      } catch (error) {
        if (isNamed(error, 'ExecutionAlreadyExists'))
          return { executionArn: executionArnOf(stateMachineArn, name), alreadyStarted: true };
        if (isNamed(error, 'StateMachineDoesNotExist')) {
          throw new StateMachineMissing(`StartExecution: ${(error as Error).message}`, { cause: error });
        }
        if (isNamed(error, 'ExecutionLimitExceeded') || isTransientSdkError(error)) {
          const { name: refusal, message } = error as Error;
          throw new ActionTransient(`StartExecution refused for now: ${refusal}: ${message}`, {
            cause: error,
          });
        }
        throw error;
      }
    },

    async stop(executionArn, cause) {
      try {
        await client.send(
          new StopExecutionCommand({
            executionArn,
            error: 'Workflow.Stopped',
            cause: cause.slice(0, MAX_CAUSE_LENGTH),
          }),
        );
      } catch (error) {
        if (isNamed(error, 'ExecutionDoesNotExist')) return;
        throw error;
      }
    },

    async sendTaskSuccess(taskToken, output) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      } catch (error) {
        if (isNamed(error, 'TaskTimedOut', 'TaskDoesNotExist')) return;
        throw error;
      }
    },
  };
};
