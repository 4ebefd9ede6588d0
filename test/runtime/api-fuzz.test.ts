import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { apiRoutes } from '../../functions/api/api-routes.ts';
import { AppError, ERROR_CODES, type ErrorCode } from '../../shared/core/errors/app-error.ts';
import { OBJECT_TYPES } from '../../shared/core/records/object-types.ts';
import { type RunningRuntime, startRuntime } from '../../shared/runtime/start-runtime.ts';

/**
 * Every route of the API, fuzzed through the real server over 127.0.0.1: never a 5xx, every 4xx in the
 * contract's shape, no token always a 401, and a refused write leaves the data as it was.
 * Reproduce a failure with the seed and path fast-check prints (`FUZZ_SEED=<n>` moves every route's seed).
 */
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20_270_104);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 40);
const TOKEN = 'fuzz-token-0123456789abcdef';

/** The status the contract maps a code to (app-error.ts's table). */
const statusOf = (code: ErrorCode): number => new AppError(code, '').statusCode;
/** The codes a caller's mistake may answer with: every code under 500. */
const CALLER_CODES = ERROR_CODES.filter((code) => statusOf(code) < 500);

interface FuzzedRoute {
  readonly method: string;
  readonly path: string;
  readonly public?: boolean;
}

/** The route table, plus the embedded runtime's own routes (local.md). */
const ROUTES: readonly FuzzedRoute[] = [
  ...apiRoutes(),
  { method: 'GET', path: '/_local/clock' },
  { method: 'POST', path: '/_local/clock' },
];

/** Records, a list and a workflow made fresh for each route: the ids its valid requests name. */
interface World {
  readonly contact: string;
  readonly company: string;
  readonly list: string;
  readonly workflow: string;
  // biome-ignore lint/suspicious/noExplicitAny: the stored workflow as GET returned it, edited by mutations
  readonly storedWorkflow: any;
}

let runtime: RunningRuntime;
let dataDir: string;
// biome-ignore lint/suspicious/noExplicitAny: a template's workflow as the API serves it
let templateWorkflow: any;
let worldCount = 0;

interface Answer {
  readonly status: number;
  readonly text: string;
}

type Body =
  | { readonly kind: 'none' }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'bytes'; readonly value: Uint8Array };

interface FuzzRequest {
  readonly path: string;
  readonly query: readonly (readonly [string, string])[];
  readonly body: Body;
  /** The Authorization header, or none. */
  readonly authorization: string | undefined;
}

const send = async (method: string, request: FuzzRequest): Promise<Answer> => {
  const search = new URLSearchParams(request.query.map(([k, v]): [string, string] => [k, v])).toString();
  const { body } = request;
  const payload =
    body.kind === 'json'
      ? JSON.stringify(body.value)
      : body.kind === 'text'
        ? body.value
        : body.kind === 'bytes'
          ? body.value
          : undefined;
  const response = await fetch(`${runtime.url}${request.path}${search ? `?${search}` : ''}`, {
    method,
    headers: request.authorization === undefined ? {} : { Authorization: request.authorization },
    ...(payload === undefined || method === 'GET' ? {} : { body: payload }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, text: await response.text() };
};

/** A call the test itself makes (setup, fingerprints): it must succeed. */
// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
const api = async (method: string, path: string, body?: unknown): Promise<any> => {
  const answer = await send(method, {
    path,
    query: [],
    body: body === undefined ? { kind: 'none' } : { kind: 'json', value: body },
    authorization: `Bearer ${TOKEN}`,
  });
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text}`);
  return answer.text ? JSON.parse(answer.text) : undefined;
};

const makeWorld = async (): Promise<World> => {
  worldCount += 1;
  const contact = await api('POST', '/objects/contacts', {
    properties: { email: `world${worldCount}@example.com`, plan: 'pro' },
  });
  const company = await api('POST', '/objects/companies', {
    properties: { name: `Company ${worldCount}`, domain: `world${worldCount}.example` },
  });
  await api('PUT', `/objects/contacts/${contact.id}/associations/companies/${company.id}`);
  const list = await api('POST', '/lists', { name: `List ${worldCount}`, objectType: 'contacts' });
  await api('PUT', `/lists/${list.id}/members/${contact.id}`);
  const workflow = await api('POST', '/workflows', {
    templateId: 'contact-lead-welcome',
    name: `Workflow ${worldCount}`,
  });
  return {
    contact: contact.id,
    company: company.id,
    list: list.id,
    workflow: workflow.id,
    storedWorkflow: workflow,
  };
};

/** Every item of a paged list, page after page; a list that cannot be read is its status and answer. */
const allPages = async (path: string): Promise<unknown> => {
  const items: unknown[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await send('GET', {
      path: `${path}${separator}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      query: [],
      body: { kind: 'none' },
      authorization: `Bearer ${TOKEN}`,
    });
    if (answer.status !== 200) return `${answer.status} ${answer.text}`;
    const page = JSON.parse(answer.text) as { results: unknown[]; nextCursor: string | null };
    items.push(...page.results);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
};

