import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../../functions/api/api-routes.ts';
import { expectError, UNAUTHORIZED_TOKENS, useTestApi } from '../../../helpers/api-client.ts';

const api = useTestApi();

const TOKENS = [
  ['the token', undefined],
  ['no token', null],
  ['a wrong token', 'not-the-token'],
] as const;

describe('GET /health', () => {
  it.each(TOKENS)('answers ok with %s', async (_case, token) => {
    // Act
    const response = await api.call('GET', '/health', { token });
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ok' });
    expect(response.headers['Content-Type']).toBe('application/json');
  });

  it('answers POST with 405 with the token (and 401 first without it)', async () => {
    // Act
    const response = await api.call('POST', '/health', { token: null });
    // Assess
    expect(response.status).toBe(401);
    expect((await api.call('POST', '/health')).status).toBe(405);
  });
});

describe('GET /openapi.json', () => {
  it.each(TOKENS)('serves the OpenAPI 3.1 document with %s', async (_case, token) => {
    // Act
    const response = await api.call('GET', '/openapi.json', { token });
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ openapi: '3.1.0', info: { title: 'crm-workflows' } });
  });

  it('documents every route of the contract with its method', async () => {
    // Act
    const { json } = await api.call('GET', '/openapi.json');
    // Assess
    const operations = Object.entries(json.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /properties/{objectType}',
        'POST /properties/{objectType}',
        'POST /objects/{objectType}',
        'POST /objects/{objectType}/upsert',
        'GET /objects/{objectType}',
        'GET /objects/{objectType}/{id}',
        'PATCH /objects/{objectType}/{id}',
        'DELETE /objects/{objectType}/{id}',
        'PUT /objects/{objectType}/{id}/associations/{toObjectType}/{toId}',
        'DELETE /objects/{objectType}/{id}/associations/{toObjectType}/{toId}',
        'GET /objects/{objectType}/{id}/associations/{toObjectType}',
        'GET /objects/{objectType}/{id}/workflow-history',
        'POST /lists',
        'GET /lists',
        'GET /lists/{id}',
        'DELETE /lists/{id}',
        'PUT /lists/{id}/members/{recordId}',
        'DELETE /lists/{id}/members/{recordId}',
        'GET /lists/{id}/members',
        'POST /workflows',
        'GET /workflows',
        'GET /workflows/{id}',
        'PUT /workflows/{id}',
        'DELETE /workflows/{id}',
        'GET /workflows/{id}/revisions',
        'GET /workflows/{id}/revisions/{n}',
        'POST /workflows/{id}/review',
        'GET /workflows/{id}/definition',
        'POST /workflows/{id}/activate',
        'POST /workflows/{id}/deactivate',
        'GET /workflows/{id}/enrollments',
        'POST /workflows/{id}/enrollments',
        'DELETE /workflows/{id}/enrollments/{recordId}',
        'POST /workflows/{id}/enrollments/{recordId}/retry',
        'GET /workflows/{id}/history',
        'GET /workflows/{id}/stats',
        'POST /workflows/{id}/test',
        'GET /workflows/{id}/explain',
        'GET /templates',
        'GET /templates/{id}',
        'GET /health',
        'GET /openapi.json',
      ].sort(),
    );
  });

  it('documents the limits the services enforce (a list name is at most 200 characters)', async () => {
    // Prepare
    const { json } = await api.call('GET', '/openapi.json');
    const schema = json.paths['/lists'].post.requestBody.content['application/json'].schema;
    // Act
    const refused = await api.call('POST', '/lists', {
      body: { name: 'n'.repeat(schema.properties.name.maxLength + 1), objectType: 'contacts' },
    });
    const accepted = await api.call('POST', '/lists', {
      body: { name: 'n'.repeat(schema.properties.name.maxLength), objectType: 'contacts' },
    });
    // Assess
    expect(schema.properties.name.maxLength).toBe(200);
    expect(refused.status).toBe(400);
    expect(accepted.status).toBe(201);
  });

  it('marks only /health and /openapi.json as public', async () => {
    // Act
    const { json } = await api.call('GET', '/openapi.json');
    // Assess
    const publicOperations = Object.entries(json.paths as Record<string, Record<string, { security?: [] }>>)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })))
      .filter(({ op }) => Array.isArray(op.security) && op.security.length === 0)
      .map(({ path }) => path);
    expect(publicOperations.sort()).toEqual(['/health', '/openapi.json']);
  });
});

/** A path of each protected route, its parameters filled in with values of the right shape. */
const PROTECTED_CALLS = apiRoutes()
  .filter((route) => !route.public)
  .map(
    (route) =>
      [
        route.method,
        route.path.replace(/\{(\w+)\}/g, (_match, name: string) =>
          name === 'n' ? '1' : name.endsWith('bjectType') ? 'contacts' : `x-${name}`,
        ),
      ] as const,
  );

describe('every protected route', () => {
  it('is every route but /health and /openapi.json', () => {
    expect(PROTECTED_CALLS).toHaveLength(apiRoutes().length - 2);
  });

  it.each(
    PROTECTED_CALLS.flatMap(([method, path]) =>
      UNAUTHORIZED_TOKENS.map(([who, token]) => [method, path, who, token] as const),
    ),
  )('%s %s answers 401 to %s, before anything is read', async (method, path, _who, token) => {
    // Act
    const response = await api.call(method, path, { token, body: '{not json' });
    // Assess
    expectError(response, 401, 'UNAUTHORIZED');
    expect(response.json.error.message).toBe('authentication is missing or wrong');
  });
});

describe('unknown paths', () => {
  it.each([
    ['/nowhere', 'GET'],
    ['/objects', 'GET'],
    ['/objects/contacts/a/b/c/d/e/f', 'GET'],
  ])('answers %s with 404', async (path, method) => {
    // Act
    const response = await api.call(method, path);
    // Assess
    expectError(response, 404, 'NOT_FOUND');
  });

  it('answers 401 before telling whether a path exists', async () => {
    // Act
    const response = await api.call('GET', '/nowhere', { token: null });
    // Assess
    expect(response.status).toBe(401);
  });
});
