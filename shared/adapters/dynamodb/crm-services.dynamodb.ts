import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { invalidatingWorkflowRepository } from '../../core/enrollment/active-workflows.ts';
import type { ExecutionPorts, PublishWorkflowEvents } from '../../core/enrollment/enrollment-effects.ts';
import type { EnrollmentService } from '../../core/enrollment/enrollment-service.ts';
import { surroundingsReader } from '../../core/enrollment/record-surroundings.ts';
import type { Clock, IdGenerator } from '../../core/ports/clock.ts';
import type { ChangeLog } from '../../core/records/change-log.ts';
import {
  type ActivationService,
  type ActivationServiceOptions,
  createActivationService,
} from '../../core/services/activation-service.ts';
import { createRecordServices } from '../../core/services/create-record-services.ts';
import type { CrmServices } from '../../core/services/crm-services.ts';
import { recordContextReader } from '../../core/services/record-context.ts';
import type { RecoveryOptions } from '../../core/services/recovery.ts';
import { createWorkflowInsights } from '../../core/services/workflow-insights.ts';
import { createWorkflowService } from '../../core/services/workflow-service.ts';
import { createTemplateCatalog } from '../../core/templates/template-catalog.ts';
import type { StateMachineRegistry } from '../../core/workflow/state-machines.ts';
import type { WorkflowRepository } from '../../core/workflow/workflow-repository.ts';
import { createDynamoDBActivationCheckpoints } from './activation-checkpoints.dynamodb.ts';
import { createDynamoDBEnrollmentRepository } from './enrollment-repository.dynamodb.ts';
import {
  createDynamoDBEnrollmentService,
  type DynamoDBEnrollmentServiceOptions,
} from './enrollment-service.dynamodb.ts';
import { createDynamoDBHistoryRepository } from './history-repository.dynamodb.ts';
import { createDynamoDBRepositories, toDocumentClient } from './index.ts';
import { createDynamoDBStateMachines } from './state-machines.dynamodb.ts';
import { DEFAULT_TABLE_NAME } from './table.ts';
import { createDynamoDBWorkflowRepository } from './workflow-repository.dynamodb.ts';

export interface DynamoDBCrmServicesOptions {
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName?: string;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  /** The executor function compiled definitions call. */
  readonly actionFunctionArn: string;
  /** Where enrollment events go (`Enrollment Started`, `Enrollment Ended`, `Goal Met`): the bus. */
  readonly publish: PublishWorkflowEvents;
  /** Optional until executions exist: without them an enrollment is recorded and stays active. */
  readonly executions?: ExecutionPorts;
  /** How long the enrollment engine keeps the active workflows of a type (default 10 s on `clock`). */
  readonly activeWorkflowsTtlMs?: number;
  /** Where activation publishes state machines (default: the table's registry, the embedded runtime's). */
  readonly stateMachines?: StateMachineRegistry;
  /**
   * Activation's page size, per-step record and time budgets (defaults 100, 1,000 and 5 s), and what measures a
   * step's time (default `performance.now`).
   */
  readonly activation?: Pick<ActivationServiceOptions, 'pageSize' | 'recordBudget' | 'timeBudgetMs'> & {
    readonly elapsedMs?: () => number;
  };
  /** The enrollment engine's fan-out bound (default 1,000) and evaluation options. */
  readonly enrollment?: Pick<DynamoDBEnrollmentServiceOptions, 'fanOutLimit' | 'evaluation'>;
}

export interface DynamoDBCrmServices {
  readonly services: CrmServices;
  /**
   * Completes the record changes and list deletions a crash left pending (at start, or on a schedule, within its
   * options); returns how many.
   */
  readonly completePendingChanges: (options?: RecoveryOptions) => Promise<number>;
  /** Every committed change, and the feed of those not yet published. */
  readonly changeLog: ChangeLog;
  /** The enrollment engine over the same stores: the `enrollment` target and the `Workflow Enroll` port use it. */
  readonly enrollment: EnrollmentService;
  /** The workflow store the services write through (a write refreshes the enrollment engine's cache). */
  readonly workflowRepository: WorkflowRepository;
  /** Activation, with the continuation of unfinished `enrollExisting` runs (the runtime's background loop). */
  readonly activation: ActivationService;
}

/**
 * Every service of the API over one DynamoDB table: what the Lambda handlers and the embedded runtime both use.
 * @example createDynamoDBCrmServices({ client, clock: { now: () => new Date() }, newId: randomUUID, actionFunctionArn })
 */
export const createDynamoDBCrmServices = (options: DynamoDBCrmServicesOptions): DynamoDBCrmServices => {
  const client = toDocumentClient(options.client);
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const stores = createDynamoDBRepositories({ client, tableName });
  const { properties, records, lists, completePendingChanges } = createRecordServices({
    stores,
    clock: options.clock,
    ids: options.newId,
  });
  const templates = createTemplateCatalog();
  // One workflow store for the API and enrollment: a write through it refreshes enrollment's cache at once.
  let enrollment: EnrollmentService | undefined;
  const workflowRepository = invalidatingWorkflowRepository(
    createDynamoDBWorkflowRepository(client, { tableName }),
    (objectType) => enrollment?.invalidate(objectType),
  );
  enrollment = createDynamoDBEnrollmentService({
    client,
    tableName,
    clock: options.clock,
    newId: options.newId,
    publish: options.publish,
    ...(options.executions ? { executions: options.executions } : {}),
    ...(options.activeWorkflowsTtlMs === undefined
      ? {}
      : { activeWorkflowsTtlMs: options.activeWorkflowsTtlMs }),
    stores,
    records,
    workflows: workflowRepository,
    ...options.enrollment,
  });
  const stateMachines =
    options.stateMachines ?? createDynamoDBStateMachines(client, { tableName, clock: options.clock });
  const workflows = createWorkflowService(
    {
      repository: workflowRepository,
      stateMachines,
      clock: options.clock,
      newId: options.newId,
      templates,
      customProperties: () => properties.custom(),
      records: (objectType, page) => records.page(objectType, page),
      lists,
      recordContext: recordContextReader(stores, records),
    },
    { actionFunctionArn: options.actionFunctionArn },
  );
  const history = createDynamoDBHistoryRepository(client, { tableName });
  const activation = createActivationService(
    {
      repository: workflowRepository,
      stateMachines,
      checkpoints: createDynamoDBActivationCheckpoints(client, { tableName }),
      enrollment,
      records: (objectType, page) => records.page(objectType, page),
      clock: options.clock,
      customProperties: () => properties.custom(),
      elapsedMs: options.activation?.elapsedMs ?? (() => performance.now()),
    },
    { actionFunctionArn: options.actionFunctionArn, ...options.activation },
  );
  const insights = createWorkflowInsights({
    workflows: workflowRepository,
    records,
    surroundings: surroundingsReader(stores, records),
    enrollments: createDynamoDBEnrollmentRepository(client, { tableName }),
    customProperties: () => properties.custom(),
    clock: options.clock,
  });
  return {
    services: {
      properties,
      records,
      lists,
      workflows,
      templates,
      history,
      enrollments: enrollment,
      activation,
      insights,
    },
    completePendingChanges,
    changeLog: stores.changeLog,
    enrollment,
    workflowRepository,
    activation,
  };
};