/** Deletes every record, list and workflow the API shows, so that each route starts from a small data set. */
const clearData = async (): Promise<void> => {
  const idsOf = async (path: string) => ((await allPages(path)) as { id: string }[]).map(({ id }) => id);
  for (const type of OBJECT_TYPES) {
    for (const id of await idsOf(`/objects/${type}`)) await api('DELETE', `/objects/${type}/${id}`);
  }
  for (const id of await idsOf('/lists')) await api('DELETE', `/lists/${id}`);
  for (const id of await idsOf('/workflows')) await api('DELETE', `/workflows/${id}`);
};

/**
 * What the API shows of the data: every record (with its version, which every change moves), every
 * property, list (with its size) and workflow (with its revision), the world's associations and members
 * (or their 404 once the world's records are deleted), and the clock.
 */
const fingerprint = async (world: World): Promise<string> =>
  JSON.stringify(
    await Promise.all([
      ...OBJECT_TYPES.flatMap((type) => [allPages(`/objects/${type}`), api('GET', `/properties/${type}`)]),
      allPages('/lists'),
      allPages('/workflows'),
      allPages(`/objects/contacts/${world.contact}/associations/companies`),
      allPages(`/objects/companies/${world.company}/associations/contacts`),
      allPages(`/lists/${world.list}/members`),
      api('GET', '/_local/clock'),
    ]),
  );

// ---------------------------------------------------------------------------------------------------------
// Arbitraries

const wellFormed = (text: string): string => text.toWellFormed();

/** Path segments a caller may get wrong: unicode, dot segments, encoded slashes, very long, empty-ish. */
const junkSegment: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => encodeURIComponent(wellFormed(s))),
  fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(s)),
  fc.constantFrom(
    '..',
    '.',
    '%2E%2E',
    '%2F',
    'a%2Fb',
    '%2F..%2F',
    '%00',
    '%',
    '%ZZ',
    '%E2%82',
    '%20',
    '+',
    '~',
    '0',
    '-1',
    '1e3',
    'Infinity',
    'NaN',
    '__proto__',
    'constructor',
    'REC%23contacts%23x',
    'x'.repeat(257),
    'y'.repeat(3000),
    encodeURIComponent('é😀ñ'),
  ),
  fc.webSegment(),
);

/** A valid value for each path parameter of a route, from the world. */
const validParam = (route: FuzzedRoute, name: string, world: World): string => {
  switch (name) {
    case 'objectType':
      return 'contacts';
    case 'toObjectType':
      return 'companies';
    case 'toId':
      return world.company;
    case 'recordId':
      return world.contact;
    case 'n':
      return '1';
    default:
      if (route.path.startsWith('/lists')) return world.list;
      if (route.path.startsWith('/workflows')) return world.workflow;
      if (route.path.startsWith('/templates')) return 'contact-lead-welcome';
      return world.contact;
  }
};

const paramNames = (path: string): string[] => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);

const pathArbitrary = (route: FuzzedRoute, world: World): fc.Arbitrary<string> => {
  const names = paramNames(route.path);
  const values = names.map((name) =>
    fc.oneof(
      { weight: 5, arbitrary: fc.constant(encodeURIComponent(validParam(route, name, world))) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...OBJECT_TYPES, world.contact, world.company, world.list, world.workflow),
      },
      { weight: 2, arbitrary: junkSegment },
    ),
  );
  return fc.tuple(...values).map((chosen) => {
    let path = route.path;
    names.forEach((name, i) => {
      path = path.replace(`{${name}}`, chosen[i] as string);
    });
    return path;
  });
};

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const junkQuery: fc.Arbitrary<readonly (readonly [string, string])[]> = fc.array(
  fc.tuple(
    fc.oneof(fc.constantFrom('limit', 'cursor', 'objectType', 'status', 'q'), fc.string({ maxLength: 10 })),
    fc.oneof(
      fc.constantFrom(
        '0',
        '1',
        '50',
        '100',
        '101',
        '-1',
        '1.5',
        '1e2',
        'NaN',
        '',
        ' ',
        'contacts',
        'draft',
        'active',
      ),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
      fc.jsonValue({ maxDepth: 2 }).map(base64url),
      fc
        .constantFrom('TYPE#contacts', 'LISTS', 'WF', 'REC#contacts#x', 'LIST#x')
        .map((pk) => base64url({ pk, sk: '#RECORD', gsi1pk: pk, gsi1sk: '2027#x' })),
      fc.string({ minLength: 2049, maxLength: 2100 }),
    ),
  ),
  { maxLength: 4 },
);

