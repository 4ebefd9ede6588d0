import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EnrollmentRef } from '../../core/contract/task-contract.ts';
import type { Mailer, Notifier } from '../../core/executor/outside-world.ts';
import type { Clock } from '../../core/ports/clock.ts';
import type { Page, PageRequest } from '../../core/ports/page.ts';
import { toDocumentClient } from './index.ts';
import { indexPage } from './paging.ts';
import { conditionally, pickDefined } from './store-options.ts';
import { DEFAULT_TABLE_NAME, TABLE_KEYS } from './table.ts';

/*
 * The embedded runtime's outbox in the single table (docs/storage.md, "Outbox"):
 *   entry  pk OUTBOX#<key>   sk #OUTBOX   gsi1 OUTBOX / <at>#<key>
 * One item per effect key, written only if absent: a retried send keeps the first entry, in one write.
 */

/** An email or notification the embedded runtime "sent" (`GET /_local/outbox`). */
export interface OutboxEntry {
  /** Derived from `key`: the same entry has the same id. */
  readonly id: string;
  readonly kind: 'email' | 'notification';
  /** When it was sent, on the runtime's clock. */
  readonly at: string;
  /** Email: the address, subject and body. */
  readonly to?: string;
  readonly subject?: string;
  readonly body?: string;
  /** Notification: the message and the users named. */
  readonly message?: string;
  readonly recipients?: readonly string[];
  readonly workflowId: string;
  readonly enrollmentId: string;
  readonly recordId: string;
  /** The effect's idempotency key. */
  readonly key: string;
}

/** The outbox's two senders and its listing, newest first. */
export interface DynamoDBOutbox {
  readonly mailer: Mailer;
  readonly notifier: Notifier;
  list(page: PageRequest): Promise<Page<OutboxEntry>>;
}

export interface DynamoDBOutboxOptions {
  readonly tableName?: string;
  /** The runtime's clock: an entry's `at`. */
  readonly clock: Clock;
}

export const outboxPk = (key: string) => `OUTBOX#${key}`;
export const OUTBOX_SK = '#OUTBOX';
/** gsi1 partition of every entry, by `<at>#<key>`. */
export const OUTBOX_PARTITION = 'OUTBOX';

const ENTRY_FIELDS = [
  'id',
  'kind',
  'at',
  'to',
  'subject',
  'body',
  'message',
  'recipients',
  'workflowId',
  'enrollmentId',
  'recordId',
  'key',
] as const;

const entryId = (key: string) => `out_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

type Sent = Pick<OutboxEntry, 'kind' | 'to' | 'subject' | 'body' | 'message' | 'recipients'>;

/**
 * The embedded runtime's email and notification adapters: each send is kept as an entry, once per effect key
 * (a conditional put), and `list` pages through them newest first (`GET /_local/outbox`).
 * @example const outbox = createDynamoDBOutbox(db.client, { tableName: db.tableName, clock })
 */
export const createDynamoDBOutbox = (
  dynamo: DynamoDBClient | DynamoDBDocumentClient,
  options: DynamoDBOutboxOptions,
): DynamoDBOutbox => {
  const client = toDocumentClient(dynamo);
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;

  const keep = async (sent: Sent, enrollment: EnrollmentRef, key: string): Promise<void> => {
    const at = options.clock.now().toISOString();
    const entry: OutboxEntry = {
      id: entryId(key),
      ...sent,
      at,
      workflowId: enrollment.workflowId,
      enrollmentId: enrollment.enrollmentId,
      recordId: enrollment.recordId,
      key,
    };
    await conditionally(() =>
      client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            [TABLE_KEYS.pk]: outboxPk(key),
            [TABLE_KEYS.sk]: OUTBOX_SK,
            [TABLE_KEYS.gsi1.pk]: OUTBOX_PARTITION,
            [TABLE_KEYS.gsi1.sk]: `${at}#${key}`,
            entity: 'outbox',
            ...entry,
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk },
        }),
      ),
    );
  };

  return {
    mailer: {
      send: (email) =>
        keep(
          { kind: 'email', to: email.to, subject: email.subject, body: email.body },
          email.enrollment,
          email.key,
        ),
    },
    notifier: {
      send: (notification) =>
        keep(
          { kind: 'notification', message: notification.message, recipients: [...notification.recipients] },
          notification.enrollment,
          notification.key,
        ),
    },
    async list(page) {
      const { results, nextCursor } = await indexPage<Record<string, unknown>>(
        { client, tableName },
        'gsi1',
        OUTBOX_PARTITION,
        page,
        { newestFirst: true },
      );
      return { results: results.map((item) => pickDefined<OutboxEntry>(item, ENTRY_FIELDS)), nextCursor };
    },
  };
};
