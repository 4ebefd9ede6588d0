import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/api-handler.ts';
import { apiRoutes } from '../../functions/api/api-routes.ts';
import { matchPath } from '../../functions/api/http/router.ts';
import { createDynamoDBCrmServices } from '../../shared/adapters/dynamodb/crm-services.dynamodb.ts';
import { toDocumentClient } from '../../shared/adapters/dynamodb/index.ts';
import { createDynamoDBWorkflowRepository } from '../../shared/adapters/dynamodb/workflow-repository.dynamodb.ts';
import type { ExecutionPorts, WorkflowEvent } from '../../shared/core/enrollment/enrollment-effects.ts';
import type { CrmServices } from '../../shared/core/services/crm-services.ts';
import { LOCAL_ACTION_FUNCTION_ARN } from '../../shared/core/services/workflow-service.ts';
import type { WorkflowRepository } from '../../shared/core/workflow/workflow-repository.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../shared/runtime/local-dynamodb.ts';

/** The bearer token every test request carries unless it says otherwise. */
export const TEST_TOKEN = 'route-tests-token-0123456789abcdef';

/** The instant the manual clock starts at. */
export const TEST_START = new Date('2026-03-02T09:00:00.000Z');

export interface CallOptions {
  /** A value sent as JSON, or a string sent as it is. */
  readonly body?: unknown;
  readonly query?: Record<string, string>;
  /** The bearer token; `null` sends no Authorization header. */
  readonly token?: string | null;
}

export interface ApiResponse {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON answer is read by path in the assertions
  readonly json: any;
  readonly headers: Record<string, string | number | boolean>;
}

/** The error body of the contract, for `toMatchObject`. */
export const apiError = (code: string, details?: readonly { path: string }[]) => ({
  error: { code, message: expect.any(String), ...(details ? { details: details.map(detail) } : {}) },
});
const detail = ({ path }: { path: string }) => ({ path, message: expect.any(String) });

const ROUTES = apiRoutes();

/**
 * The REST API proxy event API Gateway would hand the Lambda: the matched resource and decoded path
 * parameters, the query, the bearer token.
 */
export const apiEvent = (method: string, path: string, options: CallOptions = {}): APIGatewayProxyEvent => {
  const matched = matchPath(ROUTES, method, path);
  const token = options.token === undefined ? TEST_TOKEN : options.token;
  const body =
    options.body === undefined
      ? null
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  return {
    httpMethod: method,
    path,
    resource: matched?.resource ?? '/{proxy+}',
    pathParameters: matched?.pathParameters ?? null,
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    headers: {
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      ...(body === null ? {} : { 'Content-Type': 'application/json' }),
    },
    multiValueHeaders: {},
    body,
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: { requestId: 'route-test' } as APIGatewayProxyEvent['requestContext'],
  };
};

/** A manual clock: `set` and `advance` move it, nothing else does. */
export const manualClock = (start = TEST_START) => {
  let date = new Date(start);
  return {
    now: () => date,
    set: (next: Date) => {
      date = new Date(next);
    },
    advance: (ms: number) => {
      date = new Date(date.getTime() + ms);
    },
  };
};

/** Ids `id0001`, `id0002`, … in creation order (so records sort by id as they were created). */
export const counterIds = (prefix = 'id') => {
  let next = 0;
  return () => `${prefix}${String(++next).padStart(4, '0')}`;
};

/** The API's handler over the real services on an in-memory dynalite, and a `call` to drive it. */
export interface TestApi {
  readonly call: (method: string, path: string, options?: CallOptions) => Promise<ApiResponse>;
  readonly services: CrmServices;
  /** The workflow repository over the same table (to set a status, which no route does yet). */
  readonly workflows: WorkflowRepository;
  readonly clock: ReturnType<typeof manualClock>;
  readonly db: LocalDynamoDB;
  /** The `crm.workflows` events the services published, oldest first. */
  readonly published: WorkflowEvent[];
  readonly close: () => Promise<void>;
}

/** What a test API may be composed with. */
export interface TestApiOptions {
  /** The enrollment engine's execution ports (default: none, enrollments stay active). */
  readonly executions?: ExecutionPorts;
}

