import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../shared/adapters/webhook/webhook-signature.ts';
import { type RunningRuntime, startRuntime } from '../../shared/runtime/start-runtime.ts';
import { type RuntimeAnswer, runtimeClient } from '../helpers/runtime-client.ts';

const TOKEN = 'execution-scenarios-events-token-0123';
const START = new Date('2027-01-04T08:00:00Z');
const SECRET_NAME = 'crm/receiver-hook';
const SECRET = 'receiver-secret-value-0123456789';

/** One history line as the API answers it. */
interface HistoryLine {
  readonly at: string;
  readonly event: string;
  readonly recordId: string;
  readonly enrollmentId?: string;
  readonly actionId?: string;
  readonly reason?: string;
  // biome-ignore lint/suspicious/noExplicitAny: details differ per event and are read by path
  readonly details?: any;
}

const dataDirs: string[] = [];
const newDataDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dataDirs.push(dir);
  return dir;
};

/** A runtime on `dataDir` under the manual clock (which resumes where it stopped when the directory has one). */
const runtimeOn = (dataDir: string): Promise<RunningRuntime> =>
  startRuntime({
    port: 0,
    token: TOKEN,
    tokenGenerated: false,
    dataDir,
    clock: { kind: 'manual', start: START },
  });

let runtime: RunningRuntime;
let dataDir: string;
beforeAll(async () => {
  dataDir = newDataDir('crm-exec-events-');
  // The webhook secret, where the embedded runtime looks for it: `<dataDir>/secrets/<name>`.
  mkdirSync(join(dataDir, 'secrets', 'crm'), { recursive: true });
  writeFileSync(join(dataDir, 'secrets', SECRET_NAME), `${SECRET}\n`);
  runtime = await runtimeOn(dataDir);
});
afterAll(async () => {
  await runtime?.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** The HTTP client of one runtime, with what every scenario does through it. */
const clientOf = (target: () => RunningRuntime) => {
  const call = runtimeClient(() => target().url, TOKEN);
  const ok = async (method: string, path: string, body?: unknown): Promise<RuntimeAnswer> => {
    const answer = await call(method, path, body);
    expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.json)}`).toBeLessThan(300);
    return answer;
  };
  return {
    ok,
    now: async () => new Date((await ok('GET', '/_local/clock')).json.now),
    advance: (duration: string) => ok('POST', '/_local/clock', { advance: duration }),
    moveTo: (instant: Date) => ok('POST', '/_local/clock', { to: instant.toISOString() }),
    settle: () => ok('POST', '/_local/settle'),
    /** Creates the workflow and activates it (without the records that already match). */
    activeWorkflow: async (workflow: object): Promise<string> => {
      const created = await ok('POST', '/workflows', workflow);
      await ok('POST', `/workflows/${created.json.id}/activate`, { enrollExisting: false });
      return created.json.id as string;
    },
    contact: async (properties: Record<string, unknown>): Promise<string> =>
      (await ok('POST', '/objects/contacts', { properties })).json.id as string,
    /** The workflow's history, newest first (one page of 100: every scenario stays under it). */
    history: async (workflowId: string, query = ''): Promise<HistoryLine[]> => {
      const answer = await ok('GET', `/workflows/${workflowId}/history?limit=100${query}`);
      expect(answer.json.nextCursor).toBeNull();
      return answer.json.results;
    },
    record: async (id: string) => (await ok('GET', `/objects/contacts/${id}`)).json,
  };
};

const api = clientOf(() => runtime);

/** `event:actionId` (or `event:reason`) of each line, oldest first. */
const story = (lines: readonly HistoryLine[]): string[] =>
  [...lines].reverse().map((line) => [line.event, line.actionId ?? line.reason ?? ''].join(':'));

const at = (start: Date, ms: number) => new Date(start.getTime() + ms).toISOString();
const DAY = 24 * 3600 * 1000;

/**
 * A contacts workflow starting at its first action. Each scenario enrolls the contacts of its own `city` (and
 * `alsoHas` set), so that no scenario's records enroll in another's workflows; with `reenrollOn`, every change of
 * that property re-enrolls the record.
 */
const cityWorkflow = (
  name: string,
  city: string,
  actions: readonly (Record<string, unknown> & { readonly id: string })[],
  options: { readonly reenrollOn?: string; readonly alsoHas?: string } = {},
) => ({
  name,
  objectType: 'contacts',
  enrollment: {
    trigger: 'criteria',
    criteria: [
      {
        filters: [
          { property: 'city', operator: 'eq', value: city },
          ...(options.alsoHas ? [{ property: options.alsoHas, operator: 'hasProperty' }] : []),
        ],
      },
    ],
    ...(options.reenrollOn
      ? {
          reenrollment: {
            enabled: true,
            triggers: [{ property: options.reenrollOn, operator: 'hasProperty' }],
          },
        }
      : {}),
  },
  startActionId: actions[0]?.id ?? null,
  actions,
});

/** Waits for the record to be `connected`, at most 3 days; `met` tags it, `late` marks it on the timeout path. */
const eventWaitWorkflow = (city: string) =>
  cityWorkflow(`Waits for a connection (${city})`, city, [
    {
      id: 'wait',
      type: 'delayUntilEvent',
      criteria: [{ filters: [{ property: 'leadstatus', operator: 'eq', value: 'connected' }] }],
      timeout: 'P3D',
      next: 'met',
      timeoutNext: 'late',
    },
    { id: 'met', type: 'setProperty', property: 'lifecyclestage', value: 'salesqualifiedlead', next: null },
    { id: 'late', type: 'setProperty', property: 'leadstatus', value: 'bad_timing', next: null },
  ]);

describe('executions through the embedded runtime, under the manual clock', () => {
  it('delayUntilEvent met: a change that meets the criteria runs the next action at once, and never the timeout path', async () => {
    // Prepare
    const workflowId = await api.activeWorkflow(eventWaitWorkflow('event-met'));
    const recordId = await api.contact({ email: 'met@example.com', city: 'event-met' });
    await api.settle();
    const waiting = await api.history(workflowId);
    const changedAt = await api.advance('PT2H').then(api.now);

    // Act
    await api.ok('PATCH', `/objects/contacts/${recordId}`, { properties: { leadstatus: 'connected' } });
    await api.settle();
    const met = await api.history(workflowId);
    await api.advance('P4D');

    // Assess
    expect(story(waiting)).toEqual(['enrolled:criteria', 'action.scheduled:wait']);
    expect(waiting[0]?.details).toMatchObject({ waitingFor: 'criteria', timeout: 'P3D' });
    expect(story(met)).toEqual([
      'enrolled:criteria',
      'action.scheduled:wait',
      'action.completed:wait',
      'action.completed:met',
      'completed:',
    ]);
    const [completed, ranMet, waitMet] = met;
    expect(waitMet).toMatchObject({ details: { type: 'delayUntilEvent', outcome: 'met' } });
    // At once: at the instant of the change, not at a timer.
    expect([waitMet?.at, ranMet?.at, completed?.at]).toEqual(Array(3).fill(changedAt.toISOString()));
    // Past the timeout nothing more happened: the timeout path never ran.
    expect(await api.history(workflowId)).toEqual(met);
    const record = await api.record(recordId);
    expect(record.properties).toMatchObject({
      lifecyclestage: 'salesqualifiedlead',
      leadstatus: 'connected',
    });
    expect(record.version).toBe(3); // created, changed by the test, changed by `met`
    const enrollments = await api.ok('GET', `/workflows/${workflowId}/enrollments`);
    expect(enrollments.json.results).toMatchObject([{ recordId, status: 'completed' }]);
  });

  it('delayUntilEvent timed out: the timeoutNext path runs when the timeout has passed, not before', async () => {
    // Prepare
    const workflowId = await api.activeWorkflow(eventWaitWorkflow('event-timeout'));
    const enrolledAt = await api.now();
    const recordId = await api.contact({ email: 'late@example.com', city: 'event-timeout' });
    await api.settle();
    // A change that does not meet the criteria keeps the record waiting.
    await api.advance('P1D');
    await api.ok('PATCH', `/objects/contacts/${recordId}`, { properties: { leadstatus: 'open' } });
    await api.settle();

    // Act
    await api.moveTo(new Date(enrolledAt.getTime() + 3 * DAY - 1000));
    const justBefore = await api.history(workflowId);
    await api.advance('PT1S');
    const after = await api.history(workflowId);

    // Assess
    expect(story(justBefore)).toEqual(['enrolled:criteria', 'action.scheduled:wait']);
    expect(justBefore[0]?.details.runAt).toBe(at(enrolledAt, 3 * DAY));
    expect(story(after)).toEqual([
      'enrolled:criteria',
      'action.scheduled:wait',
      'action.completed:wait',
      'action.completed:late',
      'completed:',
    ]);
    const [, ranLate, timedOut] = after;
    expect(timedOut).toMatchObject({ details: { type: 'delayUntilEvent', outcome: 'timedOut' } });
    expect([timedOut?.at, ranLate?.at]).toEqual([at(enrolledAt, 3 * DAY), at(enrolledAt, 3 * DAY)]);
    const record = await api.record(recordId);
    expect(record.properties.leadstatus).toBe('bad_timing');
    expect(record.properties.lifecyclestage ?? null).toBeNull();
  });

  it('webhooks to a local receiver: signed; a 503 is retried after the retry interval, a 404 never, and onError continue goes on', async () => {
    // Prepare
    const received: { path: string; headers: IncomingHttpHeaders; body: string; verified: boolean }[] = [];
    let flakyAnswers = 0;
    const receiver: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const verified = verifyWebhookSignature({
          body,
          timestamp: String(request.headers['x-crm-timestamp'] ?? ''),
          signature: String(request.headers['x-crm-signature'] ?? ''),
          secret: SECRET,
        });
        received.push({ path: request.url ?? '', headers: request.headers, body, verified });
        if (!verified) response.statusCode = 401;
        else if (request.url === '/flaky') response.statusCode = flakyAnswers++ === 0 ? 503 : 200;
        else response.statusCode = request.url === '/gone' ? 404 : 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const hookWorkflow = (city: string, path: string) =>
      cityWorkflow(`Tells the receiver (${city})`, city, [
        { id: 'hook', type: 'webhook', url: `${base}${path}`, secretName: SECRET_NAME, next: 'after' },
        { id: 'after', type: 'setProperty', property: 'leadstatus', value: 'open', next: null },
      ]);
    try {
      const flakyWorkflow = await api.activeWorkflow(hookWorkflow('hook-flaky', '/flaky'));
      const goneWorkflow = await api.activeWorkflow(hookWorkflow('hook-gone', '/gone'));
      const startedAt = await api.now();

      // Act
      const flakyRecord = await api.contact({ email: 'flaky@example.com', city: 'hook-flaky' });
      const goneRecord = await api.contact({ email: 'gone@example.com', city: 'hook-gone' });
      await api.settle();
      const beforeRetry = {
        flaky: await api.history(flakyWorkflow),
        calls: received.filter((call) => call.path === '/flaky').length,
      };
      // The webhook retry policy waits 60 s before the first retry (no jitter).
      await api.advance('PT59S');
      const justBeforeRetry = received.filter((call) => call.path === '/flaky').length;
      await api.advance('PT1S');
      await api.advance('P4D'); // long past every retry the policy would make
      const flaky = await api.history(flakyWorkflow);
      const gone = await api.history(goneWorkflow);

      // Assess
      expect(received.every((call) => call.verified)).toBe(true);
      // 503 then 200: the action completed at its second attempt, one minute later, then went on.
      expect(beforeRetry.calls).toBe(1);
      expect(story(beforeRetry.flaky)).toEqual(['enrolled:criteria']);
      expect(justBeforeRetry).toBe(1);
      const flakyCalls = received.filter((call) => call.path === '/flaky');
      expect(flakyCalls).toHaveLength(2);
      expect(new Set(flakyCalls.map((call) => call.headers['x-crm-delivery'])).size).toBe(1);
      expect(JSON.parse(flakyCalls[1]?.body ?? '{}')).toMatchObject({ id: flakyRecord });
      expect(story(flaky)).toEqual([
        'enrolled:criteria',
        'action.completed:hook',
        'action.completed:after',
        'completed:',
      ]);
      expect(flaky.find((line) => line.actionId === 'hook')).toMatchObject({
        at: at(startedAt, 60_000),
        details: { type: 'webhook', attempt: 2 },
      });
      // 404: one request, never retried; the failure is recorded and onError continue goes on.
      expect(received.filter((call) => call.path === '/gone')).toHaveLength(1);
      expect(story(gone)).toEqual([
        'enrolled:criteria',
        'action.failed:hook',
        'action.completed:after',
        'completed:',
      ]);
      expect(gone.find((line) => line.event === 'action.failed')).toMatchObject({
        at: startedAt.toISOString(),
        details: { error: 'Webhook.Rejected', attempts: 1 },
      });
      expect(gone.find((line) => line.event === 'action.failed')?.details.cause).toContain('404');
      expect((await api.record(goneRecord)).properties.leadstatus).toBe('open');
      expect((await api.record(flakyRecord)).properties.leadstatus).toBe('open');
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it("a workflow's own change does not re-enroll the record there: it was enrolled when its action made it", async () => {
    // Prepare: every run increments `score`, whose every change would re-enroll the record while it is in the city.
    const workflowId = await api.activeWorkflow(
      cityWorkflow(
        'Counts itself up',
        'self',
        [{ id: 'bump', type: 'incrementProperty', property: 'score', by: 1, next: null }],
        { reenrollOn: 'score' },
      ),
    );

    // Act
    const recordId = await api.contact({ email: 'self@example.com', city: 'self', score: 0 });
    await api.settle();
    const once = await api.history(workflowId);
    await api.ok('PATCH', `/objects/contacts/${recordId}`, { properties: { score: 10 } });
    await api.settle();

    // Assess: `completed` (the executor) and the skip of the bump's change (the enrollment consumer) are written at
    // one instant by two writers, in either order: each run is compared with those two as a set.
    const runs = (lines: readonly string[]) =>
      [0, 4].map((start) => [...lines.slice(start, start + 2), ...lines.slice(start + 2, start + 4).sort()]);
    const ownChange = [
      'enrolled:criteria',
      'action.completed:bump',
      'completed:',
      'enrollment.skipped:already_enrolled',
    ];
    expect(story(once)).toHaveLength(4);
    expect(runs(story(once))[0]).toEqual(ownChange);
    // A change from elsewhere re-enrolls it; its own change again does not.
    const all = story(await api.history(workflowId));
    expect(all).toHaveLength(8);
    expect(runs(all)).toEqual([
      ownChange,
      ['enrolled:reenrollment', 'action.completed:bump', 'completed:', 'enrollment.skipped:already_enrolled'],
    ]);
    expect((await api.record(recordId)).properties.score).toBe(11);
  });

  it('two workflows that re-trigger each other stop at the loop guard: 11 enrollments, then enrollment.skipped loop_guard', async () => {
    // Prepare: Ping bumps `pong` a minute after each enrollment, Pong bumps `score`; each re-enrolls on the other's.
    await api.ok('POST', '/properties/contacts', { name: 'pong', label: 'Pong', type: 'number' });
    const bumpAfterAMinute = (property: string) => [
      { id: 'minute', type: 'delay', duration: 'PT1M', next: 'bump' },
      { id: 'bump', type: 'incrementProperty', property, by: 1, next: null },
    ];
    const ping = await api.activeWorkflow(
      cityWorkflow('Ping', 'loop', bumpAfterAMinute('pong'), { reenrollOn: 'score' }),
    );
    const pong = await api.activeWorkflow(
      cityWorkflow('Pong', 'loop', bumpAfterAMinute('score'), { reenrollOn: 'pong', alsoHas: 'pong' }),
    );

    // Act
    const recordId = await api.contact({ email: 'loop@example.com', city: 'loop', score: 0 });
    await api.settle();
    await api.advance('PT1H');

    // Assess
    // The API's change has no cause (depth 0); an enrollment enrolled by a change at depth d writes at d + 1, and a
    // change deeper than 10 enrolls nothing: enrollments at depths 0…10, 11 in all — Ping at the even depths, Pong at
    // the odd ones — and the change Ping's eleventh-deep enrollment made is stopped at Pong.
    const pingLines = await api.history(ping);
    const pongLines = await api.history(pong);
    const reasons = (lines: HistoryLine[]) =>
      lines.filter((line) => line.event === 'enrolled').map((line) => line.reason);
    expect(reasons(pingLines)).toEqual([...Array(5).fill('reenrollment'), 'criteria']);
    expect(reasons(pongLines)).toEqual([...Array(4).fill('reenrollment'), 'criteria']);
    expect(pingLines.filter((line) => line.event === 'enrollment.skipped')).toEqual([]);
    expect(pongLines.filter((line) => line.event === 'enrollment.skipped')).toMatchObject([
      { reason: 'loop_guard', recordId },
    ]);
    expect(pongLines[0]).toMatchObject({ event: 'enrollment.skipped', reason: 'loop_guard' });
    expect((await api.record(recordId)).properties).toMatchObject({ pong: 6, score: 5 });
    const enrollments = await Promise.all(
      [ping, pong].map((id) => api.ok('GET', `/workflows/${id}/enrollments?limit=100`)),
    );
    expect(enrollments.map((page) => page.json.results.length)).toEqual([6, 5]);
    expect(enrollments.flatMap((page) => page.json.results.map((e: { status: string }) => e.status))).toEqual(
      Array(11).fill('completed'),
    );
  });

  it('GET /_local/outbox lists the personalised emails, newest first', async () => {
    // Prepare
    const workflowId = await api.activeWorkflow(
      cityWorkflow('Greets', 'outbox', [
        {
          id: 'greet',
          type: 'sendEmail',
          subject: 'Welcome, {{firstname}}',
          body: 'Hello {{firstname}} {{lastname}}, from {{city}}.',
          next: null,
        },
      ]),
    );

    // Act
    const ada = await api.contact({
      email: 'ada@example.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      city: 'outbox',
    });
    await api.settle();
    await api.advance('PT1M');
    const bob = await api.contact({
      email: 'bob@example.com',
      firstname: 'Bob',
      lastname: 'Moog',
      city: 'outbox',
    });
    await api.settle();
    const outbox = await api.ok('GET', '/_local/outbox');

    // Assess
    const emails = outbox.json.results.filter(
      (entry: { workflowId: string }) => entry.workflowId === workflowId,
    );
    expect(emails).toMatchObject([
      {
        kind: 'email',
        to: 'bob@example.com',
        subject: 'Welcome, Bob',
        body: 'Hello Bob Moog, from outbox.',
        recordId: bob,
      },
      {
        kind: 'email',
        to: 'ada@example.com',
        subject: 'Welcome, Ada',
        body: 'Hello Ada Lovelace, from outbox.',
        recordId: ada,
      },
    ]);
    expect(Date.parse(emails[0].at)).toBeGreaterThan(Date.parse(emails[1].at));
  });
});

describe('executions across restarts of the process', () => {
  it('a 30-day delay survives a restart: the action after it runs once, when the delay is over', async () => {
    // Prepare
    const ownDir = newDataDir('crm-exec-restart-');
    let first: RunningRuntime | undefined = await runtimeOn(ownDir);
    let second: RunningRuntime | undefined;
    const current = () => (second ?? first) as RunningRuntime;
    const client = clientOf(current);
    try {
      const workflowId = await client.activeWorkflow(
        cityWorkflow('Waits a month', 'restart', [
          { id: 'month', type: 'delay', duration: 'P30D', next: 'tag' },
          { id: 'tag', type: 'incrementProperty', property: 'score', by: 1, next: null },
        ]),
      );
      const enrolledAt = await client.now();
      const recordId = await client.contact({ email: 'patient@example.com', city: 'restart', score: 0 });
      await client.settle();
      await client.advance('P10D');

      // Act: the process stops in the middle of the delay, and a new one starts on the same data.
      await first.close();
      first = undefined;
      second = await runtimeOn(ownDir);
      const resumedAt = await client.now();
      await client.advance('P19D');
      const beforeDue = await client.history(workflowId);
      await client.advance('P2D');
      await client.advance('P30D');

      // Assess
      expect(resumedAt.toISOString()).toBe(at(enrolledAt, 10 * DAY));
      expect(story(beforeDue)).toEqual(['enrolled:criteria', 'action.scheduled:tag']);
      const lines = await client.history(workflowId);
      expect(story(lines)).toEqual([
        'enrolled:criteria',
        'action.scheduled:tag',
        'action.completed:tag',
        'completed:',
      ]);
      expect(lines.filter((line) => line.event === 'action.completed')).toMatchObject([
        { actionId: 'tag', at: at(enrolledAt, 30 * DAY) },
      ]);
      const record = (await client.ok('GET', `/objects/contacts/${recordId}`)).json;
      expect(record.properties.score).toBe(1);
      expect(record.version).toBe(2);
    } finally {
      await first?.close();
      await second?.close();
    }
  });

  it('a random split takes both paths over 40 enrollments, records each path, and a replay takes the same paths', async () => {
    // Prepare: 40 contacts from an application through the real EventBridge client, waiting an hour before the split.
    const ownDir = newDataDir('crm-exec-split-');
    let active: RunningRuntime | undefined = await runtimeOn(ownDir);
    const client = clientOf(() => active as RunningRuntime);
    const replayDir = newDataDir('crm-exec-split-replay-');
    try {
      const workflowId = await client.activeWorkflow(
        cityWorkflow('A/B', 'split', [
          { id: 'pause', type: 'delay', duration: 'PT1H', next: 'split' },
          {
            id: 'split',
            type: 'randomSplit',
            paths: [
              { percent: 50, next: 'a' },
              { percent: 50, next: 'b' },
            ],
          },
          { id: 'a', type: 'setProperty', property: 'jobtitle', value: 'path A', next: null },
          { id: 'b', type: 'setProperty', property: 'jobtitle', value: 'path B', next: null },
        ]),
      );
      const events = new EventBridgeClient({
        endpoint: active.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: TOKEN },
      });
      const emails = Array.from({ length: 40 }, (_, index) => `split-${index}@example.com`);
      for (let index = 0; index < emails.length; index += 10) {
        const sent = await events.send(
          new PutEventsCommand({
            Entries: emails.slice(index, index + 10).map((email) => ({
              Source: 'shop.signups',
              DetailType: 'Record Upsert',
              Detail: JSON.stringify({
                objectType: 'contacts',
                idProperty: 'email',
                properties: { email, city: 'split' },
              }),
              EventBusName: 'crm-workflows',
            })),
          }),
        );
        expect(sent.FailedEntryCount).toBe(0);
      }
      events.destroy();
      await client.settle();
      const enrollments = await client.ok('GET', `/workflows/${workflowId}/enrollments?limit=100`);
      expect(enrollments.json.results).toHaveLength(40);
      // Every execution waits at its checkpoint before the split: a copy of the data is a crash at this point.
      await active.close();
      active = undefined;
      cpSync(ownDir, replayDir, { recursive: true });

      /** Runs the splits on a data directory: each record's path, and each record's property. */
      const runSplits = async (dir: string) => {
        active = await runtimeOn(dir);
        await client.advance('PT2H');
        const taken = await client.history(workflowId, '&event=branch.taken');
        const records = await client.ok('GET', '/objects/contacts?limit=100');
        await active.close();
        active = undefined;
        return {
          lines: taken,
          paths: new Map(taken.map((line) => [line.recordId, line.details.index as number])),
          titles: new Map(
            records.json.results.map((record: { id: string; properties: { jobtitle?: string } }) => [
              record.id,
              record.properties.jobtitle,
            ]),
          ),
        };
      };

      // Act
      const run = await runSplits(ownDir);
      const replay = await runSplits(replayDir);

      // Assess
      // One `branch.taken` line per record, naming the path (both are named after their percent, the index tells
      // them apart), and the record went down that path.
      expect(run.lines).toHaveLength(40);
      expect(run.paths.size).toBe(40);
      for (const line of run.lines) {
        expect(line).toMatchObject({ actionId: 'split', details: { branch: '50%' } });
        expect(run.titles.get(line.recordId)).toBe(line.details.index === 0 ? 'path A' : 'path B');
      }
      const taken = [...run.paths.values()];
      expect(taken.filter((index) => index === 0).length).toBeGreaterThan(0);
      expect(taken.filter((index) => index === 1).length).toBeGreaterThan(0);
      // Replayed from the same checkpoint, every split chose the same path again.
      expect(replay.lines).toHaveLength(40);
      expect(replay.paths).toEqual(run.paths);
      expect(replay.titles).toEqual(run.titles);
    } finally {
      await (active as RunningRuntime | undefined)?.close();
    }
  }, 60_000);
});
