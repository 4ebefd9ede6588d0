import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { createApiHandler } from '../../functions/api/api-handler.ts';
import type { HttpHandler } from '../../functions/api/http/create-http-handler.ts';
import { createDynamoDBCrmServices } from '../../shared/adapters/dynamodb/crm-services.dynamodb.ts';
import { LOCAL_ACTION_FUNCTION_ARN } from '../../shared/core/services/workflow-service.ts';
import { startLocalDynamoDB } from '../../shared/runtime/local-dynamodb.ts';
import { nurtureFrenchLeads } from '../fixtures/compiler-workflows.ts';
import { countRequests } from '../helpers/request-counter.ts';
import { withBenchRuntime } from './bench-runtime.ts';

export { countRequests };

/** Contacts in the table when the page and the review are counted. */
const REVIEW_RECORDS = 1_000;
/** Each route is counted over this many calls (on distinct targets), which must agree. */
const CALLS = 5;
/** Contacts the PATCH and GET load spreads over, round-robin: no two connections write one record at once. */
const LOAD_IDS = 200;
const LOAD_CONNECTIONS = 10;
const LOAD_SECONDS = 5;
const WARMUP_SECONDS = 1;

/** Commands in the order the table shows them; any other command seen is added after these. */
export const COMMAND_ORDER = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
];

/** DynamoDB requests of one call of a route, by command name (`GetItem`, `PutItem` …). */
type CommandCounts = Readonly<Record<string, number>>;

interface RouteCount {
  readonly route: string;
  readonly calls: number;
  /** The requests of one call, when every call made the same ones. */
  readonly perCall: CommandCounts;
  /** False when calls differed: `perCall` is then the mean, rounded to one decimal. */
  readonly exact: boolean;
}

interface LoadFigure {
  readonly route: string;
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly non2xx: number;
  readonly errors: number;
}

export interface ApiBenchResult {
  readonly counts: readonly RouteCount[];
  readonly reviewRecords: number;
  readonly load: readonly LoadFigure[];
  /** True when every loaded request answered 2xx: a bench that measured errors measured nothing. */
  readonly clean: boolean;
}

interface ApiCall {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly query?: Record<string, string>;
}

