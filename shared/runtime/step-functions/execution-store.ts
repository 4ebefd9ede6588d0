import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { conditionally } from '../../adapters/dynamodb/store-options.ts';
import { TABLE_KEYS } from '../../adapters/dynamodb/table.ts';

/** Step Functions' execution statuses. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/**
 * Where a running execution goes on from: the state it enters next and that state's input. `fail`: the state is a
 * token Task that failed while it waited (its timeout passed: `States.Timeout`; or SendTaskFailure): entered again,
 * it fails at once with this error, and its Retry and Catch apply.
 */
export interface Checkpoint {
  readonly state: string;
  readonly input: unknown;
  readonly fail?: { readonly error: string; readonly cause: string };
}

/** A token Task waiting for its answer. */
export interface TokenWait {
  readonly token: string;
  readonly state: string;
  /** The state's input (the Task's raw input, before Parameters). */
  readonly input: unknown;
}

export interface StoredStateMachine {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly definition: string;
  readonly roleArn: string;
  readonly createdAt: string;
  readonly updatedAt?: string;
}

export interface StoredExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  /** The execution's input as given (JSON text). */
  readonly input: string;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** Running: where it goes on from. */
  readonly checkpoint?: Checkpoint;
  /** Running and waiting for a task token. */
  readonly waiting?: TokenWait;
  /** Running: when it is due to go on (absent while it waits for a token without a timeout). */
  readonly dueAt?: string;
  /** Durable retry counts of the current Task, by state name. */
  readonly retries?: Readonly<Record<string, number>>;
}

const STATE_MACHINE_PK = (arn: string) => `SFN#SM#${arn}`;
const EXECUTION_PK = (arn: string) => `SFN#EXEC#${arn}`;
const ITEM_SK = '-';
/** The partition of the due index: every running execution with a `dueAt`, by instant. */
export const DUE_PARTITION = 'SFN#DUE';
const dueSortKey = (dueAt: string, executionArn: string) => `${dueAt}#${executionArn}`;

const EXECUTION_FIELDS = [
  'executionArn',
  'stateMachineArn',
  'name',
  'status',
  'input',
  'startDate',
  'stopDate',
  'output',
  'error',
  'cause',
  'checkpoint',
  'waiting',
  'dueAt',
  'retries',
] as const;

const executionOf = (item: Record<string, unknown>): StoredExecution =>
  Object.fromEntries(
    EXECUTION_FIELDS.filter((field) => item[field] !== undefined).map((field) => [field, item[field]]),
  ) as unknown as StoredExecution;

/** How a running execution moves on: what replaces its checkpoint, wait and due instant. */
export interface Progress {
  readonly checkpoint?: Checkpoint;
  readonly waiting?: TokenWait;
  /** Absent: not due (waits for a token without a timeout). */
  readonly dueAt?: string;
  readonly retries?: Readonly<Record<string, number>>;
}

