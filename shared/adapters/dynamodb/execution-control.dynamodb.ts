import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createExecutionControl, type ExecutionControl } from '../../core/executions/execution-control.ts';
import type { Executions } from '../../core/executions/executions.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { StateMachineRegistry } from '../../core/workflow/state-machines.ts';
import { createDynamoDBEnrollmentRepository } from './enrollment-repository.dynamodb.ts';
import type { DynamoDBExecutorPorts } from './executor-ports.dynamodb.ts';
import { toDocumentClient } from './index.ts';
import { createDynamoDBParkedExecutions } from './parked-executions.dynamodb.ts';
import { DEFAULT_TABLE_NAME } from './table.ts';

export interface DynamoDBExecutionControlOptions {
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName?: string;
  readonly clock: Clock;
  /** The revisions' executions (Step Functions, through `@aws-sdk/client-sfn`). */
  readonly executions: Executions;
  readonly stateMachines: Pick<StateMachineRegistry, 'arnOf'>;
  /**
   * Park waits longer than this (ms) as timers in the table instead of holding an execution open for them
   * (`resumeParked` starts them when due). Unset: executions wait themselves.
   */
  readonly parkLongerThanMs?: number;
  /**
   * The executor's ports, read when a call needs them (a start, a retry, an event wait's answer), never at
   * composition: the whole system closes its cycle through it, and a composition that only resumes parked
   * executions needs none.
   */
  readonly executor: () => DynamoDBExecutorPorts;
}

/**
 * The execution control over one DynamoDB table: enrollments' executions, the parked ones and the registered event
 * waits in the table, executions through `executions`. `createWorkflowSystem` composes it with everything else; the
 * resumer alone needs nothing more.
 * @example createDynamoDBExecutionControl({ client, clock, executions, stateMachines, executor: () => ports })
 */
export const createDynamoDBExecutionControl = (
  options: DynamoDBExecutionControlOptions,
): ExecutionControl => {
  const documents = toDocumentClient(options.client);
  const table = { tableName: options.tableName ?? DEFAULT_TABLE_NAME };
  return createExecutionControl({
    clock: options.clock,
    executions: options.executions,
    stateMachines: options.stateMachines,
    enrollments: createDynamoDBEnrollmentRepository(documents, table),
    executor: () => options.executor().ports,
    ...(options.parkLongerThanMs === undefined
      ? {}
      : {
          parking: {
            executions: createDynamoDBParkedExecutions(documents, table),
            afterMs: options.parkLongerThanMs,
          },
        }),
    eventWaits: {
      find: async (enrollmentId, actionId) => {
        const wait = await options.executor().eventWaits.eventWait(enrollmentId, actionId);
        if (!wait?.executionId || !wait.startedAt) return undefined;
        const { taskToken, executionId, startedAt, retry } = wait;
        return {
          ...(taskToken === undefined ? {} : { taskToken }),
          ...(retry === undefined ? {} : { retry }),
          executionId,
          startedAt,
        };
      },
      forget: (enrollment, actionId) => options.executor().eventWaits.forget(enrollment, actionId),
    },
  });
};
