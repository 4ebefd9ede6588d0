import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  type HistoryLine,
  type HistoryQuery,
  type HistoryRepository,
  historyLineKey,
} from '../../core/enrollment/history-repository.ts';
import type { PageRequest } from '../../core/ports/page.ts';
import {
  HISTORY_KEY_SK,
  historyKeyPk,
  historyPk,
  historySk,
  recordHistoryPartition,
  workflowRecordHistoryPartition,
} from './enrollment-keys.ts';
import { queryPage } from './paging.ts';
import { conditionally, pickDefined } from './store-options.ts';
import { TABLE_KEYS } from './table.ts';
import { nextWriteOrder } from './write-order.ts';

/*
 * History in the single table (docs/storage.md, "Enrollments and history"):
 *   line      pk HIST#<workflowId>            sk <at>#<order>#<key>
 *             gsi1 HISTREC#<type>#<recordId> / <at>#<order>#<workflowId>#<key>
 *             gsi2 HISTWF#<workflowId>#<recordId> / <at>#<order>#<key>
 *   line key  pk HISTKEY#<workflowId>#<key>   sk #KEY         the `at` and `order` of the first append of that key
 * `order` (write-order.ts) lists the lines of one instant in the order they were written.
 */

export interface DynamoDBHistoryRepositoryOptions {
  readonly tableName: string;
}

type Item = Record<string, unknown>;

const LINE_FIELDS = [
  'at',
  'workflowId',
  'revision',
  'enrollmentId',
  'recordId',
  'objectType',
  'event',
  'actionId',
  'reason',
  'details',
  'retry',
] as const;

const toLine = (item: Item): HistoryLine => pickDefined(item, LINE_FIELDS);

/**
 * The history repository over the single table, through a DocumentClient.
 * @example createDynamoDBHistoryRepository(DynamoDBDocumentClient.from(client), { tableName: 'crm-workflows' })
 */
export const createDynamoDBHistoryRepository = (
  documents: DynamoDBDocumentClient,
  options: DynamoDBHistoryRepositoryOptions,
): HistoryRepository => {
  const { tableName } = options;

  /** The instant and write order the first append of `key` chose: the line's sort key, the same for every retry. */
  const placeOf = async (line: HistoryLine, key: string): Promise<{ at: string; order?: string }> => {
    const keyItem = { [TABLE_KEYS.pk]: historyKeyPk(line.workflowId, key), [TABLE_KEYS.sk]: HISTORY_KEY_SK };
    const order = nextWriteOrder();
    const claimed = await conditionally(() =>
      documents.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keyItem, at: line.at, order },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk },
        }),
      ),
    );
    if (claimed) return { at: line.at, order };
    const { Item } = await documents.send(
      new GetCommand({ TableName: tableName, Key: keyItem, ConsistentRead: true }),
    );
    if (!Item) return { at: line.at, order };
    return pickDefined<{ at: string; order?: string }>(Item, ['at', 'order']);
  };

  const page = async (
    input: Omit<QueryCommandInput, 'TableName'>,
    partition: readonly [string, string],
    request: PageRequest,
  ) => {
    const { results, nextCursor } = await queryPage<Item>(
      documents,
      { ...input, TableName: tableName, ScanIndexForward: false },
      request,
      partition,
    );
    return { results: results.map(toLine), nextCursor };
  };

  return {
    async append(line, key = historyLineKey(line)) {
      const { at, order } = await placeOf(line, key);
      const sk = historySk(at, order, key);
      // A crash between the two writes leaves the key without its line: the retry finds the key and writes it.
      await conditionally(() =>
        documents.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              [TABLE_KEYS.pk]: historyPk(line.workflowId),
              [TABLE_KEYS.sk]: sk,
              [TABLE_KEYS.gsi1.pk]: recordHistoryPartition(line.objectType, line.recordId),
              [TABLE_KEYS.gsi1.sk]: historySk(at, order, `${line.workflowId}#${key}`),
              [TABLE_KEYS.gsi2.pk]: workflowRecordHistoryPartition(line.workflowId, line.recordId),
              [TABLE_KEYS.gsi2.sk]: sk,
              entity: 'history',
              ...toLine(line as unknown as Item),
              at,
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk },
          }),
        ),
      );
    },

    ofWorkflow(workflowId, query: HistoryQuery, request) {
      const byRecord = query.recordId !== undefined;
      const partitionKey = byRecord ? TABLE_KEYS.gsi2.pk : TABLE_KEYS.pk;
      const partition = byRecord
        ? workflowRecordHistoryPartition(workflowId, query.recordId as string)
        : historyPk(workflowId);
      return page(
        {
          ...(byRecord ? { IndexName: TABLE_KEYS.gsi2.name } : {}),
          KeyConditionExpression: '#pk = :pk',
          ...(query.event === undefined ? {} : { FilterExpression: '#event = :event' }),
          ExpressionAttributeNames: {
            '#pk': partitionKey,
            ...(query.event === undefined ? {} : { '#event': 'event' }),
          },
          ExpressionAttributeValues: {
            ':pk': partition,
            ...(query.event === undefined ? {} : { ':event': query.event }),
          },
        },
        [partitionKey, partition],
        request,
      );
    },

    ofRecord(objectType, recordId, request) {
      const partition = recordHistoryPartition(objectType, recordId);
      return page(
        {
          IndexName: TABLE_KEYS.gsi1.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.gsi1.pk },
          ExpressionAttributeValues: { ':pk': partition },
        },
        [TABLE_KEYS.gsi1.pk, partition],
        request,
      );
    },
  };
};
