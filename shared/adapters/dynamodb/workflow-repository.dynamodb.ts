import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors/app-error.ts';
import type { Page, PageRequest } from '../../core/ports/page.ts';
import type { EnrollableObjectType } from '../../core/records/object-types.ts';
import type { RevisionSummary, StoredWorkflow, WorkflowStatus } from '../../core/services/crm-services.ts';
import type { WorkflowDefinition } from '../../core/workflow/workflow.schema.ts';
import type { WorkflowFilter, WorkflowRepository } from '../../core/workflow/workflow-repository.ts';
import { TABLE_KEYS } from './table.ts';

/*
 * Workflows in the single table (docs/storage.md, "Workflows"):
 *   current item   pk WF#<id>  sk WF                  gsi1 WF#<objectType> / <status>#<createdAt>#<id>
 *                                                     gsi2 WF              / <status>#<createdAt>#<id>
 *   revision item  pk WF#<id>  sk REV#<revision, 10 digits>   (no index keys: in no index)
 * The definition is kept as a JSON string: no nesting limit, and the item reads back exactly as written.
 */

export interface DynamoDBWorkflowRepositoryOptions {
  readonly tableName: string;
}

/** DynamoDB items hold at most 400 KB; the definition leaves room for the other attributes. */
export const MAX_STORED_DEFINITION_BYTES = 380_000;

const CURRENT_SK = 'WF';
const REVISION_PREFIX = 'REV#';
const ALL_WORKFLOWS = 'WF';

const workflowPk = (id: string) => `WF#${id}`;
const revisionSk = (revision: number) => `${REVISION_PREFIX}${String(revision).padStart(10, '0')}`;
const objectTypePk = (objectType: string) => `WF#${objectType}`;
const statusSk = (workflow: Pick<StoredWorkflow, 'status' | 'createdAt' | 'id'>) =>
  `${workflow.status}#${workflow.createdAt}#${workflow.id}`;

type Item = Record<string, unknown>;

/** The server-owned fields of a workflow, in the order GET shows them after the definition. */
const SERVER_FIELDS = ['id', 'status', 'revision', 'createdAt', 'updatedAt', 'activatedAt'] as const;

const definitionOf = (workflow: StoredWorkflow): WorkflowDefinition => {
  const definition: Record<string, unknown> = { ...workflow };
  for (const field of SERVER_FIELDS) delete definition[field];
  return definition as WorkflowDefinition;
};

const serializedDefinition = (workflow: StoredWorkflow): string => {
  const json = JSON.stringify(definitionOf(workflow));
  const bytes = Buffer.byteLength(json);
  if (bytes > MAX_STORED_DEFINITION_BYTES) {
    throw new ValidationError([
      {
        path: 'actions',
        message: `the workflow takes ${bytes} bytes, over the ${MAX_STORED_DEFINITION_BYTES} a stored workflow may take: split it`,
      },
    ]);
  }
  return json;
};

/** The attributes both item kinds carry. */
const workflowAttributes = (workflow: StoredWorkflow, definition: string): Item => ({
  id: workflow.id,
  objectType: workflow.objectType,
  status: workflow.status,
  revision: workflow.revision,
  createdAt: workflow.createdAt,
  updatedAt: workflow.updatedAt,
  ...(workflow.activatedAt === undefined ? {} : { activatedAt: workflow.activatedAt }),
  definition,
});

const currentItem = (workflow: StoredWorkflow): Item => ({
  [TABLE_KEYS.pk]: workflowPk(workflow.id),
  [TABLE_KEYS.sk]: CURRENT_SK,
  [TABLE_KEYS.gsi1.pk]: objectTypePk(workflow.objectType),
  [TABLE_KEYS.gsi1.sk]: statusSk(workflow),
  [TABLE_KEYS.gsi2.pk]: ALL_WORKFLOWS,
  [TABLE_KEYS.gsi2.sk]: statusSk(workflow),
  entity: 'workflow',
  ...workflowAttributes(workflow, serializedDefinition(workflow)),
});

const revisionItem = (workflow: StoredWorkflow): Item => ({
  [TABLE_KEYS.pk]: workflowPk(workflow.id),
  [TABLE_KEYS.sk]: revisionSk(workflow.revision),
  entity: 'workflowRevision',
  ...workflowAttributes(workflow, serializedDefinition(workflow)),
});

const toWorkflow = (item: Item): StoredWorkflow => ({
  id: item.id as string,
  ...(JSON.parse(item.definition as string) as WorkflowDefinition),
  status: item.status as WorkflowStatus,
  revision: item.revision as number,
  createdAt: item.createdAt as string,
  updatedAt: item.updatedAt as string,
  ...(item.activatedAt === undefined ? {} : { activatedAt: item.activatedAt as string }),
});

const toSummary = (item: Item): RevisionSummary => ({
  revision: item.revision as number,
  updatedAt: item.updatedAt as string,
  ...(item.activatedAt === undefined ? {} : { activatedAt: item.activatedAt as string }),
});

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** The index a page query reads, its partition and the key attributes of its cursor. */
interface IndexQuery {
  readonly index: typeof TABLE_KEYS.gsi1 | typeof TABLE_KEYS.gsi2;
  readonly partition: string;
  readonly sortPrefix?: string;
}

