import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../shared/runtime/start-runtime.ts';
import { leadsAfterDelay } from '../fixtures/leads-after-delay.ts';
import { runtimeClient } from '../helpers/runtime-client.ts';

const TOKEN = 'enrollment-runtime-token-0123456789';
let dataDir: string;
let runtime: RunningRuntime;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crm-enroll-'));
  runtime = await startRuntime({
    port: 0,
    token: TOKEN,
    tokenGenerated: false,
    dataDir,
    clock: { kind: 'system' },
  });
});
afterAll(async () => {
  await runtime?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = runtimeClient(() => runtime.url, TOKEN);

/** Every committed change on the bus, and every delivery (enrollment included) done. */
const settle = () => runtime.quiescence.settle();

/** An active workflow enrolling leads, whose enrollments wait 30 days before their first action. */
const activeLeadsWorkflow = async () => {
  const created = await call('POST', '/workflows', leadsAfterDelay('P30D'));
  expect(created.status).toBe(201);
  expect(
    (await call('POST', `/workflows/${created.json.id}/activate`, { enrollExisting: false })).status,
  ).toBe(200);
  return created.json.id as string;
};

describe('enrollment through the embedded runtime', () => {
  it('enrolls a contact created through the API, and one upserted by an application through EventBridge', async () => {
    // Prepare
    const workflowId = await activeLeadsWorkflow();
    const events = new EventBridgeClient({
      endpoint: runtime.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: TOKEN },
    });

    // Act
    const ada = await call('POST', '/objects/contacts', {
      properties: { email: 'ada@example.com', lifecyclestage: 'lead' },
    });
    await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'shop.signups',
            DetailType: 'Record Upsert',
            Detail: JSON.stringify({
              objectType: 'contacts',
              idProperty: 'email',
              properties: { email: 'bob@example.com', lifecyclestage: 'lead' },
            }),
            EventBusName: 'crm-workflows',
          },
        ],
      }),
    );
    await settle();
    await settle(); // the upsert's own change, published after the ingest delivery
    events.destroy();

    // Assess
    const bob = await call('GET', '/objects/contacts?limit=100').then(({ json }) =>
      json.results.find(
        (record: { properties: { email: string } }) => record.properties.email === 'bob@example.com',
      ),
    );
    const enrollments = await call('GET', `/workflows/${workflowId}/enrollments`);
    expect(enrollments.status).toBe(200);
    expect(enrollments.json.results.map((e: { recordId: string }) => e.recordId).sort()).toEqual(
      [ada.json.id, bob.id].sort(),
    );
    expect(enrollments.json.results.every((e: { status: string }) => e.status === 'active')).toBe(true);
    const history = await call('GET', `/workflows/${workflowId}/history`, undefined);
    // Newest first: each enrollment is recorded, then its first action is scheduled 30 days later.
    expect(
      history.json.results
        .map((line: { event: string; reason?: string; actionId?: string }) =>
          [line.event, line.reason ?? line.actionId].join(':'),
        )
        .sort(),
    ).toEqual(['action.scheduled:tag', 'action.scheduled:tag', 'enrolled:criteria', 'enrolled:criteria']);
    expect(await runtime.bus.deadLetters()).toEqual([]);
  });

  it('enrolls by hand a record named by an application Workflow Enroll event', async () => {
    // Prepare
    const workflowId = await activeLeadsWorkflow();
    const cy = await call('POST', '/objects/contacts', { properties: { email: 'cy@example.com' } });

    // Act
    const result = await runtime.bus.putEvents([
      {
        Source: 'crm-app',
        DetailType: 'Workflow Enroll',
        Detail: JSON.stringify({ workflowId, recordId: cy.json.id }),
        EventBusName: 'crm-workflows',
      },
    ]);
    await settle();

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    const enrollments = await call('GET', `/workflows/${workflowId}/enrollments`);
    expect(enrollments.json.results).toMatchObject([{ recordId: cy.json.id, status: 'active' }]);
    const history = await call('GET', `/workflows/${workflowId}/history?recordId=${cy.json.id}`);
    expect(history.json.results).toMatchObject([
      { event: 'action.scheduled', actionId: 'tag' },
      { event: 'enrolled', reason: 'manual' },
    ]);
  });
});
