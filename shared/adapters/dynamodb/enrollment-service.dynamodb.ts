import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createActiveWorkflows } from '../../core/enrollment/active-workflows.ts';
import type { ExecutionPorts, PublishWorkflowEvents } from '../../core/enrollment/enrollment-effects.ts';
import { createEnrollmentService, type EnrollmentService } from '../../core/enrollment/enrollment-service.ts';
import type { EvaluationOptions } from '../../core/enrollment/part-reader.ts';
import { type RecordReader, surroundingsReader } from '../../core/enrollment/record-surroundings.ts';
import type { Clock, IdGenerator } from '../../core/ports/clock.ts';
import { createRecordServices } from '../../core/services/create-record-services.ts';
import type { RecordStores } from '../../core/services/record-stores.ts';
import type { WorkflowRepository } from '../../core/workflow/workflow-repository.ts';
import { createDynamoDBEnrollmentRepository } from './enrollment-repository.dynamodb.ts';
import { createDynamoDBHistoryRepository } from './history-repository.dynamodb.ts';
import { createDynamoDBRepositories, toDocumentClient } from './index.ts';
import { DEFAULT_TABLE_NAME } from './table.ts';
import { createDynamoDBWorkflowRepository } from './workflow-repository.dynamodb.ts';

export interface DynamoDBEnrollmentServiceOptions {
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName?: string;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  /** Where `Enrollment Started`, `Enrollment Ended` and `Goal Met` go (the bus). */
  readonly publish: PublishWorkflowEvents;
  /** Optional until executions exist (see `ExecutionPorts`). */
  readonly executions?: ExecutionPorts;
  /** How long the active workflows of a type are kept in memory (default 10 s on `clock`). */
  readonly activeWorkflowsTtlMs?: number;
  /** Shared with the API's services when composed beside them; else built over the same table. */
  readonly stores?: Pick<RecordStores, 'associations' | 'lists'>;
  readonly records?: RecordReader;
  readonly workflows?: WorkflowRepository;
  /** At most this many associated records one change re-evaluates per object type (default 1,000). */
  readonly fanOutLimit?: number;
  /** How criteria are evaluated (property types, an observer). */
  readonly evaluation?: EvaluationOptions;
}

/**
 * The enrollment service over one DynamoDB table: the enrollment, history, workflow, association and list stores.
 * The enrollment Lambda uses it alone; `createDynamoDBCrmServices` composes it beside the API's services.
 * @example createDynamoDBEnrollmentService({ client, clock, newId: randomUUID, publish })
 */
export const createDynamoDBEnrollmentService = (
  options: DynamoDBEnrollmentServiceOptions,
): EnrollmentService => {
  const client = toDocumentClient(options.client);
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const own =
    options.stores && options.records ? undefined : createDynamoDBRepositories({ client, tableName });
  const stores = options.stores ?? (own as RecordStores);
  // The record service's `get` (a record whose change is still pending reads as the service says it is).
  const records: RecordReader =
    options.records ??
    createRecordServices({ stores: own as RecordStores, clock: options.clock, ids: options.newId }).records;
  const workflows = options.workflows ?? createDynamoDBWorkflowRepository(client, { tableName });
  return createEnrollmentService({
    workflows,
    active: createActiveWorkflows({
      repository: workflows,
      clock: options.clock,
      ...(options.activeWorkflowsTtlMs === undefined ? {} : { ttlMs: options.activeWorkflowsTtlMs }),
    }),
    enrollments: createDynamoDBEnrollmentRepository(client, { tableName }),
    history: createDynamoDBHistoryRepository(client, { tableName }),
    records,
    surroundings: surroundingsReader(stores, records),
    associations: stores.associations,
    ...(options.fanOutLimit === undefined ? {} : { fanOutLimit: options.fanOutLimit }),
    ...(options.evaluation ? { evaluation: options.evaluation } : {}),
    publish: options.publish,
    clock: options.clock,
    newId: options.newId,
    ...(options.executions ? { executions: options.executions } : {}),
  });
};