/** No query, a valid page, or junk: most requests get past the query to the route's service. */
const queryArbitrary: fc.Arbitrary<readonly (readonly [string, string])[]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant([]) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 100 }).map((limit) => [['limit', String(limit)] as const]),
  },
  { weight: 3, arbitrary: junkQuery },
);

/** A valid body for the routes that take one. */
const validBody = (route: FuzzedRoute, world: World): unknown => {
  switch (`${route.method} ${route.path}`) {
    case 'POST /properties/{objectType}':
      return { name: `fuzz_${worldCount}`, label: 'Fuzz', type: 'string' };
    case 'POST /objects/{objectType}':
      return { properties: { firstname: 'Fuzz', email: `fuzz${worldCount}@example.com` } };
    case 'POST /objects/{objectType}/upsert':
      return {
        idProperty: 'email',
        properties: { email: `world${worldCount}@example.com`, firstname: 'Up' },
      };
    case 'PATCH /objects/{objectType}/{id}':
      return { properties: { firstname: 'Patched', plan: 'free' } };
    case 'POST /lists':
      return { name: 'Fuzzed list', objectType: 'contacts' };
    case 'POST /workflows':
      return { ...templateWorkflow, name: 'Fuzzed workflow' };
    case 'PUT /workflows/{id}':
      return world.storedWorkflow;
    case 'POST /workflows/{id}/review':
      return { createList: true };
    case 'POST /_local/clock':
      return { advance: 'PT1M' };
    default:
      return {};
  }
};

/** Every path into a JSON value (object keys and array indexes), the root first. */
const pathsOf = (value: unknown, prefix: (string | number)[] = []): (string | number)[][] => {
  const paths = [prefix];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) paths.push(...pathsOf(item, [...prefix, i]));
  } else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
};

type Mutation = 'replace' | 'delete' | 'add';

/** The value with one spot changed: replaced, removed, or given an unknown key. */
const mutate = (value: unknown, at: number, how: Mutation, replacement: unknown, key: string): unknown => {
  const paths = pathsOf(value);
  const path = paths[at % paths.length] ?? [];
  if (path.length === 0) return how === 'add' ? { ...(value as object), [key]: replacement } : replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (how === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (how === 'add' && parent[last] !== null && typeof parent[last] === 'object') {
    (parent[last] as Record<string, unknown>)[key] = replacement;
  } else {
    parent[last] = replacement;
  }
  return copy;
};

const bodyArbitrary = (route: FuzzedRoute, world: World): fc.Arbitrary<Body> => {
  const valid = validBody(route, world);
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    { weight: 2, arbitrary: fc.constant<Body>({ kind: 'json', value: valid }) },
    {
      weight: 8,
      arbitrary: fc
        .tuple(
          fc.nat(),
          fc.constantFrom<Mutation>('replace', 'delete', 'add'),
          fc.oneof(
            fc.jsonValue({ maxDepth: 3 }),
            fc.constantFrom(
              null,
              '',
              -1,
              0,
              1e308,
              'P1000000Y',
              'P-1D',
              '9999-12-31T23:59:59Z',
              '+275760-09-13T00:00:00Z',
            ),
          ),
          fc.string({ maxLength: 10 }),
        )
        .map(
          ([at, how, replacement, key]): Body => ({
            kind: 'json',
            value: mutate(valid, at, how, replacement, key),
          }),
        ),
    },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value): Body => ({ kind: 'json', value })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.string({ unit: 'grapheme', maxLength: 50 }),
          fc.constantFrom(
            '{',
            '{"properties": ',
            'null',
            '[]',
            '"x"',
            'NaN',
            '{"__proto__": {"x": 1}}',
            '\u0000',
          ),
        )
        .map((value): Body => ({ kind: 'text', value })),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((value): Body => ({ kind: 'bytes', value })),
    },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'text', value: 'x'.repeat(1024 * 1024 + 1) }) },
  );
};

