import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CounterStore } from '../../core/executor/executor-counters.ts';
import { counterKey } from './executor-keys.ts';
import { toDocumentClient } from './index.ts';
import { DEFAULT_TABLE_NAME } from './table.ts';

/**
 * The executor's counters in the table: `ATTEMPTS#<executionId>` or `ROTATION#<workflowId>` / `ACTION#<actionId>`,
 * each added to with one `ADD` (atomic: concurrent adds never lose one).
 * @example createDynamoDBCounters(client, { tableName })
 */
export const createDynamoDBCounters = (
  dynamo: DynamoDBClient | DynamoDBDocumentClient,
  options: { readonly tableName?: string } = {},
): CounterStore => {
  const client = toDocumentClient(dynamo);
  const TableName = options.tableName ?? DEFAULT_TABLE_NAME;
  return {
    async add(counter, by) {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName,
          Key: counterKey(counter),
          UpdateExpression: 'ADD #value :by SET #entity = :entity',
          ExpressionAttributeNames: { '#value': 'value', '#entity': 'entity' },
          ExpressionAttributeValues: { ':by': by, ':entity': `${counter.kind}Counter` },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.value ?? 0);
    },
    async get(counter) {
      const { Item } = await client.send(
        new GetCommand({ TableName, Key: counterKey(counter), ConsistentRead: true }),
      );
      return Number(Item?.value ?? 0);
    },
  };
};
