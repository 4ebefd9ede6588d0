import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const documents = mockClient(DynamoDBDocumentClient);

const event = (method: string, path: string): APIGatewayProxyEvent =>
  ({
    httpMethod: method,
    path,
    headers: {},
    body: null,
    isBase64Encoded: false,
    pathParameters: null,
    queryStringParameters: null,
    requestContext: { requestId: 'req-1' },
  }) as unknown as APIGatewayProxyEvent;

describe('the API Lambda (functions/api/handler.ts)', () => {
  beforeAll(() => {
    process.env.TABLE_NAME = 'crm-workflows-test';
    process.env.ACTION_FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:executor';
    process.env.STATES_ROLE_ARN = 'arn:aws:iam::123456789012:role/crm-workflows-states';
  });
  afterAll(() => {
    documents.restore();
    delete process.env.TABLE_NAME;
    delete process.env.ACTION_FUNCTION_ARN;
    delete process.env.STATES_ROLE_ARN;
  });

  it('reads a workflow from the configured table, trusting API Gateway for auth', async () => {
    // Prepare
    documents.on(GetCommand).resolves({});
    const { handler } = await import('../../../functions/api/handler.ts');

    // Act
    const result = await handler(event('GET', '/workflows/wf_1'), {} as Context);

    // Assess
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(documents.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'crm-workflows-test',
      Key: { pk: 'WF#wf_1' },
    });
  });

  it('stops the cold start with a message that names a missing variable', async () => {
    const { readEnvironment } = await import('../../../functions/commons/environment.ts');
    const { z } = await import('zod');
    expect(() => readEnvironment({ TABLE_NAME: z.string().min(3) }, {})).toThrow(/TABLE_NAME/);
  });
});
