import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../shared/runtime/start-runtime.ts';
import { leadsAfterDelay } from '../fixtures/leads-after-delay.ts';
import { runtimeClient } from '../helpers/runtime-client.ts';

const TOKEN = 'activation-runtime-token-0123456789';
let dataDir: string;
let runtime: RunningRuntime;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crm-activate-'));
  runtime = await startRuntime(
    { port: 0, token: TOKEN, tokenGenerated: false, dataDir, clock: { kind: 'system' } },
    // One record a step: the request enrolls one, the background loop the others.
    { activation: { pageSize: 1, recordBudget: 1 } },
  );
});
afterAll(async () => {
  await runtime?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const call = runtimeClient(() => runtime.url, TOKEN);

describe('activation through the embedded runtime', () => {
  it('enrolls the existing leads, the rest in the background, and a lead created later; deactivation ends them all', async () => {
    // Prepare
    for (const name of ['ada', 'bob', 'cy']) {
      const created = await call('POST', '/objects/contacts', {
        properties: { email: `${name}@example.com`, lifecyclestage: 'lead' },
      });
      expect(created.status).toBe(201);
    }
    // A long delay first: the enrollments stay active, each execution waiting on its timer.
    const workflow = await call('POST', '/workflows', leadsAfterDelay('P30D'));
    const id = workflow.json.id as string;
    await runtime.changes.drain();
    await runtime.bus.settle();
    // Act
    const activated = await call('POST', `/workflows/${id}/activate`, { enrollExisting: true });
    await runtime.activations.drain();
    await call('POST', '/objects/contacts', {
      properties: { email: 'dee@example.com', lifecyclestage: 'lead' },
    });
    await runtime.quiescence.settle();
    const enrolled = await call('GET', `/workflows/${id}/enrollments?status=active`);
    const waiting = await runtime.stepFunctions.nextDue();
    const deactivated = await call('POST', `/workflows/${id}/deactivate`);
    await runtime.quiescence.settle();
    const after = await call('GET', `/workflows/${id}/enrollments?status=active`);
    const history = await call('GET', `/workflows/${id}/history?event=unenrolled`);
    // Assess
    expect(activated.status).toBe(200);
    expect(activated.json.enrollExisting.enrolled).toBeLessThan(3);
    expect(enrolled.json.results).toHaveLength(4);
    expect(waiting).toBeDefined();
    expect(deactivated.json.status).toBe('inactive');
    expect(after.json.results).toEqual([]);
    expect(history.json.results.map((line: { reason: string }) => line.reason)).toEqual(
      Array(4).fill('workflow_deactivated'),
    );
    // Every execution was stopped: no timer is left to fire.
    expect(await runtime.stepFunctions.nextDue()).toBeUndefined();
  });
});
