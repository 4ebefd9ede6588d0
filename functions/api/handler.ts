import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { createDynamoDBCrmServices } from '../../shared/adapters/dynamodb/crm-services.dynamodb.ts';
import { readEnvironment } from '../commons/environment.ts';
import { createApiHandler } from './api-handler.ts';

const env = readEnvironment({
  TABLE_NAME: z.string().min(3),
  ACTION_FUNCTION_ARN: z.string().startsWith('arn:'),
});

const { services } = createDynamoDBCrmServices({
  client: new DynamoDBClient({}),
  tableName: env.TABLE_NAME,
  clock: { now: () => new Date() },
  newId: randomUUID,
  actionFunctionArn: env.ACTION_FUNCTION_ARN,
});

/** The API's Lambda behind API Gateway, whose IAM (or Cognito) authorizer has already checked the caller. */
export const handler = createApiHandler({ services, auth: { kind: 'gateway' } });
