import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock, IdGenerator } from '../../core/ports/clock.ts';
import type { ChangeLog } from '../../core/records/change-log.ts';
import { createRecordServices } from '../../core/services/create-record-services.ts';
import type { CrmServices } from '../../core/services/crm-services.ts';
import { recordContextReader } from '../../core/services/record-context.ts';
import { createWorkflowService } from '../../core/services/workflow-service.ts';
import { createTemplateCatalog } from '../../core/templates/template-catalog.ts';
import { createDynamoDBHistoryRepository } from './history-repository.dynamodb.ts';
import { createDynamoDBRepositories, toDocumentClient } from './index.ts';
import { DEFAULT_TABLE_NAME } from './table.ts';
import { createDynamoDBWorkflowRepository } from './workflow-repository.dynamodb.ts';

export interface DynamoDBCrmServicesOptions {
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName?: string;
  readonly clock: Clock;
  readonly newId: IdGenerator;
  /** The executor function compiled definitions call. */
  readonly actionFunctionArn: string;
}

export interface DynamoDBCrmServices {
  readonly services: CrmServices;
  /** Completes the record changes a crash left pending (at start, or on a schedule); returns how many. */
  readonly completePendingChanges: () => Promise<number>;
  /** Every committed change, and the feed of those not yet published. */
  readonly changeLog: ChangeLog;
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
  const workflows = createWorkflowService(
    {
      repository: createDynamoDBWorkflowRepository(client, { tableName }),
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
  return {
    services: { properties, records, lists, workflows, templates, history },
    completePendingChanges,
    changeLog: stores.changeLog,
  };
};
