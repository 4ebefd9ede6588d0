import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../shared/runtime/start-runtime.ts';
import { runtimeClient } from '../helpers/runtime-client.ts';

const TOKEN = 'revision-runtime-token-0123456789abcdef';

let dataDir: string;
let runtime: RunningRuntime;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crm-revision-'));
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
  rmSync(dataDir, { recursive: true, force: true });
});

const call = runtimeClient(() => runtime.url, TOKEN);

const ok = async (method: string, path: string, body?: unknown, status = 200) => {
  const answer = await call(method, path, body);
  expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.json)}`).toBe(status);
  return answer.json;
};

/** A manual workflow: wait a day, then set the job title (`value`), then, when `tail` is set, a second title. */
const titled = (name: string) => ({
  name,
  objectType: 'contacts',
  enrollment: { trigger: 'manual' },
  startActionId: 'wait',
  actions: [
    { id: 'wait', type: 'delay', duration: 'P1D', next: 'title' },
    { id: 'title', type: 'setProperty', property: 'jobtitle', value: 'first', next: null },
  ],
});

/** Creates and activates the workflow, and enrolls a new contact in it: the contact's id. */
const enrolled = async (workflowId: string, email: string): Promise<string> => {
  await ok('POST', `/workflows/${workflowId}/activate`, { enrollExisting: false });
  const record = await ok('POST', '/objects/contacts', { properties: { email } }, 201);
  await ok('POST', `/workflows/${workflowId}/enrollments`, { recordId: record.id }, 201);
  await ok('POST', '/_local/settle');
  return record.id as string;
};

/** GET → edit the actions → PUT, as an admin edits the live workflow. */
const edit = async (
  workflowId: string,
  change: (actions: Record<string, unknown>[]) => Record<string, unknown>[],
) => {
  const current = await ok('GET', `/workflows/${workflowId}`);
  return ok('PUT', `/workflows/${workflowId}`, { ...current, actions: change(current.actions) });
};

describe('editing an active workflow while records are enrolled (embedded runtime)', () => {
  it('continues an enrolled record at its current action on the new revision', async () => {
    // Prepare: enrolled, waiting out the day before `title`
    const workflow = await ok('POST', '/workflows', titled('Titles, edited'), 201);
    const recordId = await enrolled(workflow.id, 'ada@revision.example');
    const waiting = await ok('GET', `/workflows/${workflow.id}/enrollments`);
    // Act: the title changed in revision 2, then the day passes
    const edited = await edit(workflow.id, (actions) =>
      actions.map((action) => (action.id === 'title' ? { ...action, value: 'second' } : action)),
    );
    await ok('POST', '/_local/clock', { advance: 'P2D' });
    await ok('POST', '/_local/settle');
    // Assess
    expect(waiting.results).toEqual([
      expect.objectContaining({ status: 'active', currentActionId: 'title' }),
    ]);
    expect(edited.revision).toBe(2);
    expect((await ok('GET', `/objects/contacts/${recordId}`)).properties.jobtitle).toBe('second');
    const history = await ok('GET', `/workflows/${workflow.id}/history?recordId=${recordId}&limit=100`);
    const lines = [...history.results]
      .reverse()
      .map((line) => `${line.event}:${line.actionId ?? ''}@${line.revision}`);
    expect(lines).toEqual([
      'enrolled:@1',
      'action.scheduled:title@1',
      'action.completed:title@2',
      'completed:@2',
    ]);
    const enrollments = await ok('GET', `/workflows/${workflow.id}/enrollments`);
    expect(enrollments.results).toEqual([expect.objectContaining({ status: 'completed', revision: 2 })]);
    expect(enrollments.results[0]).not.toHaveProperty('currentActionId');
  });

  it('keeps the record on the revision it runs when its current action is gone from the new one', async () => {
    // Prepare
    const workflow = await ok('POST', '/workflows', titled('Titles, replaced'), 201);
    const recordId = await enrolled(workflow.id, 'grace@revision.example');
    // Act: revision 2 replaces `title` by `renamed`
    await edit(workflow.id, (actions) =>
      actions.map((action) =>
        action.id === 'title'
          ? { ...action, id: 'renamed', value: 'other' }
          : action.id === 'wait'
            ? { ...action, next: 'renamed' }
            : action,
      ),
    );
    await ok('POST', '/_local/clock', { advance: 'P2D' });
    await ok('POST', '/_local/settle');
    // Assess
    expect((await ok('GET', `/objects/contacts/${recordId}`)).properties.jobtitle).toBe('first');
    const enrollments = await ok('GET', `/workflows/${workflow.id}/enrollments`);
    expect(enrollments.results).toEqual([expect.objectContaining({ status: 'completed', revision: 1 })]);
  });
});