/** Starts dynalite, composes every service over it and the API handler with bearer auth over them. */
export const startTestApi = async (options: TestApiOptions = {}): Promise<TestApi> => {
  const db = await startLocalDynamoDB();
  const clock = manualClock();
  const documents = toDocumentClient(db.client);
  const published: WorkflowEvent[] = [];
  const { services } = createDynamoDBCrmServices({
    client: documents,
    tableName: db.tableName,
    clock,
    newId: counterIds(),
    actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
    publish: async (events) => void published.push(...events),
    ...(options.executions ? { executions: options.executions } : {}),
  });
  const handler = createApiHandler({
    services,
    auth: { kind: 'bearer', token: TEST_TOKEN },
    logError: () => {},
  });
  const call = async (method: string, path: string, options: CallOptions = {}): Promise<ApiResponse> => {
    const result = await handler(apiEvent(method, path, options), {} as Context);
    return {
      status: result.statusCode,
      json: result.body ? JSON.parse(result.body) : undefined,
      headers: (result.headers ?? {}) as Record<string, string | number | boolean>,
    };
  };
  return {
    call,
    services,
    workflows: createDynamoDBWorkflowRepository(documents, { tableName: db.tableName }),
    clock,
    db,
    published,
    close: () => db.close(),
  };
};

/** Every page of a list route, following `nextCursor` until it is null. */
export const walkPages = async (
  api: Pick<TestApi, 'call'>,
  path: string,
  limit: number,
  query: Record<string, string> = {},
): Promise<{ pages: ApiResponse[]; ids: string[] }> => {
  const pages: ApiResponse[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.call('GET', path, {
      query: { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) },
    });
    if (page.status !== 200) throw new Error(`page ${pages.length + 1} of ${path} answered ${page.status}`);
    pages.push(page);
    cursor = page.json.nextCursor;
  } while (cursor !== null && pages.length < 1000);
  return { pages, ids: pages.flatMap((page) => page.json.results.map((item: { id: string }) => item.id)) };
};

/** A cursor that decodes but names another list's partition, and one that does not decode. */
export const FOREIGN_CURSOR = Buffer.from(JSON.stringify({ pk: 'elsewhere', sk: 'x' })).toString('base64url');
export const GARBAGE_CURSOR = '%%%not-a-cursor';

/**
 * The test API of one test file: dynalite started in `beforeAll`, closed in `afterAll`. The object it returns
 * reaches the started API, so tests use it as they would the API itself.
 */
export const useTestApi = (options: TestApiOptions = {}): TestApi => {
  let started: TestApi | undefined;
  beforeAll(async () => {
    started = await startTestApi(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  const current = (): TestApi => {
    if (!started) throw new Error('the test API starts in beforeAll');
    return started;
  };
  return {
    call: (method, path, options) => current().call(method, path, options),
    get services() {
      return current().services;
    },
    get workflows() {
      return current().workflows;
    },
    get clock() {
      return current().clock;
    },
    get db() {
      return current().db;
    },
    get published() {
      return current().published;
    },
    close: () => current().close(),
  };
};

/** The callers every protected route refuses with 401: no Authorization header, a wrong token. */
export const UNAUTHORIZED_TOKENS = [
  ['no token', null],
  ['a wrong token', 'not-the-token'],
] as const;

/** Asserts an error answer: its status, and the contract's body with that code (and those detail paths). */
export const expectError = (
  response: ApiResponse,
  status: number,
  code: string,
  details?: readonly { path: string }[],
): void => {
  expect({ status: response.status, body: response.json }).toMatchObject({
    status,
    body: apiError(code, details),
  });
};

/** Asserts a 405 that lists the methods the path allows in `Allow`. */
export const expectMethodNotAllowed = (response: ApiResponse, allow: string): void => {
  expectError(response, 405, 'METHOD_NOT_ALLOWED');
  expect(response.headers.Allow).toBe(allow);
};

export interface RecordJson {
  readonly id: string;
  readonly version: number;
  readonly properties: Record<string, unknown>;
  readonly createdAt: string;
}

/** Creates a record through the API (the test fails here when the create does). */
export const createRecord = async (
  api: Pick<TestApi, 'call'>,
  objectType: string,
  properties: Record<string, unknown> = {},
): Promise<RecordJson> => {
  const response = await api.call('POST', `/objects/${objectType}`, { body: { properties } });
  expect(response.status).toBe(201);
  return response.json;
};

/** The 405 table of an area: each row a known path asked with a method it does not have, and its `Allow`. */
export const describeWrongMethods = (
  api: Pick<TestApi, 'call'>,
  rows: readonly (readonly [method: string, path: string, allow: string])[],
): void => {
  describe('a known path with another method', () => {
    it.each(rows)('answers %s %s with 405, allowing %s', async (method, path, allow) => {
      // Act
      const response = await api.call(method, path);
      // Assess
      expectMethodNotAllowed(response, allow);
    });
  });
};
