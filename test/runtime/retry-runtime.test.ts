import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollmentId } from '../../shared/core/enrollment/enrollment-id.ts';
import { type RunningRuntime, startRuntime } from '../../shared/runtime/start-runtime.ts';
import { runtimeClient } from '../helpers/runtime-client.ts';

const TOKEN = 'retry-runtime-token-0123456789abcdef';

/** A local webhook receiver answering `status` (changed by the test), counting the calls it receives. */
let receiver: Server;
let status = 400;
let received = 0;
let dataDir: string;
let runtime: RunningRuntime;
beforeAll(async () => {
  receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received += 1;
      response.writeHead(status, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  dataDir = mkdtempSync(join(tmpdir(), 'crm-retry-'));
  runtime = await startRuntime({
    port: 0,
    token: TOKEN,
    tokenGenerated: false,
    dataDir,
    clock: { kind: 'manual', start: new Date('2027-01-04T10:00:00Z') },
  });
});
afterAll(async () => {
  await runtime?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

const call = runtimeClient(() => runtime.url, TOKEN);

const settle = async (): Promise<void> => {
  expect((await call('POST', '/_local/settle')).status).toBe(200);
};

interface Line {
  readonly event: string;
  readonly actionId?: string;
  readonly reason?: string;
  readonly retry?: number;
}

/** The record's history in the workflow, oldest first. */
const historyOf = async (workflowId: string, recordId: string): Promise<Line[]> => {
  const page = await call('GET', `/workflows/${workflowId}/history?recordId=${recordId}&limit=100`);
  expect(page.status).toBe(200);
  return [...page.json.results].reverse();
};

const enrollmentOf = async (workflowId: string) => {
  const page = await call('GET', `/workflows/${workflowId}/enrollments`);
  expect(page.json.results).toHaveLength(1);
  return page.json.results[0];
};

describe('retrying a failed enrollment through the embedded runtime', () => {
  it('resumes at the failed webhook in a new execution: fails again (a second line), then completes', async () => {
    // Prepare: a webhook that stops the enrollment when refused, then a notification.
    const created = await call('POST', '/workflows', {
      name: 'Notify the shop',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId: 'hook',
      actions: [
        {
          id: 'hook',
          type: 'webhook',
          url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crm`,
          onError: 'stop',
          next: 'note',
        },
        { id: 'note', type: 'sendNotification', message: 'sent', next: null },
      ],
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const workflowId = created.json.id as string;
    expect((await call('POST', `/workflows/${workflowId}/activate`, { enrollExisting: false })).status).toBe(
      200,
    );
    const record = await call('POST', '/objects/contacts', { properties: { email: 'ada@retry.example' } });
    const recordId = record.json.id as string;
    expect((await call('POST', `/workflows/${workflowId}/enrollments`, { recordId })).status).toBe(201);
    await settle();
    expect(await enrollmentOf(workflowId)).toMatchObject({ status: 'failed' });
    expect(received).toBe(1);
    // Act: retried while the receiver still refuses, then twice at once once it accepts.
    const first = await call('POST', `/workflows/${workflowId}/enrollments/${recordId}/retry`);
    await settle();
    const failedAgain = await enrollmentOf(workflowId);
    const statsFailed = await call('GET', `/workflows/${workflowId}/stats`);
    status = 200;
    const [second, duplicate] = await Promise.all([
      call('POST', `/workflows/${workflowId}/enrollments/${recordId}/retry`),
      call('POST', `/workflows/${workflowId}/enrollments/${recordId}/retry`),
    ]);
    await settle();
    // Assess
    expect([first.status, second.status, duplicate.status]).toEqual([202, 202, 202]);
    expect(failedAgain).toMatchObject({ status: 'failed' });
    expect(statsFailed.json).toMatchObject({ enrolled: 1, active: 0, failed: 1 });
    expect(received).toBe(3);
    expect(await enrollmentOf(workflowId)).toMatchObject({
      id: enrollmentId(workflowId, recordId, 1),
      status: 'completed',
    });
    expect((await call('GET', `/workflows/${workflowId}/stats`)).json).toEqual({
      enrolled: 1,
      active: 0,
      completed: 1,
      unenrolled: 0,
      goalMet: 0,
      failed: 0,
      conversionRate: 0,
    });
    // Lines of one instant come in no particular order: the lines, whatever their order.
    const history = await historyOf(workflowId, recordId);
    const lines = history.map(({ event, actionId, reason, retry }) => ({ event, actionId, reason, retry }));
    expect(lines).toHaveLength(8);
    expect(lines).toEqual(
      expect.arrayContaining([
        { event: 'enrolled', actionId: undefined, reason: 'manual', retry: undefined },
        { event: 'action.failed', actionId: 'hook', reason: undefined, retry: undefined },
        { event: 'enrolled', actionId: 'hook', reason: 'retry', retry: 1 },
        { event: 'action.failed', actionId: 'hook', reason: undefined, retry: 1 },
        { event: 'enrolled', actionId: 'hook', reason: 'retry', retry: 2 },
        { event: 'action.completed', actionId: 'hook', reason: undefined, retry: 2 },
        { event: 'action.completed', actionId: 'note', reason: undefined, retry: 2 },
        { event: 'completed', actionId: undefined, reason: undefined, retry: 2 },
      ]),
    );
  });
});
