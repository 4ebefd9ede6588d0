import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import * as z from 'zod/mini';
import { DynamoDBChangeLog } from '../../shared/adapters/dynamodb/change-log.dynamodb.ts';
import { toDocumentClient } from '../../shared/adapters/dynamodb/index.ts';
import { recordChangesToEventBridge } from '../../shared/adapters/eventbridge/record-changes.eventbridge.ts';
import { type PublishResult, publishChanges } from '../../shared/core/changes/change-publisher.ts';
import { DEFAULT_EVENT_BUS_NAME } from '../../shared/core/events/event-names.ts';
import { readEnvironment } from '../commons/environment.ts';
import { instrumented } from '../commons/observability.ts';

const env = readEnvironment({
  TABLE_NAME: z.string().check(z.minLength(3)),
  EVENT_BUS_NAME: z._default(z.string().check(z.minLength(1)), DEFAULT_EVENT_BUS_NAME),
});

const changeLog = new DynamoDBChangeLog({
  client: toDocumentClient(new DynamoDBClient({})),
  tableName: env.TABLE_NAME,
});
const publish = recordChangesToEventBridge(new EventBridgeClient({}), { eventBusName: env.EVENT_BUS_NAME });

/**
 * The change publisher: the table's stream (and a schedule, as a safety net) wakes it, and it publishes every change
 * the change log still holds unpublished as `Record Changed`, oldest first and in version order per record — the
 * same `publishChanges` as the embedded runtime's feed. It reads the feed rather than the stream records, so a batch
 * the stream retries, or a change whose stream record expired, is published all the same, at least once; one
 * instance at a time (reserved concurrency 1) keeps the order without duplicates.
 */
export const handler = instrumented(async (): Promise<PublishResult> => {
  const result = await publishChanges(changeLog, publish);
  // A refused change stays in the feed; failing the invocation has the stream retry it soon.
  if (result.refused > 0) throw new Error(`EventBridge refused ${result.refused} change(s): retried`);
  return result;
});