const toEvent = (call: ApiCall): APIGatewayProxyEvent =>
  ({
    httpMethod: call.method,
    path: call.path,
    resource: '/{proxy+}',
    pathParameters: null,
    queryStringParameters: call.query ?? null,
    multiValueQueryStringParameters: null,
    headers: call.body === undefined ? {} : { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    body: call.body === undefined ? null : JSON.stringify(call.body),
    isBase64Encoded: false,
    stageVariables: null,
    requestContext: { requestId: randomUUID() } as APIGatewayProxyEvent['requestContext'],
  }) as APIGatewayProxyEvent;

/** Calls the handler and throws unless it answered 2xx: a count of a failed call would mislead. */
const invoke = async (handler: HttpHandler, call: ApiCall): Promise<unknown> => {
  const result = await handler(toEvent(call), {} as Context);
  if (result.statusCode >= 300) {
    throw new Error(`${call.method} ${call.path} answered ${result.statusCode}: ${result.body}`);
  }
  return result.body ? JSON.parse(result.body) : undefined;
};

const idOf = (body: unknown): string => (body as { id: string }).id;

const contactProperties = (i: number) => ({
  firstname: `Contact ${i}`,
  lifecyclestage: i % 2 === 0 ? 'lead' : 'customer',
  country: i % 3 === 0 ? 'FR' : 'DE',
  score: i % 100,
});

/**
 * DynamoDB requests per API call: the API Lambda's handler called with API Gateway events (no HTTP) over
 * services on in-memory dynalite, every request the client sends counted by command.
 */
const runRequestCounts = async (): Promise<RouteCount[]> => {
  const db = await startLocalDynamoDB();
  try {
    const counter = countRequests(db.client);
    const { services } = createDynamoDBCrmServices({
      client: db.client,
      tableName: db.tableName,
      clock: { now: () => new Date() },
      newId: randomUUID,
      actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
      publish: async () => {},
    });
    const handler = createApiHandler({ services, auth: { kind: 'gateway' } });

    // Prepare: the records, companies, list and workflows the counted calls act on (not counted).
    const seeded: string[] = [];
    for (let i = 0; i < REVIEW_RECORDS; i++) {
      seeded.push((await services.records.create('contacts', contactProperties(i))).id);
    }
    const companies: string[] = [];
    for (let i = 0; i < CALLS; i++) {
      companies.push((await services.records.create('companies', { name: `Company ${i}` })).id);
    }
    const list = await services.lists.create({ name: 'Bench list', objectType: 'contacts' });
    const drafts: string[] = [];
    for (let i = 0; i < CALLS; i++) {
      drafts.push((await services.workflows.create({ ...nurtureFrenchLeads, name: `Draft ${i}` })).id);
    }
    counter.take();

    const counts: RouteCount[] = [];
    /** Makes `calls` calls, one at a time, and keeps the requests of each. */
    const measure = async (route: string, calls: readonly ApiCall[]): Promise<unknown[]> => {
      const bodies: unknown[] = [];
      const perCall: Map<string, number>[] = [];
      for (const call of calls) {
        bodies.push(await invoke(handler, call));
        perCall.push(counter.take());
      }
      const names = new Set(perCall.flatMap((c) => [...c.keys()]));
      const signature = (c: Map<string, number>) => [...names].map((n) => c.get(n) ?? 0).join(',');
      const exact = perCall.every((c) => signature(c) === signature(perCall[0]!));
      const mean = Object.fromEntries(
        [...names].map((name) => {
          const total = perCall.reduce((sum, c) => sum + (c.get(name) ?? 0), 0);
          return [name, Math.round((total / perCall.length) * 10) / 10];
        }),
      );
      counts.push({ route, calls: calls.length, perCall: mean, exact });
      return bodies;
    };
    const times = <T>(make: (i: number) => T): T[] => Array.from({ length: CALLS }, (_, i) => make(i));

    // Act
    const created = (
      await measure(
        'POST /objects/contacts (with an email)',
        times((i) => ({
          method: 'POST',
          path: '/objects/contacts',
          body: { properties: { email: `new-${i}@example.com`, firstname: `New ${i}` } },
        })),
      )
    ).map(idOf);
    await measure(
      'PATCH /objects/contacts/{id}',
      created.map((id) => ({
        method: 'PATCH',
        path: `/objects/contacts/${id}`,
        body: { properties: { lifecyclestage: 'lead' } },
      })),
    );
    await measure(
      'GET /objects/contacts/{id}',
      created.map((id) => ({ method: 'GET', path: `/objects/contacts/${id}` })),
    );
    await measure(
      'GET /objects/contacts (a page of 50)',
      times(() => ({ method: 'GET', path: '/objects/contacts' })),
    );
    await measure(
      'PUT …/associations/companies/{toId}',
      created.map((id, i) => ({
        method: 'PUT',
        path: `/objects/contacts/${id}/associations/companies/${companies[i]}`,
      })),
    );
    await measure(
      'PUT /lists/{id}/members/{recordId}',
      created.map((id) => ({ method: 'PUT', path: `/lists/${list.id}/members/${id}` })),
    );
    await measure(
      'DELETE /objects/contacts/{id} (email, 1 association, 1 list)',
      created.map((id) => ({ method: 'DELETE', path: `/objects/contacts/${id}` })),
    );
    await measure(
      'POST /workflows',
      times((i) => ({
        method: 'POST',
        path: '/workflows',
        body: { ...nurtureFrenchLeads, name: `New ${i}` },
      })),
    );
    await measure(
      'PUT /workflows/{id}',
      drafts.map((id) => ({
        method: 'PUT',
        path: `/workflows/${id}`,
        body: { ...nurtureFrenchLeads, name: 'Edited', revision: 1 },
      })),
    );
    await measure(
      'GET /workflows?objectType=contacts&status=draft',
      times(() => ({
        method: 'GET',
        path: '/workflows',
        query: { objectType: 'contacts', status: 'draft' },
      })),
    );
    await measure(
      `POST /workflows/{id}/review (${REVIEW_RECORDS} contacts)`,
      drafts.map((id) => ({ method: 'POST', path: `/workflows/${id}/review` })),
    );
    return counts;
  } finally {
    await db.close();
  }
};

/** Runs autocannon and resolves with its result (the callback form: the promise form's types lag). */
const cannon = (options: autocannon.Options): Promise<autocannon.Result> =>
  new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });

/**
 * Throughput and latency through the embedded server (dynalite on disk, the API on 127.0.0.1), loaded by
 * autocannon in this process for a fixed time per route. The load generator shares the event loop with the
 * server and dynalite, so the figures are a floor, not the server's capacity.
 */
