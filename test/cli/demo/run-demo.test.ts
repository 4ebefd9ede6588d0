import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoError } from '../../../shared/cli/demo/demo-client.ts';
import { runDemo } from '../../../shared/cli/demo/run-demo.ts';
import { type RunningRuntime, startRuntime } from '../../../shared/runtime/start-runtime.ts';

const TOKEN = 'demo-runtime-token-0123456789';
/** A Friday afternoon in Paris: inside the template's execution windows (Mon–Fri 09:00–17:00). */
const START = new Date('2027-01-08T15:30:00Z');

let dataDir: string;
let runtime: RunningRuntime;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crm-demo-'));
  runtime = await startRuntime({
    port: 0,
    token: TOKEN,
    tokenGenerated: false,
    dataDir,
    clock: { kind: 'manual', start: START },
  });
});
afterAll(async () => {
  await runtime?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the demo against the runtime and collects what it prints. */
const demo = async (options: { runTag: string; token?: string; url?: string; fetch?: typeof fetch }) => {
  const out: string[] = [];
  const result = await runDemo({
    url: options.url ?? runtime.url,
    token: 'token' in options ? options.token : TOKEN,
    out: (line) => out.push(line),
    runTag: options.runTag,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { out, result };
};

/**
 * The rows of one record's block of the printed timeline, each as `<event>:<action or reason>` with its UTC time:
 * the block starts at the line naming the record (`<label>  contacts/<id>`) and ends at the next blank line.
 */
const blockOf = (out: readonly string[], label: string) => {
  const start = out.findIndex((line) => line.startsWith(label) && / {2}contacts\/\S+$/.test(line));
  expect(start, `a block for ${label}`).toBeGreaterThan(-1);
  const end = out.indexOf('', start);
  return out.slice(start + 1, end === -1 ? undefined : end).map((row) => {
    const match = /^ {2}\w{3} \S+ \S+ [+-]\d\d:\d\d {2}(\S+ \S+Z) {2}(\S+)\s*(.*)$/.exec(row);
    expect(match, row).not.toBeNull();
    const [, utc, event, rest] = match as unknown as [string, string, string, string];
    const action = /^(\S+) \(\w+\)/.exec(rest)?.[1];
    const reason = /reason: (\S+)/.exec(rest)?.[1];
    return { utc, step: `${event}:${action ?? reason ?? ''}` };
  });
};

const steps = (out: readonly string[], label: string) => blockOf(out, label).map(({ step }) => step);

describe('npm run demo against the embedded runtime', () => {
  it('creates records and a workflow from a template, activates it, moves the clock and prints the timeline in order', async () => {
    // Act
    const { out, result } = await demo({ runTag: 'demo-first' });

    // Assess
    expect(out).toContain(`crm-workflows at ${runtime.url} is up; clock: manual, now ${START.toISOString()}`);
    expect(out).toContain('Activated with enrollExisting: 2 matched, 2 enrolled');
    expect(out).toContain('Moved the clock by P7D, through every due timer: now 2027-01-15T15:30:00.000Z');
    expect(out).toContain(
      `Timeline of "Welcome and qualify new leads (demo-first)" (${result.workflowId}), oldest first`,
    );
    expect(out).toContain('times: local in Europe/Paris, then UTC');
    const engaged = [
      'action.completed:mark-open',
      'action.completed:welcome',
      'action.scheduled:engaged',
      'branch.taken:engaged',
      'action.scheduled:call-task',
      'action.completed:call-task',
      'completed:',
    ];
    expect(steps(out, 'Ada Lovelace <ada.demo-first@example.com>')).toEqual([
      'enrolled:existing',
      ...engaged,
    ]);
    expect(steps(out, 'Alan Turing <alan.demo-first@example.com>')).toEqual([
      'enrolled:criteria',
      ...engaged,
    ]);
    expect(steps(out, 'Grace Hopper <grace.demo-first@example.com>')).toEqual([
      'enrolled:existing',
      'action.completed:mark-open',
      'action.completed:welcome',
      'action.scheduled:engaged',
      'branch.taken:engaged',
      'completed:',
    ]);
    // The enrollment at the clock's start, the branch two days later, the task on Monday morning (Paris).
    const ada = blockOf(out, 'Ada Lovelace');
    expect(ada[0]?.utc).toBe('2027-01-08 15:30:00Z');
    expect(ada[4]?.utc).toBe('2027-01-10 15:30:00Z');
    expect(ada[6]?.utc).toMatch(/^2027-01-11 08:[01]\d:\d\dZ$/);
    expect(out.indexOf(out.find((line) => line.startsWith('Ada Lovelace')) ?? '')).toBeLessThan(
      out.indexOf(out.find((line) => line.startsWith('Grace Hopper')) ?? ''),
    );
    expect(out.at(-1)).toBe('Outbox: 3 email(s) and 0 notification(s) of this workflow (GET /_local/outbox)');
  });

  it('runs again on the same instance with records of its own, and creates a small workflow when no template fits', async () => {
    // Prepare: an instance whose catalogue has no contacts template
    const noTemplates: typeof fetch = (input, init) =>
      String(input).endsWith('/templates?objectType=contacts')
        ? Promise.resolve(Response.json({ results: [] }))
        : fetch(input, init);

    // Act
    const { out } = await demo({ runTag: 'demo-second', fetch: noTemplates });

    // Assess
    expect(out.some((line) => line.startsWith('No contacts template has a delay and an email'))).toBe(true);
    expect(out.filter((line) => /^\S.*contacts\//.test(line))).toEqual([
      expect.stringMatching(/^Ada Lovelace <ada\.demo-second@example\.com> {2}contacts\//),
      expect.stringMatching(/^Grace Hopper <grace\.demo-second@example\.com> {2}contacts\//),
      expect.stringMatching(/^Alan Turing <alan\.demo-second@example\.com> {2}contacts\//),
    ]);
    const followUp = ['action.completed:welcome', 'action.scheduled:follow-up', 'action.completed:follow-up'];
    expect(steps(out, 'Ada Lovelace')).toEqual(['enrolled:existing', ...followUp, 'completed:']);
    expect(steps(out, 'Alan Turing')).toEqual(['enrolled:criteria', ...followUp, 'completed:']);
    expect(out.at(-1)).toBe('Outbox: 6 email(s) and 0 notification(s) of this workflow (GET /_local/outbox)');
  });

  it('says what to do when the token is wrong or missing, or the instance is not reachable', async () => {
    // Prepare: a port nothing listens on
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const failure = (options: Parameters<typeof demo>[0]) =>
      demo(options).then(
        () => undefined,
        (error: unknown) => error,
      );

    // Act
    const wrong = await failure({ runTag: 'demo-wrong', token: 'not-the-token-0123456789' });
    const missing = await failure({ runTag: 'demo-missing', token: undefined });
    const unreachable = await failure({ runTag: 'demo-unreachable', url: `http://127.0.0.1:${port}` });

    // Assess
    expect(wrong).toBeInstanceOf(DemoError);
    expect((wrong as DemoError).message).toBe(
      `the instance at ${runtime.url} refused the API token (401): set WORKFLOWS_API_TOKEN to the API token \`npm start\` printed (or the one it was started with)`,
    );
    expect(missing).toBeInstanceOf(DemoError);
    expect((missing as DemoError).message).toMatch(
      /^WORKFLOWS_API_TOKEN is not set: set it to the API token/,
    );
    expect(unreachable).toBeInstanceOf(DemoError);
    expect((unreachable as DemoError).message).toContain(
      `cannot reach crm-workflows at http://127.0.0.1:${port} (ECONNREFUSED): start it with \`WORKFLOWS_CLOCK=manual npm start\``,
    );
  });
});

describe('npm run demo against an instance on the system clock', () => {
  it('says the clock cannot be moved, only settles, and prints the enrollments', async () => {
    // Prepare
    const systemDir = mkdtempSync(join(tmpdir(), 'crm-demo-system-'));
    const system = await startRuntime({
      port: 0,
      token: TOKEN,
      tokenGenerated: false,
      dataDir: systemDir,
      clock: { kind: 'system' },
    });
    try {
      // Act
      const { out } = await demo({ runTag: 'demo-system', url: system.url });

      // Assess: what runs at once depends on the real time (execution windows); the enrollments do not
      expect(out).toContain(
        'The instance runs the system clock: the demo cannot move time, so it only settles and shows what is due now.',
      );
      expect(out.some((line) => line.startsWith('Settled at '))).toBe(true);
      expect(out.some((line) => line.startsWith('Moved the clock'))).toBe(false);
      expect(steps(out, 'Ada Lovelace')[0]).toBe('enrolled:existing');
      expect(steps(out, 'Grace Hopper')[0]).toBe('enrolled:existing');
      expect(steps(out, 'Alan Turing')[0]).toBe('enrolled:criteria');
    } finally {
      await system.close();
      rmSync(systemDir, { recursive: true, force: true });
    }
  });
});
