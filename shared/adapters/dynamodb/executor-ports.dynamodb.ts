import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PublishWorkflowEvents } from '../../core/enrollment/enrollment-effects.ts';
import type { PublishActionEvent } from '../../core/executor/action-messages.ts';
import { type EventWaits, eventWaits } from '../../core/executor/event-waits.ts';
import type { OutsideWorld } from '../../core/executor/outside-world.ts';
import type { ExecutorPorts } from '../../core/executor/ports.ts';
import {
  createSystemExecutorPorts,
  type SystemExecutorDeps,
} from '../../core/executor/system-executor-ports.ts';
import type { Clock, IdGenerator } from '../../core/ports/clock.ts';
import { createDynamoDBCounters } from './counters.dynamodb.ts';
import { createDynamoDBEffectIntents } from './effect-intents.dynamodb.ts';
import { createDynamoDBEnrollmentRepository } from './enrollment-repository.dynamodb.ts';
import { createDynamoDBEventWaits } from './event-waits.dynamodb.ts';
import { createDynamoDBHistoryRepository } from './history-repository.dynamodb.ts';
import { toDocumentClient } from './index.ts';
import { DynamoDBListRepository } from './list-repository.dynamodb.ts';
import { DEFAULT_TABLE_NAME } from './table.ts';
import { createDynamoDBWorkflowRepository } from './workflow-repository.dynamodb.ts';

export interface DynamoDBExecutorPortsOptions {
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName?: string;
  readonly clock: Clock;
  /** Waits longer than this (ms) are parked as timers instead of held by their execution. */
  readonly parkLongerThanMs?: number;
  /** Ids of the records actions create. */
  readonly newId: IdGenerator;
  /** The record service over the same table (`createDynamoDBCrmServices(…).services.records`). */
  readonly records: SystemExecutorDeps['records'];
  /** The list service over the same table (`….services.lists`). */
  readonly lists: SystemExecutorDeps['lists'];
  /** The enrollment service (`….enrollment`), for `enrollInWorkflow`. */
  readonly enrollment: SystemExecutorDeps['enrollment'];
  /** Where revisions are read (default: the table's workflow store). */
  readonly revisions?: SystemExecutorDeps['revisions'];
  /** How long the revision a workflow runs now is kept once read (ms; default 0: read at every Task). */
  readonly liveRevisionCacheMs?: number;
  /** The revisions' state machines: an enrollment moves to a live revision once its state machine is published. */
  readonly stateMachines?: SystemExecutorDeps['stateMachines'];
  /** `Enrollment Ended`, `Goal Met`, `Action Failed`: the bus. */
  readonly publish: PublishWorkflowEvents;
  /** The events of `publishEvent` actions: the bus. */
  readonly publishActionEvent: PublishActionEvent;
  readonly outside: OutsideWorld;
  readonly continueAsNew: ExecutorPorts['continueAsNew'];
  readonly succeedEventWait: ExecutorPorts['succeedEventWait'];
}

export interface DynamoDBExecutorPorts {
  /** What `executeTask` and `eventMet` take. */
  readonly ports: ExecutorPorts;
  /** The registered event waits: the token to answer a wait with, and forgetting a wait once answered. */
  readonly eventWaits: Pick<EventWaits, 'eventWaitToken' | 'eventWait' | 'forget'>;
}

/**
 * The executor's ports over one DynamoDB table and the system's services: effect intents, counters and event-wait
 * tokens in the table (docs/storage.md, "Executor items"), enrollments and history through their stores.
 * @example createDynamoDBExecutorPorts({ client, tableName, clock, newId, records, lists, enrollment, publish, … })
 */
export const createDynamoDBExecutorPorts = (options: DynamoDBExecutorPortsOptions): DynamoDBExecutorPorts => {
  const client = toDocumentClient(options.client);
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const table = { tableName };
  const enrollments = createDynamoDBEnrollmentRepository(client, table);
  const waitStore = createDynamoDBEventWaits(client, table);
  const ports = createSystemExecutorPorts({
    clock: options.clock,
    ...(options.parkLongerThanMs === undefined ? {} : { parkLongerThanMs: options.parkLongerThanMs }),
    newId: options.newId,
    revisions: options.revisions ?? createDynamoDBWorkflowRepository(client, table),
    ...(options.liveRevisionCacheMs === undefined
      ? {}
      : { liveRevisionCacheMs: options.liveRevisionCacheMs }),
    ...(options.stateMachines === undefined ? {} : { stateMachines: options.stateMachines }),
    records: options.records,
    lists: options.lists,
    memberships: new DynamoDBListRepository({ client, tableName }),
    enrollment: options.enrollment,
    enrollments,
    history: createDynamoDBHistoryRepository(client, table),
    publish: options.publish,
    publishActionEvent: options.publishActionEvent,
    outside: options.outside,
    intents: createDynamoDBEffectIntents(client, table),
    counters: createDynamoDBCounters(client, table),
    eventWaits: waitStore,
    continueAsNew: options.continueAsNew,
    succeedEventWait: options.succeedEventWait,
  });
  return { ports, eventWaits: eventWaits(waitStore, enrollments, options.clock) };
};
