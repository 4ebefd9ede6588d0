import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordStores } from '../../core/services/record-stores.ts';
import { DynamoDBAssociationRepository } from './association-repository.dynamodb.ts';
import { DynamoDBChangeLog } from './change-log.dynamodb.ts';
import { DynamoDBListRepository } from './list-repository.dynamodb.ts';
import { DynamoDBPropertyRepository } from './property-repository.dynamodb.ts';
import { DynamoDBRecordRepository } from './record-repository.dynamodb.ts';
import { DEFAULT_TABLE_NAME } from './table.ts';
import { DynamoDBUniqueClaims } from './unique-claims.dynamodb.ts';

export { DynamoDBAssociationRepository } from './association-repository.dynamodb.ts';
export { DynamoDBChangeLog } from './change-log.dynamodb.ts';
export { createDynamoDBEnrollmentRepository } from './enrollment-repository.dynamodb.ts';
export { createDynamoDBHistoryRepository } from './history-repository.dynamodb.ts';
export { DynamoDBListRepository } from './list-repository.dynamodb.ts';
export { DynamoDBPropertyRepository } from './property-repository.dynamodb.ts';
export { DynamoDBRecordRepository } from './record-repository.dynamodb.ts';
export type { StoreOptions } from './store-options.ts';
export { DEFAULT_TABLE_NAME, ensureTable, TABLE_KEYS, tableDefinition } from './table.ts';
export { DynamoDBUniqueClaims } from './unique-claims.dynamodb.ts';

export interface DynamoDBRepositoriesOptions {
  /** A DynamoDB client (wrapped in a document client here) or a document client as it is. */
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName?: string;
}

/** A document client over `client`: empty attributes left out, plain numbers and strings in and out. */
export const toDocumentClient = (client: DynamoDBClient | DynamoDBDocumentClient): DynamoDBDocumentClient =>
  client instanceof DynamoDBDocumentClient
    ? client
    : DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

/**
 * The records slice's stores over one table.
 * @example createDynamoDBRepositories({ client: new DynamoDBClient({}), tableName: 'crm-workflows' })
 */
export const createDynamoDBRepositories = (options: DynamoDBRepositoriesOptions): RecordStores => {
  const store = {
    client: toDocumentClient(options.client ?? new DynamoDBClient({})),
    tableName: options.tableName ?? DEFAULT_TABLE_NAME,
  };
  return {
    records: new DynamoDBRecordRepository(store),
    changeLog: new DynamoDBChangeLog(store),
    claims: new DynamoDBUniqueClaims(store),
    associations: new DynamoDBAssociationRepository(store),
    lists: new DynamoDBListRepository(store),
    properties: new DynamoDBPropertyRepository(store),
  };
};
