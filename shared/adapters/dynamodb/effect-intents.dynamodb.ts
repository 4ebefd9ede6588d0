import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EffectIntent, EffectIntentStore } from '../../core/executor/effect-intents.ts';
import { effectIntentKey } from './executor-keys.ts';
import { toDocumentClient } from './index.ts';
import { conditionally, pickDefined } from './store-options.ts';
import { DEFAULT_TABLE_NAME, TABLE_KEYS } from './table.ts';

const FIELDS = ['key', 'effect', 'createdAt', 'done', 'outcome'] as const;

/**
 * Effect intents in the table: `EFFECT#<key>` / `#EFFECT`, written with `attribute_not_exists(pk)` (the first
 * attempt's values stay), then `done` set once the effect is applied.
 * @example createDynamoDBEffectIntents(client, { tableName })
 */
export const createDynamoDBEffectIntents = (
  dynamo: DynamoDBClient | DynamoDBDocumentClient,
  options: { readonly tableName?: string } = {},
): EffectIntentStore => {
  const client = toDocumentClient(dynamo);
  const TableName = options.tableName ?? DEFAULT_TABLE_NAME;

  const get = async (key: string): Promise<EffectIntent | undefined> => {
    const { Item } = await client.send(
      new GetCommand({ TableName, Key: effectIntentKey(key), ConsistentRead: true }),
    );
    return Item ? pickDefined<EffectIntent>(Item, FIELDS) : undefined;
  };

  return {
    get,
    async claim(intent) {
      const written = await conditionally(() =>
        client.send(
          new PutCommand({
            TableName,
            Item: { ...effectIntentKey(intent.key), entity: 'effectIntent', ...intent, done: false },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk },
          }),
        ),
      );
      if (written) return { ...intent, done: false };
      const kept = await get(intent.key);
      if (!kept) throw new Error(`the effect intent ${intent.key} was refused and is not there`);
      return kept;
    },
    async markDone(key, outcome) {
      await client.send(
        new UpdateCommand({
          TableName,
          Key: effectIntentKey(key),
          UpdateExpression: `SET #done = :done${outcome === undefined ? '' : ', #outcome = :outcome'}`,
          ExpressionAttributeNames: {
            '#done': 'done',
            ...(outcome === undefined ? {} : { '#outcome': 'outcome' }),
          },
          ExpressionAttributeValues: {
            ':done': true,
            ...(outcome === undefined ? {} : { ':outcome': outcome }),
          },
        }),
      );
    },
  };
};