const indexQuery = (filter: WorkflowFilter): IndexQuery => {
  const sortPrefix = filter.status === undefined ? {} : { sortPrefix: `${filter.status}#` };
  return filter.objectType === undefined
    ? { index: TABLE_KEYS.gsi2, partition: ALL_WORKFLOWS, ...sortPrefix }
    : { index: TABLE_KEYS.gsi1, partition: objectTypePk(filter.objectType), ...sortPrefix };
};

const queryInput = (tableName: string, query: IndexQuery): QueryCommandInput => ({
  TableName: tableName,
  IndexName: query.index.name,
  KeyConditionExpression:
    query.sortPrefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
  ExpressionAttributeNames: {
    '#pk': query.index.pk,
    ...(query.sortPrefix === undefined ? {} : { '#sk': query.index.sk }),
  },
  ExpressionAttributeValues: {
    ':pk': query.partition,
    ...(query.sortPrefix === undefined ? {} : { ':prefix': query.sortPrefix }),
  },
});

const cursorKeys = (index: IndexQuery['index']) => [TABLE_KEYS.pk, TABLE_KEYS.sk, index.pk, index.sk];

/** The cursor of the page after `item`: base64url of the index key DynamoDB would return as LastEvaluatedKey. */
export const encodeCursor = (item: Item, index: IndexQuery['index']): string =>
  Buffer.from(
    JSON.stringify(Object.fromEntries(cursorKeys(index).map((key) => [key, item[key]]))),
    'utf8',
  ).toString('base64url');

const badCursor = () =>
  new ValidationError([
    { path: 'cursor', message: 'the cursor is not one this list returned: start again without it' },
  ]);

/** The ExclusiveStartKey of `cursor`; ValidationError (`cursor`) unless it is a key of this very query. */
export const decodeCursor = (cursor: string, query: IndexQuery): Item => {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw badCursor();
  const expected: string[] = cursorKeys(query.index);
  const entries = Object.entries(key);
  const wellFormed =
    entries.length === expected.length &&
    entries.every(([name, value]) => expected.includes(name) && typeof value === 'string');
  const record = key as Record<string, string>;
  if (!wellFormed || record[query.index.pk] !== query.partition) throw badCursor();
  if (query.sortPrefix !== undefined && !record[query.index.sk]?.startsWith(query.sortPrefix))
    throw badCursor();
  return record;
};

/**
 * The workflow repository over the single table, through a DocumentClient.
 * @example createDynamoDBWorkflowRepository(DynamoDBDocumentClient.from(client), { tableName: 'crm-workflows' })
 */
