import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** `npm start` as a user runs it: `node shared/runtime/main.ts`, on the Node that runs the tests (24). */
const MAIN = resolve(import.meta.dirname, '../../shared/runtime/main.ts');
const TOKEN = 'e2e-token-0123456789abcdef';
const STARTUP_MS = 10_000;

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process printed on stdout so far. */
  readonly stdout: () => string;
  /** Resolves with the exit code once the process has ended. */
  readonly exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();
const dirs: string[] = [];

afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-e2e-'));
  dirs.push(dir);
  return dir;
};

/** A port nobody listens on right now: bound on 127.0.0.1 with port 0, then released. */
const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

/** The environment of the child: ours without any WORKFLOWS_* setting, plus the given ones. */
const childEnv = (settings: Record<string, string>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env))
    if (!name.startsWith('WORKFLOWS_')) env[name] = value;
  return { ...env, ...settings };
};

/** Starts the runtime as a child process and resolves once it printed its URL and `/health` answers. */
const start = async (settings: Record<string, string>): Promise<Started> => {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: childEnv({ PORT: String(port), ...settings }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the runtime exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`the runtime did not start in time: ${stdout}${stderr}`);
    if (stdout.includes(url)) {
      const health = await fetch(`${url}/health`).catch(() => undefined);
      if (health?.status === 200) break;
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  return { child, url, stdout: () => stdout, exited };
};

/** Runs the runtime as a child process until it exits on its own (within the startup time): its code and output. */
const runToExit = async (
  settings: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> => {
  const child = spawn(process.execPath, [MAIN], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: childEnv({ PORT: '0', ...settings }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), STARTUP_MS);
  const code = await new Promise<number | null>((done) => child.once('exit', (exit) => done(exit)));
  clearTimeout(timer);
  children.delete(child);
  return { code, stdout, stderr };
};

/** Stops the runtime as a service manager would and resolves with its exit code. */
const stop = async (runtime: Started): Promise<number | null> => {
  runtime.child.kill('SIGTERM');
  const code = await runtime.exited;
  children.delete(runtime.child);
  return code;
};

interface Answer {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field in assertions
  readonly json: any;
}

/** One request over HTTP; the token (when given) as a bearer token, the body as JSON. */
const call = async (
  runtime: Started,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<Answer> => {
  const token = options.token === undefined ? TOKEN : options.token;
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
};

/** Calls and expects the status; answers the body. */
const ok = async (
  runtime: Started,
  expected: number,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null } = {},
  // biome-ignore lint/suspicious/noExplicitAny: see Answer
): Promise<any> => {
  const answer = await call(runtime, method, path, options);
  expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.json)}`).toBe(expected);
  return answer.json;
};

describe('npm start (the embedded runtime as a process)', () => {
  it('keeps every piece of data across a SIGTERM and a restart on the same data directory', async () => {
    // Prepare
    const dataDir = tempDir();
    const first = await start({ WORKFLOWS_DATA_DIR: dataDir, WORKFLOWS_API_TOKEN: TOKEN });
    expect(first.stdout()).toContain(`running at ${first.url}`);
    expect(first.stdout()).toContain(`API token: ${TOKEN}`);

    // Act: everything over HTTP
    const property = { name: 'plan', label: 'Plan', type: 'enumeration', options: ['free', 'pro'] };
    await ok(first, 201, 'POST', '/properties/contacts', { body: property });
    const ada = await ok(first, 201, 'POST', '/objects/contacts', {
      body: { properties: { email: 'ada@example.com', firstname: 'Ada', plan: 'pro' } },
    });
    const bob = await ok(first, 201, 'POST', '/objects/contacts', {
      body: { properties: { email: 'bob@example.com', firstname: 'Bob', plan: 'free' } },
    });
    const acme = await ok(first, 201, 'POST', '/objects/companies', {
      body: { properties: { name: 'Acme', domain: 'acme.example' } },
    });
    await ok(first, 204, 'PUT', `/objects/contacts/${ada.id}/associations/companies/${acme.id}`);
    const list = await ok(first, 201, 'POST', '/lists', { body: { name: 'VIPs', objectType: 'contacts' } });
    await ok(first, 204, 'PUT', `/lists/${list.id}/members/${ada.id}`);
    await ok(first, 204, 'PUT', `/lists/${list.id}/members/${bob.id}`);
    const created = await ok(first, 201, 'POST', '/workflows', {
      body: { templateId: 'contact-lead-welcome', name: 'Welcome' },
    });
    const { id: _id, status: _status, createdAt: _at, updatedAt: _up, ...definition } = created;
    const edited = await ok(first, 200, 'PUT', `/workflows/${created.id}`, {
      body: { ...definition, name: 'Welcome, edited' },
    });
    const review = await ok(first, 200, 'POST', `/workflows/${created.id}/review`, { body: {} });
    const unauthorized = await call(first, 'GET', `/objects/contacts/${ada.id}`, { token: null });
    const wrongToken = await call(first, 'GET', '/lists', { token: 'not-the-token-at-all' });
    const records = {
      contacts: await ok(first, 200, 'GET', '/objects/contacts'),
      companies: await ok(first, 200, 'GET', '/objects/companies'),
    };
    const code = await stop(first);

    // Assess: the first run
    expect(code).toBe(0);
    expect(edited.revision).toBe(2);
    expect(review).toMatchObject({ matching: expect.any(Number), sample: expect.any(Array) });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.json).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(wrongToken.status).toBe(401);

    // Act: the second run, on the same data
    const second = await start({ WORKFLOWS_DATA_DIR: dataDir, WORKFLOWS_API_TOKEN: TOKEN });
    try {
      // Assess: every piece is still there
      const properties = await ok(second, 200, 'GET', '/properties/contacts');
      expect(properties.results).toContainEqual(expect.objectContaining(property));
      // Each record as the first run last showed it (the association and memberships are changes: version 3 for Ada).
      const lastSeen = (id: string) =>
        [...records.contacts.results, ...records.companies.results].find((r: { id: string }) => r.id === id);
      expect(await ok(second, 200, 'GET', `/objects/contacts/${ada.id}`)).toEqual(lastSeen(ada.id));
      expect(await ok(second, 200, 'GET', `/objects/contacts/${bob.id}`)).toEqual(lastSeen(bob.id));
      expect(await ok(second, 200, 'GET', `/objects/companies/${acme.id}`)).toEqual(lastSeen(acme.id));
      expect(lastSeen(ada.id)).toMatchObject({ properties: ada.properties, version: 3 });
      expect(await ok(second, 200, 'GET', '/objects/contacts')).toEqual(records.contacts);
      expect(await ok(second, 200, 'GET', '/objects/companies')).toEqual(records.companies);
      const associated = await ok(second, 200, 'GET', `/objects/contacts/${ada.id}/associations/companies`);
      expect(associated.results).toEqual([{ id: acme.id }]);
      expect(await ok(second, 200, 'GET', `/lists/${list.id}`)).toMatchObject({ name: 'VIPs', size: 2 });
      const members = await ok(second, 200, 'GET', `/lists/${list.id}/members`);
      expect(members.results.map((m: { id: string }) => m.id).sort()).toEqual([ada.id, bob.id].sort());
      expect(await ok(second, 200, 'GET', `/workflows/${created.id}`)).toEqual(edited);
      const revisions = await ok(second, 200, 'GET', `/workflows/${created.id}/revisions`);
      expect(revisions.map((r: { revision: number }) => r.revision)).toEqual([1, 2]);
      expect(await ok(second, 200, 'GET', `/workflows/${created.id}/revisions/1`)).toMatchObject({
        name: 'Welcome',
        revision: 1,
      });
      expect(await ok(second, 200, 'GET', `/workflows/${created.id}/revisions/2`)).toEqual(edited);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });

  it('runs on a manual clock that moves only when told, and never goes back across a restart', async () => {
    // Prepare
    const dataDir = tempDir();
    const settings = {
      WORKFLOWS_DATA_DIR: dataDir,
      WORKFLOWS_API_TOKEN: TOKEN,
      WORKFLOWS_CLOCK: 'manual',
      WORKFLOWS_CLOCK_START: '2027-01-04T08:00:00Z',
    };
    const first = await start(settings);

    // Act
    const before = await ok(first, 200, 'GET', '/_local/clock');
    const contact = await ok(first, 201, 'POST', '/objects/contacts', {
      body: { properties: { email: 'clock@example.com' } },
    });
    const moved = await ok(first, 200, 'POST', '/_local/clock', { body: { advance: 'P2D' } });
    const patched = await ok(first, 200, 'PATCH', `/objects/contacts/${contact.id}`, {
      body: { properties: { firstname: 'Clara' } },
    });
    const noToken = await call(first, 'GET', '/_local/clock', { token: null });
    const backwards = await call(first, 'POST', '/_local/clock', { body: { to: '2027-01-01T00:00:00Z' } });
    expect(await stop(first)).toBe(0);
    const second = await start(settings);
    let resumed: { now: string };
    try {
      resumed = await ok(second, 200, 'GET', '/_local/clock');
    } finally {
      expect(await stop(second)).toBe(0);
    }

    // Assess
    expect(before).toEqual({ now: '2027-01-04T08:00:00.000Z', kind: 'manual' });
    expect(contact.createdAt).toBe('2027-01-04T08:00:00.000Z');
    expect(contact.properties.createdate).toBe('2027-01-04T08:00:00.000Z');
    expect(moved.now).toBe('2027-01-06T08:00:00.000Z');
    expect(patched.updatedAt).toBe('2027-01-06T08:00:00.000Z');
    expect(patched.createdAt).toBe('2027-01-04T08:00:00.000Z');
    expect(noToken.status).toBe(401);
    expect(backwards.status).toBe(400);
    expect(backwards.json).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(resumed.now).toBe('2027-01-06T08:00:00.000Z');
  });

  it('refuses to start on a data directory another instance is using, with exit code 2 and one line', async () => {
    // Prepare
    const dataDir = tempDir();
    const settings = { WORKFLOWS_DATA_DIR: dataDir, WORKFLOWS_API_TOKEN: TOKEN };
    const first = await start(settings);
    try {
      // Act
      const second = await runToExit({ ...settings, WORKFLOWS_CLOCK: 'manual' });
      const stillServing = await call(first, 'GET', '/templates');
      // Assess
      expect(second.code).toBe(2);
      expect(second.stdout).toBe('');
      expect(second.stderr.trim().split('\n')).toEqual([
        `WORKFLOWS_DATA_DIR: ${dataDir} is in use by another running instance (its database ${join(dataDir, 'dynamodb')} is locked): stop that instance, or choose another data directory`,
      ]);
      expect(existsSync(join(dataDir, 'clock.json'))).toBe(false);
      expect(stillServing.status).toBe(200);
    } finally {
      expect(await stop(first)).toBe(0);
    }
  });

  it('generates a token when none is set, prints it, and takes only that one', async () => {
    // Prepare
    const runtime = await start({ WORKFLOWS_DATA_DIR: tempDir() });
    try {
      // Act
      const token = /API token: (\S+)\s+\(generated/.exec(runtime.stdout())?.[1];
      expect(token, runtime.stdout()).toBeDefined();
      const withToken = await call(runtime, 'GET', '/templates', { token: token ?? null });
      const withoutToken = await call(runtime, 'GET', '/templates', { token: null });
      const withOther = await call(runtime, 'GET', '/templates', { token: TOKEN });

      // Assess
      expect(token?.length).toBeGreaterThanOrEqual(16);
      expect(withToken.status).toBe(200);
      expect(withToken.json.results.length).toBeGreaterThan(0);
      expect(withoutToken.status).toBe(401);
      expect(withOther.status).toBe(401);
    } finally {
      expect(await stop(runtime)).toBe(0);
    }
  });
});
