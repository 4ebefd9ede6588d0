import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { z } from 'zod';
import { createDynamoDBCrmServices } from '../../shared/adapters/dynamodb/crm-services.dynamodb.ts';
import { publishToEventBridge } from '../../shared/adapters/eventbridge/index.ts';
import { DEFAULT_EVENT_BUS_NAME } from '../../shared/core/events/event-names.ts';
import { readEnvironment } from '../commons/environment.ts';
import { createApiHandler } from './api-handler.ts';

const env = readEnvironment({
  TABLE_NAME: z.string().min(3),
  ACTION_FUNCTION_ARN: z.string().startsWith('arn:'),
  EVENT_BUS_NAME: z.string().min(1).default(DEFAULT_EVENT_BUS_NAME),
});

const { services } = createDynamoDBCrmServices({
  client: new DynamoDBClient({}),
  tableName: env.TABLE_NAME,
  clock: { now: () => new Date() },
  newId: randomUUID,
  actionFunctionArn: env.ACTION_FUNCTION_ARN,
  // Manual enrollment publishes `Enrollment Started`; no execution ports until Step Functions lands.
  publish: publishToEventBridge(new EventBridgeClient({}), { eventBusName: env.EVENT_BUS_NAME }),
});

/** The API's Lambda behind API Gateway, whose IAM (or Cognito) authorizer has already checked the caller. */
export const handler = createApiHandler({ services, auth: { kind: 'gateway' } });
