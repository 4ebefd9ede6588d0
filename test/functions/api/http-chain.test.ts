import { Validator } from '@seriousme/openapi-schema-validator';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createApiHandler } from '../../../functions/api/api-handler.ts';
import { logger } from '../../../functions/commons/logger.ts';
import type { CrmServices } from '../../../shared/core/services/crm-services.ts';

const TOKEN = 'a-token-long-enough-for-the-test';

/** Services that must never be reached: the chain answers these requests before any service runs. */
const untouchable = new Proxy({} as CrmServices, {
  get: (_target, name) => {
    throw new Error(`service ${String(name)} was reached`);
  },
});

const request = (
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; query?: Record<string, string> } = {},
): APIGatewayProxyEvent =>
  ({
    httpMethod: method,
    path,
    resource: '/{proxy+}',
    pathParameters: null,
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    headers: { Authorization: `Bearer ${TOKEN}`, ...options.headers },
    multiValueHeaders: {},
    body: options.body ?? null,
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
  }) as APIGatewayProxyEvent;

const handlerOver = (services: CrmServices, logError = vi.fn()) =>
  createApiHandler({ services, auth: { kind: 'bearer', token: TOKEN }, logError });

const call = async (
  event: APIGatewayProxyEvent,
  services: CrmServices = untouchable,
): Promise<APIGatewayProxyResult & { json: unknown }> => {
  const result = await handlerOver(services)(event, {} as Context);
  return { ...result, json: result.body ? JSON.parse(result.body) : undefined };
};

