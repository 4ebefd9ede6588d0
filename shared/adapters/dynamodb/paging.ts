import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../core/errors/app-error.ts';
import type { PageRequest } from '../../core/ports/page.ts';
import type { StoreOptions } from './store-options.ts';
import { TABLE_KEYS } from './table.ts';

type Key = Record<string, unknown>;

/** A cursor is the base64url of the JSON of DynamoDB's LastEvaluatedKey. */
export const encodeCursor = (key: Key): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

const badCursor = () =>
  new ValidationError([{ path: 'cursor', message: 'is not a cursor this list returned' }]);

/** The start key of a cursor; a cursor of another list (another partition) is refused as a 400. */
export const decodeCursor = (cursor: string, partition: readonly [name: string, value: string]): Key => {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw badCursor();
  const values = Object.values(key);
  if (values.length > 4 || !values.every((value) => typeof value === 'string')) throw badCursor();
  if ((key as Key)[partition[0]] !== partition[1]) throw badCursor();
  return key as Key;
};

/**
 * One page of a query: up to `limit` items, querying again while a filter leaves a page short. The cursor is the
 * last evaluated key (null once DynamoDB says there is no more).
 */
export const queryPage = async <T>(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  page: PageRequest,
  partition: readonly [name: string, value: string],
): Promise<{ results: T[]; nextCursor: string | null }> => {
  const results: T[] = [];
  let start = page.cursor ? decodeCursor(page.cursor, partition) : undefined;
  let fromCursor = start !== undefined;
  do {
    const output = await client
      .send(new QueryCommand({ ...input, Limit: page.limit - results.length, ExclusiveStartKey: start }))
      .catch((error: unknown) => {
        // A decoded cursor of the right partition may still lack the index's other key attributes.
        if (fromCursor && error instanceof Error && error.name === 'ValidationException') throw badCursor();
        throw error;
      });
    fromCursor = false;
    results.push(...((output.Items ?? []) as T[]));
    start = output.LastEvaluatedKey;
  } while (start && results.length < page.limit);
  return { results, nextCursor: start ? encodeCursor(start) : null };
};

/** Every item of a query, page after page (small partitions: a record's associations, a type's properties). */
export const queryAll = async <T>(client: DynamoDBDocumentClient, input: QueryCommandInput): Promise<T[]> => {
  const items: T[] = [];
  let start: Key | undefined;
  do {
    const output = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((output.Items ?? []) as T[]));
    start = output.LastEvaluatedKey;
  } while (start);
  return items;
};

/** How many items a query matches (its filter applied), counted page after page without reading them out. */
export const queryCount = async (
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<number> => {
  let count = 0;
  let start: Key | undefined;
  do {
    const output = await client.send(
      new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += output.Count ?? 0;
    start = output.LastEvaluatedKey;
  } while (start);
  return count;
};

/**
 * One page of one partition of a global secondary index (`gsi1`, `gsi2`), in its sort key's order (descending
 * with `newestFirst`).
 */
export const indexPage = <T>(
  options: StoreOptions,
  index: 'gsi1' | 'gsi2',
  partition: string,
  page: PageRequest,
  order: { readonly newestFirst?: boolean } = {},
): Promise<{ results: T[]; nextCursor: string | null }> =>
  queryPage<T>(
    options.client,
    {
      TableName: options.tableName,
      IndexName: TABLE_KEYS[index].name,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS[index].pk },
      ExpressionAttributeValues: { ':pk': partition },
      ...(order.newestFirst ? { ScanIndexForward: false } : {}),
    },
    page,
    [TABLE_KEYS[index].pk, partition],
  );