const runLoad = (): Promise<LoadFigure[]> =>
  withBenchRuntime({ name: 'bench' }, async ({ runtime, headers, call }) => {
    const ids: string[] = [];
    for (let i = 0; i < LOAD_IDS; i++) {
      ids.push(idOf(await call('POST', '/objects/contacts', { properties: contactProperties(i) })));
    }

    let sequence = 0;
    /** A request on the contacts, one after the other (round-robin), with the body `body` makes. */
    const roundRobin = (method: string, body?: (n: number) => unknown): autocannon.Request => ({
      method: method as autocannon.Request['method'],
      path: '/objects/contacts/x',
      setupRequest: (request) => {
        sequence += 1;
        const path = `/objects/contacts/${ids[sequence % ids.length]}`;
        return { ...request, path, ...(body ? { body: JSON.stringify(body(sequence)) } : {}) };
      },
    });
    const routes: { route: string; request: autocannon.Request }[] = [
      {
        route: 'POST /objects/contacts (unique emails)',
        request: {
          method: 'POST',
          path: '/objects/contacts',
          setupRequest: (request) => {
            sequence += 1;
            const properties = { email: `load-${sequence}@example.com`, firstname: `Load ${sequence}` };
            return { ...request, body: JSON.stringify({ properties }) };
          },
        },
      },
      {
        route: `PATCH /objects/contacts/{id} (${LOAD_IDS} ids)`,
        request: roundRobin('PATCH', (n) => ({ properties: { score: n % 100 } })),
      },
      { route: `GET /objects/contacts/{id} (${LOAD_IDS} ids)`, request: roundRobin('GET') },
    ];

    const figures: LoadFigure[] = [];
    for (const { route, request } of routes) {
      const options = { url: runtime.url, headers, connections: LOAD_CONNECTIONS, requests: [request] };
      // A short warm-up, not reported: the JIT and the connections are ready when the measure starts.
      await cannon({ ...options, duration: WARMUP_SECONDS });
      const result = await cannon({ ...options, duration: LOAD_SECONDS });
      figures.push({
        route,
        requests: result.requests.total,
        requestsPerSecond: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
      });
    }
    return figures;
  });

/** DynamoDB requests per API call (exact counts), then throughput and latency through the embedded server. */
export async function runApiBench(): Promise<ApiBenchResult> {
  const counts = await runRequestCounts();
  const load = await runLoad();
  return {
    counts,
    reviewRecords: REVIEW_RECORDS,
    load,
    clean: load.every((figure) => figure.non2xx === 0 && figure.errors === 0),
  };
}

/** Prints the figures of an API bench run. */
export const printApiBench = (result: ApiBenchResult): void => {
  console.log(
    `\nDynamoDB requests per API call (the Lambda handler over in-memory dynalite, each route called ${CALLS} times)`,
  );
  const seen = new Set(result.counts.flatMap((row) => Object.keys(row.perCall)));
  const commands = [
    ...COMMAND_ORDER.filter((name) => seen.has(name)),
    ...[...seen].filter((name) => !COMMAND_ORDER.includes(name)).sort(),
  ];
  console.table(
    result.counts.map((row) => ({
      route: row.route,
      ...Object.fromEntries(commands.map((name) => [name, row.perCall[name] ?? 0])),
      total: Number(
        Object.values(row.perCall)
          .reduce((sum, n) => sum + n, 0)
          .toFixed(1),
      ),
      ...(row.exact ? {} : { note: 'calls differed: mean' }),
    })),
  );
  console.log(
    `\nThrough the embedded server (npm start's runtime, dynalite on disk): autocannon in-process, ` +
      `${LOAD_CONNECTIONS} connections, ${LOAD_SECONDS} s per route after a ${WARMUP_SECONDS} s warm-up`,
  );
  console.table(
    result.load.map((figure) => ({
      route: figure.route,
      requests: figure.requests,
      'requests/s': Math.round(figure.requestsPerSecond),
      'p50 (ms)': figure.p50,
      'p99 (ms)': figure.p99,
      'non-2xx': figure.non2xx,
      errors: figure.errors,
    })),
  );
  console.log(`every loaded request answered 2xx: ${result.clean ? 'yes' : 'NO'}`);
};

if (import.meta.main) {
  const result = await runApiBench();
  printApiBench(result);
  if (!result.clean) process.exitCode = 1;
}
