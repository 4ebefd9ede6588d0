import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';
import { z } from 'zod';
import { createDynamoDBEnrollmentService } from '../../shared/adapters/dynamodb/enrollment-service.dynamodb.ts';
import { publishToEventBridge } from '../../shared/adapters/eventbridge/index.ts';
import { createEnrollmentTarget } from '../../shared/core/events/enrollment-target.ts';
import type { EventEnvelope } from '../../shared/core/events/event-envelope.ts';
import { readEnvironment } from '../commons/environment.ts';

const env = readEnvironment({
  TABLE_NAME: z.string().min(3),
  EVENT_BUS_NAME: z.string().min(1),
});

/*
 * No execution ports yet (Step Functions arrives with the execution issue): an enrollment is recorded, its
 * history written and `Enrollment Started` published, and it stays active with no action run.
 */
const service = createDynamoDBEnrollmentService({
  client: new DynamoDBClient({}),
  tableName: env.TABLE_NAME,
  clock: { now: () => new Date() },
  newId: randomUUID,
  publish: publishToEventBridge(new EventBridgeClient({}), { eventBusName: env.EVENT_BUS_NAME }),
});

const target = createEnrollmentTarget(service);

/**
 * The `record-changes-to-enrollment` rule's Lambda: one `Record Changed` per invocation, its detail zod-parsed.
 * A throw has EventBridge retry it (then its dead-letter queue); every write it makes is idempotent.
 */
export const handler = async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  await target(event as unknown as EventEnvelope);
};