describe('the API chain', () => {
  it('answers /health without a token', async () => {
    const result = await call(request('GET', '/health', { headers: { Authorization: '' } }));
    expect(result.statusCode).toBe(200);
    expect(result.json).toEqual({ status: 'ok' });
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { Authorization: 'Bearer wrong' }],
    ['another scheme', { Authorization: `Basic ${TOKEN}` }],
  ])('refuses %s with 401 before reading anything', async (_case, headers) => {
    // Prepare
    const event = request('POST', '/objects/contacts', {
      body: '{not json',
      headers: { Authorization: '', ...headers },
    });
    // Act
    const result = await call(event);
    // Assess
    expect(result.statusCode).toBe(401);
    expect(result.json).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'authentication is missing or wrong' },
    });
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const body = JSON.stringify({ properties: { firstname: 'x'.repeat(1024 * 1024) } });
    const result = await call(request('POST', '/objects/contacts', { body }));
    expect(result.statusCode).toBe(413);
    expect(result.json).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('answers malformed JSON with 400, whatever the content type', async () => {
    const result = await call(
      request('POST', '/objects/contacts', {
        body: '{"properties": ',
        headers: { 'Content-Type': 'text/plain' },
      }),
    );
    expect(result.statusCode).toBe(400);
    expect(result.json).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'the body is not valid JSON',
        details: [{ path: 'body', message: 'the body is not valid JSON' }],
      },
    });
  });

  it('refuses a key that could reach a prototype with 400 at its path, before any service', async () => {
    // Prepare
    const body =
      '{"properties":{"email":"p@x.com","__proto__":{"x":1}},"a":[{"constructor":{"prototype":{}}}]}';
    // Act
    const result = await call(request('POST', '/objects/contacts', { body }));
    // Assess
    expect(result.statusCode).toBe(400);
    expect(result.json).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'the request is not valid',
        details: [
          { path: 'a[0].constructor', message: '"constructor" is not an allowed property name' },
          { path: 'properties.__proto__', message: '"__proto__" is not an allowed property name' },
        ],
      },
    });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it.each([
    ['null', 'null', 'the body must be a JSON object, not null'],
    ['a list', '[]', 'the body must be a JSON object, not a list'],
    ['absent', undefined, 'the body is required: a JSON object'],
  ])('says a body that is %s must be a JSON object', async (_case, body, message) => {
    // Act
    const result = await call(request('POST', '/objects/contacts', body === undefined ? {} : { body }));
    // Assess
    expect(result.statusCode).toBe(400);
    expect(result.json).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'the request is not valid',
        details: [{ path: 'body', message }],
      },
    });
  });

  it('answers an unknown route with 404', async () => {
    const result = await call(request('GET', '/nowhere'));
    expect(result.statusCode).toBe(404);
    expect(result.json).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('answers a known route with a wrong method with 405 and the allowed methods', async () => {
    const result = await call(request('PUT', '/objects/contacts'));
    expect(result.statusCode).toBe(405);
    expect(result.headers?.Allow).toBe('POST, GET');
    expect(result.json).toMatchObject({ error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('names every problem of the input with its path', async () => {
    // Act
    const result = await call(
      request('POST', '/objects/planets', {
        body: JSON.stringify({ properties: [{ nested: true }], extra: 1 }),
      }),
    );
    // Assess
    expect(result.statusCode).toBe(400);
    const paths = (result.json as { error: { details: { path: string }[] } }).error.details.map(
      (d) => d.path,
    );
    expect(paths).toEqual(expect.arrayContaining(['objectType', 'properties', 'extra']));
  });

  it('refuses a limit out of 1–100', async () => {
    const result = await call(request('GET', '/objects/contacts', { query: { limit: '500' } }));
    expect(result.statusCode).toBe(400);
    expect(result.json).toMatchObject({ error: { details: [{ path: 'limit' }] } });
  });

  it('never leaks a system fault: 500 with a bare message, logged', async () => {
    // Prepare
    const logError = vi.fn();
    const failing = {
      records: { get: async () => Promise.reject(new Error('connection to 10.0.0.7 refused')) },
    } as unknown as CrmServices;
    // Act
    const result = await handlerOver(failing, logError)(
      request('GET', '/objects/contacts/c1'),
      {} as Context,
    );
    // Assess
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({
      error: { code: 'INTERNAL', message: 'an internal error occurred' },
    });
    expect(result.body).not.toContain('10.0.0.7');
    expect(logError).toHaveBeenCalledOnce();
  });

  it("logs each request with API Gateway's request id as its correlation id, and forgets it after", async () => {
    // Prepare
    const seen: unknown[] = [];
    const services = {
      records: {
        get: async () => {
          seen.push(logger.getCorrelationId());
          return Promise.reject(new Error('stop here'));
        },
      },
    } as unknown as CrmServices;
    const event = {
      ...request('GET', '/objects/contacts/c1'),
      requestContext: { requestId: 'req-7f3a' } as APIGatewayProxyEvent['requestContext'],
    };
    // Act
    await handlerOver(services)(event, {} as Context);
    // Assess
    expect(seen).toEqual(['req-7f3a']);
    expect(logger.getCorrelationId()).toBeUndefined();
  });

  it.each([
    ['a success', request('GET', '/health')],
    ['a 401', request('GET', '/objects/contacts', { headers: { Authorization: '' } })],
    ['a 400', request('GET', '/objects/contacts', { query: { limit: '0' } })],
    ['a 404', request('GET', '/nowhere')],
    ['a 405', request('PUT', '/objects/contacts')],
  ])('adds security headers to every answer: %s', async (_case, event) => {
    const result = await call(event);
    expect(result.headers).toMatchObject({
      'Strict-Transport-Security': expect.any(String),
      'X-Content-Type-Options': 'nosniff',
    });
  });

  it('serves an OpenAPI 3.1 document that validates, with every route', async () => {
    // Act
    const result = await call(request('GET', '/openapi.json', { headers: { Authorization: '' } }));
    // Assess
    const document = result.json as { openapi: string; paths: Record<string, Record<string, unknown>> };
    const validation = await new Validator().validate(document as never);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths['/objects/{objectType}'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths).length).toBeGreaterThanOrEqual(20);
  });
});
