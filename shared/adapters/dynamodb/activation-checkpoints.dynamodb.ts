import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  ActivationCheckpoint,
  ActivationCheckpoints,
} from '../../core/workflow/activation-checkpoints.ts';
import { toDocumentClient } from './index.ts';
import { conditionally } from './store-options.ts';
import { DEFAULT_TABLE_NAME, TABLE_KEYS } from './table.ts';

export const activationPk = (workflowId: string) => `ACT#${workflowId}`;
export const ACTIVATION_SK = '#ACTIVATION';
/** gsi2 partition of the unfinished checkpoints (sparse: a finished one has no gsi2 keys). */
export const UNFINISHED_ACTIVATIONS = 'ACTIVATIONS';

const FIELDS = [
  'workflowId',
  'revision',
  'activatedAt',
  'cursor',
  'matched',
  'enrolled',
  'step',
  'updatedAt',
];

/**
 * Activation checkpoints in the table: `ACT#<workflowId>` / `#ACTIVATION`, in gsi2 `ACTIVATIONS` /
 * `<activatedAt>#<workflowId>` while unfinished. Every save is conditional on the step it follows.
 * @example createDynamoDBActivationCheckpoints(client, { tableName })
 */
export const createDynamoDBActivationCheckpoints = (
  dynamo: DynamoDBClient | DynamoDBDocumentClient,
  options: { readonly tableName?: string } = {},
): ActivationCheckpoints => {
  const client = toDocumentClient(dynamo);
  const TableName = options.tableName ?? DEFAULT_TABLE_NAME;
  const key = (workflowId: string) => ({
    [TABLE_KEYS.pk]: activationPk(workflowId),
    [TABLE_KEYS.sk]: ACTIVATION_SK,
  });
  return {
    async get(workflowId) {
      const { Item } = await client.send(
        new GetCommand({ TableName, Key: key(workflowId), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      return Object.fromEntries(
        FIELDS.filter((field) => Item[field] !== undefined).map((field) => [field, Item[field]]),
      ) as unknown as ActivationCheckpoint;
    },
    save(next) {
      const unfinished = next.cursor !== null;
      return conditionally(() =>
        client.send(
          new PutCommand({
            TableName,
            Item: {
              ...key(next.workflowId),
              entity: 'activation',
              ...next,
              ...(unfinished
                ? {
                    [TABLE_KEYS.gsi2.pk]: UNFINISHED_ACTIVATIONS,
                    [TABLE_KEYS.gsi2.sk]: `${next.activatedAt}#${next.workflowId}`,
                  }
                : {}),
            },
            ...(next.step === 0
              ? {
                  // A new activation replaces whatever an earlier one left.
                }
              : {
                  ConditionExpression: '#step = :previous',
                  ExpressionAttributeNames: { '#step': 'step' },
                  ExpressionAttributeValues: { ':previous': next.step - 1 },
                }),
          }),
        ),
      );
    },
    async delete(workflowId) {
      await client.send(new DeleteCommand({ TableName, Key: key(workflowId) }));
    },
    async unfinished(limit) {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName,
          IndexName: TABLE_KEYS.gsi2.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.gsi2.pk },
          ExpressionAttributeValues: { ':pk': UNFINISHED_ACTIVATIONS },
          ProjectionExpression: 'workflowId',
          Limit: limit,
        }),
      );
      return Items.map((item) => item.workflowId as string);
    },
  };
};