export const createDynamoDBWorkflowRepository = (
  documents: DynamoDBDocumentClient,
  options: DynamoDBWorkflowRepositoryOptions,
): WorkflowRepository => {
  const { tableName } = options;

  const getCurrent = async (id: string): Promise<Item | undefined> => {
    const { Item } = await documents.send(
      new GetCommand({
        TableName: tableName,
        Key: { [TABLE_KEYS.pk]: workflowPk(id), [TABLE_KEYS.sk]: CURRENT_SK },
        ConsistentRead: true,
      }),
    );
    return Item;
  };

  /** Every item of one Query, page after page (bounded by what the query selects, never a Scan). */
  const queryAll = async (input: QueryCommandInput): Promise<Item[]> => {
    const items: Item[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await documents.send(
        new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }),
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return items;
  };

  const deleteRevisions = async (id: string): Promise<void> => {
    const keys = await queryAll({
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk, '#sk': TABLE_KEYS.sk },
      ExpressionAttributeValues: { ':pk': workflowPk(id), ':prefix': REVISION_PREFIX },
      ProjectionExpression: '#pk, #sk',
      ConsistentRead: true,
    });
    for (let start = 0; start < keys.length; start += 25) {
      let requests: Record<string, unknown>[] | undefined = keys
        .slice(start, start + 25)
        .map((Key) => ({ DeleteRequest: { Key } }));
      while (requests && requests.length > 0) {
        const { UnprocessedItems } = await documents.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined;
      }
    }
  };

  return {
    async create(workflow) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: currentItem(workflow),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new ConflictError(`workflow ${workflow.id} already exists`);
        throw error;
      }
    },

    async get(id) {
      const item = await getCurrent(id);
      return item ? toWorkflow(item) : undefined;
    },

    async update(next, previous) {
      const item = currentItem(next);
      // 1. The revision being replaced, copied from the current item as read: every writer that read this
      //    revision writes the same item, so a repeated or concurrent write of it changes nothing.
      await documents.send(new PutCommand({ TableName: tableName, Item: revisionItem(previous) }));
      // 2. The current item, only while it still holds the revision and status that were read.
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: '#revision = :revision AND #status = :status',
            ExpressionAttributeNames: { '#revision': 'revision', '#status': 'status' },
            ExpressionAttributeValues: { ':revision': previous.revision, ':status': previous.status },
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) {
          throw new ConflictError(
            `workflow ${previous.id} changed since revision ${previous.revision} was read: fetch it again and reapply the edit`,
          );
        }
        throw error;
      }
    },

    async setStatus(previous, status, activatedAt) {
      const sortKey = statusSk({ ...previous, status });
      try {
        const { Attributes } = await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { [TABLE_KEYS.pk]: workflowPk(previous.id), [TABLE_KEYS.sk]: CURRENT_SK },
            UpdateExpression: `SET #status = :next, #gsi1sk = :sortKey, #gsi2sk = :sortKey${activatedAt === undefined ? '' : ', #activatedAt = :activatedAt'}`,
            ConditionExpression: '#revision = :revision AND #status = :status',
            ExpressionAttributeNames: {
              '#status': 'status',
              '#revision': 'revision',
              '#gsi1sk': TABLE_KEYS.gsi1.sk,
              '#gsi2sk': TABLE_KEYS.gsi2.sk,
              ...(activatedAt === undefined ? {} : { '#activatedAt': 'activatedAt' }),
            },
            ExpressionAttributeValues: {
              ':next': status,
              ':sortKey': sortKey,
              ':revision': previous.revision,
              ':status': previous.status,
              ...(activatedAt === undefined ? {} : { ':activatedAt': activatedAt }),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return toWorkflow(Attributes as Item);
      } catch (error) {
        if (isConditionFailure(error)) {
          throw new ConflictError(
            `workflow ${previous.id} changed since revision ${previous.revision} was read`,
          );
        }
        throw error;
      }
    },

    async delete(id) {
      try {
        await documents.send(
          new DeleteCommand({
            TableName: tableName,
            Key: { [TABLE_KEYS.pk]: workflowPk(id), [TABLE_KEYS.sk]: CURRENT_SK },
            ConditionExpression: 'attribute_exists(#pk) AND #status <> :active',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk, '#status': 'status' },
            ExpressionAttributeValues: { ':active': 'active' },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        if (await getCurrent(id)) throw new ConflictError(`workflow ${id} is active: deactivate it first`);
        throw new NotFoundError(`workflow ${id} not found`);
      }
      // The workflow is gone once its current item is: its revisions go after it (a crash in between leaves
      // revision items no read reaches, since every read of a workflow starts at its current item).
      await deleteRevisions(id);
    },

    async page(filter: WorkflowFilter, page: PageRequest): Promise<Page<StoredWorkflow>> {
      const query = indexQuery(filter);
      const input = queryInput(tableName, query);
      const items: Item[] = [];
      let startKey: Item | undefined =
        page.cursor === undefined ? undefined : decodeCursor(page.cursor, query);
      // One item past the page tells whether another page follows, so the last page says nextCursor: null.
      do {
        const output = await documents.send(
          new QueryCommand({
            ...input,
            Limit: page.limit + 1 - items.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        );
        items.push(...(output.Items ?? []));
        startKey = output.LastEvaluatedKey;
      } while (startKey && items.length <= page.limit);
      const results = items.slice(0, page.limit);
      const last = results.at(-1);
      return {
        results: results.map(toWorkflow),
        nextCursor: items.length > page.limit && last ? encodeCursor(last, query.index) : null,
      };
    },

    async active(objectType: EnrollableObjectType) {
      const items = await queryAll(queryInput(tableName, indexQuery({ objectType, status: 'active' })));
      return items.map(toWorkflow);
    },

    async revisions(id) {
      // One Query reads the workflow's partition: its revision items (REV#…) sort before its current item (WF).
      const items = await queryAll({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: {
          '#pk': TABLE_KEYS.pk,
          '#sk': TABLE_KEYS.sk,
          '#revision': 'revision',
          '#updatedAt': 'updatedAt',
          '#activatedAt': 'activatedAt',
        },
        ExpressionAttributeValues: { ':pk': workflowPk(id) },
        ProjectionExpression: '#sk, #revision, #updatedAt, #activatedAt',
        ConsistentRead: true,
      });
      const current = items.find((item) => item[TABLE_KEYS.sk] === CURRENT_SK);
      if (!current) return undefined;
      const currentRevision = current.revision as number;
      // A revision item of the current revision is a copy a crashed update left: the current item is the truth.
      const older = items.filter(
        (item) => item[TABLE_KEYS.sk] !== CURRENT_SK && (item.revision as number) < currentRevision,
      );
      return [...older.map(toSummary), toSummary(current)];
    },

    async revision(id, revision) {
      const current = await getCurrent(id);
      if (!current) return undefined;
      const currentRevision = current.revision as number;
      if (revision === currentRevision) return toWorkflow(current);
      if (revision > currentRevision) return undefined;
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: { [TABLE_KEYS.pk]: workflowPk(id), [TABLE_KEYS.sk]: revisionSk(revision) },
          ConsistentRead: true,
        }),
      );
      return Item ? toWorkflow(Item) : undefined;
    },
  };
};
