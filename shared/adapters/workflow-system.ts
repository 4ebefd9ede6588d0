import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ExecutionPorts, PublishWorkflowEvents } from '../core/enrollment/enrollment-effects.ts';
import type { ExecutionControl } from '../core/executions/execution-control.ts';
import type { Executions } from '../core/executions/executions.ts';
import type { PublishActionEvent } from '../core/executor/action-messages.ts';
import type { OutsideWorld } from '../core/executor/outside-world.ts';
import type { ExecutorPorts } from '../core/executor/ports.ts';
import type { Clock, IdGenerator } from '../core/ports/clock.ts';
import type { StateMachineRegistry } from '../core/workflow/state-machines.ts';
import {
  createDynamoDBCrmServices,
  type DynamoDBCrmServices,
  type DynamoDBCrmServicesOptions,
} from './dynamodb/crm-services.dynamodb.ts';
import { createDynamoDBExecutionControl } from './dynamodb/execution-control.dynamodb.ts';
import {
  createDynamoDBExecutorPorts,
  type DynamoDBExecutorPorts,
} from './dynamodb/executor-ports.dynamodb.ts';
import { toDocumentClient } from './dynamodb/index.ts';
import { DEFAULT_TABLE_NAME } from './dynamodb/table.ts';

export interface WorkflowSystemOptions {
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName?: string;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  /** The executor function the compiled Tasks invoke. */
  readonly actionFunctionArn: string;
  /** `crm.workflows` events (`Enrollment Started`, …) and `publishEvent` actions: the bus. */
  readonly publish: PublishWorkflowEvents;
  readonly publishActionEvent: PublishActionEvent;
  /** Where revisions' state machines are created (Step Functions, through `@aws-sdk/client-sfn`). */
  readonly stateMachines: StateMachineRegistry;
  /** Their executions (Step Functions, through `@aws-sdk/client-sfn`). */
  readonly executions: Executions;
  /** Email, notifications and webhooks. */
  readonly outside: OutsideWorld;
  /**
   * Park waits longer than this (ms) as timers in the table instead of holding an execution open for them
   * (`control.resumeParked` starts them when due). Unset: executions wait themselves (the embedded runtime).
   */
  readonly parkLongerThanMs?: number;
  /**
   * How long (ms) an executor keeps the revision a workflow runs now once read (default 0: read at every Task, as the
   * embedded runtime does, so that an edit reaches the next action at once).
   */
  readonly liveRevisionCacheMs?: number;
  /** Replaces the execution ports the enrollment engine uses (tests). */
  readonly enrollmentExecutions?: ExecutionPorts;
  readonly activation?: DynamoDBCrmServicesOptions['activation'];
  readonly enrollment?: DynamoDBCrmServicesOptions['enrollment'];
}

export interface WorkflowSystem extends DynamoDBCrmServices {
  /** What the executor function's `executeTask` takes. */
  readonly executorPorts: ExecutorPorts;
  /** Where enrollments meet executions. */
  readonly control: ExecutionControl;
}

/**
 * The whole system over one DynamoDB table, Step Functions and the outside world: the services of the API, the
 * enrollment engine starting and stopping executions, and the executor's ports. The Lambda functions and the
 * embedded runtime compose it the same way; only the clients and the outside world differ.
 * @example createWorkflowSystem({ client, clock, newId, actionFunctionArn, publish, publishActionEvent, stateMachines, executions, outside })
 */
export const createWorkflowSystem = (options: WorkflowSystemOptions): WorkflowSystem => {
  const documents = toDocumentClient(options.client);
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  // The executor's ports need the services, and the services' enrollment engine needs the control, which needs
  // the executor's ports: the cycle is closed by reading them when a call comes, never at composition.
  let executor: DynamoDBExecutorPorts | undefined;
  const executorOf = (): DynamoDBExecutorPorts => {
    if (!executor) throw new Error('the executor is not composed yet');
    return executor;
  };
  const control = createDynamoDBExecutionControl({
    client: documents,
    tableName,
    clock: options.clock,
    executions: options.executions,
    stateMachines: options.stateMachines,
    ...(options.parkLongerThanMs === undefined ? {} : { parkLongerThanMs: options.parkLongerThanMs }),
    executor: executorOf,
  });
  const crm = createDynamoDBCrmServices({
    client: documents,
    tableName,
    clock: options.clock,
    newId: options.newId,
    actionFunctionArn: options.actionFunctionArn,
    publish: options.publish,
    stateMachines: options.stateMachines,
    executions: options.enrollmentExecutions ?? control.ports,
    ...(options.activation ? { activation: options.activation } : {}),
    ...(options.enrollment ? { enrollment: options.enrollment } : {}),
  });
  executor = createDynamoDBExecutorPorts({
    client: documents,
    tableName,
    clock: options.clock,
    ...(options.parkLongerThanMs === undefined ? {} : { parkLongerThanMs: options.parkLongerThanMs }),
    newId: options.newId,
    records: crm.services.records,
    lists: crm.services.lists,
    enrollment: crm.enrollment,
    revisions: crm.workflowRepository,
    ...(options.liveRevisionCacheMs === undefined
      ? {}
      : { liveRevisionCacheMs: options.liveRevisionCacheMs }),
    stateMachines: options.stateMachines,
    publish: options.publish,
    publishActionEvent: options.publishActionEvent,
    outside: options.outside,
    continueAsNew: control.continueAsNew,
    succeedEventWait: control.succeedEventWait,
  });
  return { ...crm, executorPorts: executor.ports, control };
};