const authorizationArbitrary: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(
        '',
        'Bearer',
        'Bearer ',
        `Basic ${TOKEN}`,
        `Bearer ${TOKEN}x`,
        `Bearer ${TOKEN.slice(1)}`,
      ),
      fc.string({ maxLength: 40 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`),
    ),
  },
);

const requestArbitrary = (route: FuzzedRoute, world: World): fc.Arbitrary<FuzzRequest> =>
  fc.record({
    path: pathArbitrary(route, world),
    query: queryArbitrary,
    body: bodyArbitrary(route, world),
    authorization: authorizationArbitrary,
  });

// ---------------------------------------------------------------------------------------------------------

/** Checks one answer against the contract; returns a sentence per broken promise. */
const contractProblems = (route: FuzzedRoute, request: FuzzRequest, answer: Answer): string[] => {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  const authorized = request.authorization === `Bearer ${TOKEN}`;
  if (!route.public && !authorized && answer.status !== 401) {
    problems.push(`without the token answered ${answer.status} instead of 401`);
  }
  if (answer.status >= 400 && answer.status < 500) {
    let body: { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined;
    try {
      body = JSON.parse(answer.text);
    } catch {
      problems.push(`a ${answer.status} whose body is not JSON: ${answer.text.slice(0, 200)}`);
    }
    const error = body?.error;
    const code = error?.code as ErrorCode;
    if (!error || !CALLER_CODES.includes(code) || typeof error.message !== 'string') {
      problems.push(`a ${answer.status} not in the contract's shape: ${answer.text.slice(0, 200)}`);
    } else if (statusOf(code) !== answer.status) {
      problems.push(`${code} came with ${answer.status}, not ${statusOf(code)}`);
    }
    if (error?.details !== undefined) {
      const details = error.details as { path?: unknown; message?: unknown }[];
      if (
        !Array.isArray(details) ||
        details.some((d) => typeof d.path !== 'string' || typeof d.message !== 'string')
      )
        problems.push(`details not as the contract says: ${JSON.stringify(error.details).slice(0, 200)}`);
    }
  }
  return problems;
};

const describeRequest = (route: FuzzedRoute, request: FuzzRequest): string => {
  const body =
    request.body.kind === 'none'
      ? 'no body'
      : request.body.kind === 'bytes'
        ? `${request.body.value.length} bytes`
        : `${request.body.kind} ${JSON.stringify(request.body.value)}`;
  return `${route.method} ${request.path} ${JSON.stringify(request.query)} ${body.slice(0, 300)}`;
};

describe('the API under fuzzing, through the embedded server', () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'crm-fuzz-'));
    runtime = await startRuntime({
      port: 0,
      token: TOKEN,
      tokenGenerated: false,
      dataDir,
      clock: { kind: 'manual', start: new Date('2027-01-04T08:00:00Z') },
    });
    await api('POST', '/properties/contacts', {
      name: 'plan',
      label: 'Plan',
      type: 'enumeration',
      options: ['free', 'pro'],
    });
    templateWorkflow = (await api('GET', '/templates/contact-lead-welcome')).workflow;
  });

  afterAll(async () => {
    await runtime?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(ROUTES.map((route, index) => [`${route.method} ${route.path}`, route, index] as const))(
    '%s keeps the contract whatever it is sent',
    async (_name, route, index) => {
      await clearData();
      const world = await makeWorld();
      let known = await fingerprint(world);
      await fc.assert(
        fc.asyncProperty(requestArbitrary(route, world), async (request) => {
          const answer = await send(route.method, request);
          const problems = contractProblems(route, request, answer);
          if (route.method !== 'GET') {
            const now = await fingerprint(world);
            if (answer.status >= 400 && now !== known)
              problems.push(`a refused write (${answer.status}) changed the data`);
            known = now;
          }
          if (problems.length > 0)
            throw new Error(`${describeRequest(route, request)}\n  ${problems.join('\n  ')}`);
        }),
        { seed: BASE_SEED + index, numRuns: RUNS_PER_ROUTE },
      );
    },
    60_000,
  );
});