/** How an execution ended. */
export interface Ending {
  readonly status: Exclude<ExecutionStatus, 'RUNNING'>;
  readonly stopDate: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/**
 * The embedded Step Functions' state in the table (docs/storage.md, "Embedded Step Functions"): state machines by
 * ARN, executions by ARN with their checkpoint, and the due index (`gsi1`, partition `SFN#DUE`, sorted by instant)
 * that holds every timer — a Wait, a retry interval, a token Task's timeout — so that no timer lives in memory.
 */
export const createExecutionStore = (client: DynamoDBDocumentClient, tableName: string) => {
  const key = (pk: string) => ({ [TABLE_KEYS.pk]: pk, [TABLE_KEYS.sk]: ITEM_SK });

  const dueKeys = (dueAt: string | undefined, executionArn: string) =>
    dueAt === undefined
      ? undefined
      : { [TABLE_KEYS.gsi1.pk]: DUE_PARTITION, [TABLE_KEYS.gsi1.sk]: dueSortKey(dueAt, executionArn) };

  return {
    async stateMachine(arn: string): Promise<StoredStateMachine | undefined> {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key(STATE_MACHINE_PK(arn)), ConsistentRead: true }),
      );
      return Item as StoredStateMachine | undefined;
    },

    /** Creates the state machine; false when the ARN exists already. */
    createStateMachine(machine: StoredStateMachine): Promise<boolean> {
      return conditionally(() =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...key(STATE_MACHINE_PK(machine.stateMachineArn)), ...machine },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    /** Replaces the definition (and role) of an existing state machine; false when there is none. */
    updateStateMachine(arn: string, definition: string, roleArn: string, at: string): Promise<boolean> {
      return conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(STATE_MACHINE_PK(arn)),
            UpdateExpression: 'SET #definition = :d, #roleArn = :r, #updatedAt = :at',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: {
              '#definition': 'definition',
              '#roleArn': 'roleArn',
              '#updatedAt': 'updatedAt',
            },
            ExpressionAttributeValues: { ':d': definition, ':r': roleArn, ':at': at },
          }),
        ),
      );
    },

    async execution(arn: string): Promise<StoredExecution | undefined> {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: key(EXECUTION_PK(arn)), ConsistentRead: true }),
      );
      return Item ? executionOf(Item) : undefined;
    },

    /** Creates a running execution, due at once; false when the ARN exists already. */
    createExecution(execution: StoredExecution): Promise<boolean> {
      return conditionally(() =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...key(EXECUTION_PK(execution.executionArn)),
              ...execution,
              ...dueKeys(execution.dueAt, execution.executionArn),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    /** Moves a running execution on (checkpoint, wait, due instant); false when it is no longer running. */
    progress(arn: string, progress: Progress): Promise<boolean> {
      const set: string[] = [];
      const remove: string[] = [];
      const values: Record<string, unknown> = { ':running': 'RUNNING' };
      const names: Record<string, string> = { '#status': 'status' };
      const assign = (name: string, value: unknown) => {
        names[`#${name}`] = name;
        if (value === undefined) remove.push(`#${name}`);
        else {
          set.push(`#${name} = :${name}`);
          values[`:${name}`] = value;
        }
      };
      assign('checkpoint', progress.checkpoint);
      assign('waiting', progress.waiting);
      assign('dueAt', progress.dueAt);
      assign('retries', progress.retries);
      const due = dueKeys(progress.dueAt, arn);
      assign(TABLE_KEYS.gsi1.pk, due?.[TABLE_KEYS.gsi1.pk]);
      assign(TABLE_KEYS.gsi1.sk, due?.[TABLE_KEYS.gsi1.sk]);
      return conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(EXECUTION_PK(arn)),
            UpdateExpression: [
              set.length ? `SET ${set.join(', ')}` : '',
              remove.length ? `REMOVE ${remove.join(', ')}` : '',
            ].join(' '),
            ConditionExpression: '#status = :running',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },

    /** Ends a running execution; false when it had already ended. */
    end(arn: string, ending: Ending): Promise<boolean> {
      const values: Record<string, unknown> = {
        ':running': 'RUNNING',
        ':status': ending.status,
        ':stopDate': ending.stopDate,
      };
      const set = ['#status = :status', '#stopDate = :stopDate'];
      const names: Record<string, string> = { '#status': 'status', '#stopDate': 'stopDate' };
      for (const field of ['output', 'error', 'cause'] as const) {
        if (ending[field] === undefined) continue;
        set.push(`#${field} = :${field}`);
        names[`#${field}`] = field;
        values[`:${field}`] = ending[field];
      }
      const removed = ['checkpoint', 'waiting', 'dueAt', 'retries', TABLE_KEYS.gsi1.pk, TABLE_KEYS.gsi1.sk];
      for (const field of removed) names[`#${field}`] = field;
      return conditionally(() =>
        client.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(EXECUTION_PK(arn)),
            UpdateExpression: `SET ${set.join(', ')} REMOVE ${removed.map((field) => `#${field}`).join(', ')}`,
            ConditionExpression: '#status = :running',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },

    /** Up to `limit` running executions due at or before `at`, earliest first. */
    async due(at: string, limit: number): Promise<{ executionArn: string; dueAt: string }[]> {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: TABLE_KEYS.gsi1.name,
          KeyConditionExpression: '#pk = :pk AND #sk <= :upTo',
          ExpressionAttributeNames: {
            '#pk': TABLE_KEYS.gsi1.pk,
            '#sk': TABLE_KEYS.gsi1.sk,
            '#arn': 'executionArn',
            '#dueAt': 'dueAt',
          },
          // `#` sorts after every character of an instant: the upper bound takes every ARN due at `at`.
          ExpressionAttributeValues: { ':pk': DUE_PARTITION, ':upTo': `${at}#\uffff` },
          ProjectionExpression: '#arn, #dueAt',
          Limit: limit,
        }),
      );
      return Items as { executionArn: string; dueAt: string }[];
    },

    /** The earliest due instant, if any execution is due at all. */
    async nextDue(): Promise<string | undefined> {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: TABLE_KEYS.gsi1.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.gsi1.pk, '#dueAt': 'dueAt' },
          ExpressionAttributeValues: { ':pk': DUE_PARTITION },
          ProjectionExpression: '#dueAt',
          Limit: 1,
        }),
      );
      return (Items[0] as { dueAt?: string } | undefined)?.dueAt;
    },
  };
};

export type ExecutionStore = ReturnType<typeof createExecutionStore>;
