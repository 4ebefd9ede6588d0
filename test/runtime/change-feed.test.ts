import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoDBCrmServices } from '../../shared/adapters/dynamodb/crm-services.dynamodb.ts';
import type { EventEnvelope } from '../../shared/core/events/event-envelope.ts';
import { startLocalDynamoDB } from '../../shared/runtime/local-dynamodb.ts';
import { type RunningRuntime, startRuntime } from '../../shared/runtime/start-runtime.ts';

const TOKEN = 'change-feed-test-token';
const dirs: string[] = [];
const running: RunningRuntime[] = [];
afterEach(async () => {
  for (const runtime of running.splice(0)) await runtime.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The runtime with an `enrollment` target that keeps every Record Changed it is given. */
const start = async (dataDir: string) => {
  const received: EventEnvelope[] = [];
  const runtime = await startRuntime(
    { port: 0, token: TOKEN, tokenGenerated: false, dataDir, clock: { kind: 'system' } },
    { enrollment: async (event) => void received.push(event) },
  );
  running.push(runtime);
  const settle = async () => {
    await runtime.changes.drain();
    await runtime.bus.settle();
  };
  return { runtime, received, settle };
};

const detailsOf = (events: readonly EventEnvelope[]) =>
  events.map((event) => event.detail as { id: string; change: string; version: number });

describe('the embedded change feed', () => {
  it('puts every change made through the API on the bus as Record Changed, in version order', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-feed-'));
    dirs.push(dataDir);
    const { runtime, received, settle } = await start(dataDir);
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${runtime.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }).then((response) => response.json() as Promise<{ id: string }>);

    // Act
    const ada = await call('POST', '/objects/contacts', { properties: { email: 'ada@example.com' } });
    await call('PATCH', `/objects/contacts/${ada.id}`, { properties: { firstname: 'Ada' } });
    await call('PATCH', `/objects/contacts/${ada.id}`, { properties: { lifecyclestage: 'lead' } });
    await settle();

    // Assess
    expect(received.map((event) => [event.source, event['detail-type']])).toEqual([
      ['crm.records', 'Record Changed'],
      ['crm.records', 'Record Changed'],
      ['crm.records', 'Record Changed'],
    ]);
    expect(detailsOf(received).map(({ change, version }) => `${change}:${version}`)).toEqual([
      'created:1',
      'updated:2',
      'updated:3',
    ]);
    expect(received[2]?.detail).toMatchObject({ changedProperties: ['lastmodifieddate', 'lifecyclestage'] });
  });

  it('publishes after a restart a change committed while no feed ran, once', async () => {
    // Prepare: a change committed to the store with no runtime (as a crash before publication leaves it).
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-feed-'));
    dirs.push(dataDir);
    const db = await startLocalDynamoDB({ path: join(dataDir, 'dynamodb') });
    const { services } = createDynamoDBCrmServices({
      client: db.client,
      tableName: db.tableName,
      clock: { now: () => new Date() },
      newId: randomUUID,
      actionFunctionArn: 'arn:aws:lambda:local:000000000000:function:x',
      publish: async () => {},
    });
    const bob = await services.records.create('contacts', { email: 'bob@example.com' });
    await db.close();

    // Act
    const first = await start(dataDir);
    await first.settle();
    await first.runtime.close();
    running.splice(0);
    const second = await start(dataDir);
    await second.settle();

    // Assess
    expect(detailsOf(first.received)).toEqual([
      expect.objectContaining({ id: bob.id, change: 'created', version: 1 }),
    ]);
    expect(second.received).toEqual([]);
  });
});
