import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { executionOrder } from '../../core/executions/executions.ts';
import type { ParkedExecution, ParkedExecutions } from '../../core/executions/parked-executions.ts';
import { toDocumentClient } from './index.ts';
import { conditionally } from './store-options.ts';
import { DEFAULT_TABLE_NAME, TABLE_KEYS } from './table.ts';

/** The due index is spread over this many partitions (each takes ~1,000 writes a second). */
export const PARKED_SHARDS = 16;

const parkedKey = (enrollmentId: string) => ({
  [TABLE_KEYS.pk]: `PARKED#${enrollmentId}`,
  [TABLE_KEYS.sk]: '-',
});

/** The shard of an enrollment: FNV-1a of its id. */
const shardOf = (enrollmentId: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < enrollmentId.length; index += 1) {
    hash ^= enrollmentId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % PARKED_SHARDS;
};

const duePartition = (shard: number) => `PARKED#DUE#${String(shard).padStart(2, '0')}`;

/**
 * Parked executions in the table (docs/storage.md, "Parked executions"): one item per enrollment
 * (`PARKED#<enrollmentId>`), indexed by due instant on gsi1 over 16 partitions (`PARKED#DUE#<nn>`,
 * `<dueAt>#<enrollmentId>`), so that a million parked steps cost storage, not open executions or memory.
 * @example createDynamoDBParkedExecutions(client, { tableName })
 */
export const createDynamoDBParkedExecutions = (
  dynamo: DynamoDBClient | DynamoDBDocumentClient,
  options: { readonly tableName?: string } = {},
): ParkedExecutions => {
  const client = toDocumentClient(dynamo);
  const TableName = options.tableName ?? DEFAULT_TABLE_NAME;
  return {
    async park(parked) {
      const enrollmentId = parked.input.enrollment.enrollmentId;
      const [run, generation] = executionOrder(parked.name, enrollmentId) ?? [0, 0];
      return conditionally(() =>
        client.send(
          new PutCommand({
            TableName,
            Item: {
              ...parkedKey(enrollmentId),
              entity: 'parkedExecution',
              ...parked,
              run,
              generation,
              [TABLE_KEYS.gsi1.pk]: duePartition(shardOf(enrollmentId)),
              [TABLE_KEYS.gsi1.sk]: `${parked.dueAt}#${enrollmentId}`,
            },
            // Never over a later execution of the enrollment (a late launch of an earlier successor).
            ConditionExpression:
              'attribute_not_exists(#pk) OR attribute_not_exists(#run) OR #run < :run OR (#run = :run AND #generation <= :generation)',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk, '#run': 'run', '#generation': 'generation' },
            ExpressionAttributeValues: { ':run': run, ':generation': generation },
          }),
        ),
      );
    },

    async cancel(enrollmentId, name) {
      if (name === undefined) {
        await client.send(new DeleteCommand({ TableName, Key: parkedKey(enrollmentId) }));
        return;
      }
      // Refused when the item is gone or now parks another execution of the enrollment: both keep what is there.
      await conditionally(() =>
        client.send(
          new DeleteCommand({
            TableName,
            Key: parkedKey(enrollmentId),
            ConditionExpression: '#name = :name',
            ExpressionAttributeNames: { '#name': 'name' },
            ExpressionAttributeValues: { ':name': name },
          }),
        ),
      );
    },

    async due(at, limit) {
      const pages = await Promise.all(
        Array.from({ length: PARKED_SHARDS }, (_, shard) =>
          client.send(
            new QueryCommand({
              TableName,
              IndexName: TABLE_KEYS.gsi1.name,
              KeyConditionExpression: '#pk = :pk AND #sk <= :upTo',
              ExpressionAttributeNames: { '#pk': TABLE_KEYS.gsi1.pk, '#sk': TABLE_KEYS.gsi1.sk },
              ExpressionAttributeValues: { ':pk': duePartition(shard), ':upTo': `${at}#\uffff` },
              Limit: limit,
            }),
          ),
        ),
      );
      return pages
        .flatMap((page) => page.Items ?? [])
        .map(
          (item): ParkedExecution => ({
            name: item.name,
            stateMachineArn: item.stateMachineArn,
            input: item.input,
            dueAt: item.dueAt,
          }),
        )
        .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
        .slice(0, limit);
    },
  };
};
