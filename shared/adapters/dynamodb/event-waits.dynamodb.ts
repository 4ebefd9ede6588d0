import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventWait, EventWaitStore } from '../../core/executor/event-wait-store.ts';
import { eventWaitKey, eventWaitsPk } from './executor-keys.ts';
import { toDocumentClient } from './index.ts';
import { conditionally, pickDefined } from './store-options.ts';
import { DEFAULT_TABLE_NAME, TABLE_KEYS } from './table.ts';

const FIELDS = [
  'workflowId',
  'objectType',
  'recordId',
  'enrollmentId',
  'actionId',
  'taskToken',
  'registeredAt',
  'executionId',
  'startedAt',
  'timesOutAt',
  'claimedBy',
  'retry',
] as const;

/**
 * Event waits in the table: `WAIT#<enrollmentId>` / `ACTION#<actionId>`, a put replacing the earlier one; an
 * enrollment's waits are one partition. A parked wait's claim is a conditional update of its `claimedBy`.
 * @example createDynamoDBEventWaits(client, { tableName })
 */
export const createDynamoDBEventWaits = (
  dynamo: DynamoDBClient | DynamoDBDocumentClient,
  options: { readonly tableName?: string } = {},
): EventWaitStore => {
  const client = toDocumentClient(dynamo);
  const TableName = options.tableName ?? DEFAULT_TABLE_NAME;
  return {
    async put(wait) {
      await client.send(
        new PutCommand({
          TableName,
          Item: { ...eventWaitKey(wait.enrollmentId, wait.actionId), entity: 'eventWait', ...wait },
        }),
      );
    },
    async get(enrollmentId, actionId) {
      const { Item } = await client.send(
        new GetCommand({ TableName, Key: eventWaitKey(enrollmentId, actionId), ConsistentRead: true }),
      );
      return Item ? pickDefined<EventWait>(Item, FIELDS) : undefined;
    },
    async ofEnrollment(enrollmentId) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk },
          ExpressionAttributeValues: { ':pk': eventWaitsPk(enrollmentId) },
          ConsistentRead: true,
        }),
      );
      return Items.map((item) => pickDefined<EventWait>(item, FIELDS));
    },
    async claim(enrollmentId, actionId, outcome, executionId) {
      const Key = eventWaitKey(enrollmentId, actionId);
      const ofExecution = executionId === undefined ? '' : ' AND #executionId = :executionId';
      const claimed = await conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName,
            Key,
            UpdateExpression: 'SET #claimedBy = :outcome',
            ConditionExpression: `attribute_exists(#pk) AND attribute_not_exists(#taskToken) AND (attribute_not_exists(#claimedBy) OR #claimedBy = :outcome)${ofExecution}`,
            ExpressionAttributeNames: {
              '#pk': TABLE_KEYS.pk,
              '#taskToken': 'taskToken',
              '#claimedBy': 'claimedBy',
              ...(executionId === undefined ? {} : { '#executionId': 'executionId' }),
            },
            ExpressionAttributeValues: {
              ':outcome': outcome,
              ...(executionId === undefined ? {} : { ':executionId': executionId }),
            },
          }),
        ),
      );
      if (claimed) return 'won';
      const { Item } = await client.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
      if (!Item || (executionId !== undefined && Item.executionId !== executionId)) return 'gone';
      return 'lost';
    },
    async delete(enrollmentId, actionId) {
      await client.send(new DeleteCommand({ TableName, Key: eventWaitKey(enrollmentId, actionId) }));
    },
  };
};
