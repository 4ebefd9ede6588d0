import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_STORED_DEFINITION_BYTES } from '../../../shared/adapters/dynamodb/workflow-repository.dynamodb.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/core/errors/app-error.ts';
import type { StoredWorkflow } from '../../../shared/core/services/crm-services.ts';
import type { WorkflowFilter } from '../../../shared/core/workflow/workflow-repository.ts';
import { startWorkflowStore, storedWorkflow, type WorkflowStore } from '../../helpers/workflow-store.ts';

let store: WorkflowStore;
beforeAll(async () => {
  store = await startWorkflowStore();
});
afterAll(async () => {
  await store.db.close();
});

let sequence = 0;
/** A fresh id per test: every test shares one table. */
const freshId = (label: string) => `wf_${label}_${++sequence}`;

const edited = (workflow: StoredWorkflow, name: string, updatedAt: string): StoredWorkflow => ({
  ...workflow,
  name,
  revision: workflow.revision + 1,
  updatedAt,
});

/** Every workflow id of a filter, page after page, and the number of pages read. */
const allPages = async (filter: WorkflowFilter, limit: number) => {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.repository.page(filter, { limit, ...(cursor ? { cursor } : {}) });
    ids.push(...page.results.map((workflow) => workflow.id));
    cursor = page.nextCursor ?? undefined;
    pages += 1;
  } while (cursor);
  return { ids, pages };
};

describe('DynamoDB workflow repository', () => {
  it('creates a workflow and reads it back as written', async () => {
    // Prepare
    const workflow = storedWorkflow(freshId('create'));
    // Act
    await store.repository.create(workflow);
    const read = await store.repository.get(workflow.id);
    // Assess
    expect(read).toEqual(workflow);
  });

  it('refuses a second workflow with the same id', async () => {
    // Prepare
    const workflow = storedWorkflow(freshId('twice'));
    await store.repository.create(workflow);
    // Act
    const second = store.repository.create({ ...workflow, name: 'Other' });
    // Assess
    await expect(second).rejects.toBeInstanceOf(ConflictError);
    expect((await store.repository.get(workflow.id))?.name).toBe(workflow.name);
  });

  it('returns undefined for an unknown workflow', async () => {
    // Act
    const read = await store.repository.get('wf_unknown');
    // Assess
    expect(read).toBeUndefined();
  });

  it('pages by object type, status and both, over several pages', async () => {
    // Prepare: the only tickets and quotes workflows of the table.
    const tickets = Array.from({ length: 5 }, (_, index) =>
      storedWorkflow(freshId('ticket'), 'tickets', `2026-03-0${index + 1}T10:00:00.000Z`),
    );
    const quotes = Array.from({ length: 2 }, () => storedWorkflow(freshId('quote'), 'quotes'));
    for (const workflow of [...tickets, ...quotes]) await store.repository.create(workflow);
    await store.repository.setStatus(tickets[1]!, 'active', '2026-03-10T00:00:00.000Z');
    await store.repository.setStatus(tickets[3]!, 'active', '2026-03-10T00:00:00.000Z');
    await store.repository.setStatus(quotes[0]!, 'inactive');
    // Act
    const byType = await allPages({ objectType: 'tickets' }, 2);
    const activeTickets = await allPages({ objectType: 'tickets', status: 'active' }, 1);
    const inactive = await allPages({ status: 'inactive' }, 100);
    const everything = await allPages({}, 3);
    // Assess
    expect(byType.pages).toBe(3);
    expect(byType.ids).toEqual([
      tickets[1]!.id,
      tickets[3]!.id,
      tickets[0]!.id,
      tickets[2]!.id,
      tickets[4]!.id,
    ]);
    expect(activeTickets).toEqual({ ids: [tickets[1]!.id, tickets[3]!.id], pages: 2 });
    expect(inactive.ids).toEqual([quotes[0]!.id]);
    expect(everything.ids).toEqual(expect.arrayContaining([...tickets, ...quotes].map((w) => w.id)));
    expect(new Set(everything.ids).size).toBe(everything.ids.length);
  });

  it('says nextCursor: null on a last page that is exactly full', async () => {
    // Prepare
    const deals = [storedWorkflow(freshId('deal'), 'deals'), storedWorkflow(freshId('deal'), 'deals')];
    for (const workflow of deals) await store.repository.create(workflow);
    // Act
    const page = await store.repository.page({ objectType: 'deals', status: 'draft' }, { limit: 2 });
    // Assess
    expect(page.results).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });

  it.each([
    ['not base64url JSON', '%%%'],
    ['JSON that is no key', Buffer.from('[1,2]').toString('base64url')],
    ['a key of another index', Buffer.from(JSON.stringify({ pk: 'a', sk: 'b' })).toString('base64url')],
  ])('refuses a cursor that is %s, naming cursor', async (_what, cursor) => {
    // Act
    const page = store.repository.page({}, { limit: 10, cursor });
    // Assess
    await expect(page).rejects.toBeInstanceOf(ValidationError);
    await expect(page).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
  });

  it('refuses the cursor of another filter', async () => {
    // Prepare
    for (let index = 0; index < 2; index += 1)
      await store.repository.create(storedWorkflow(freshId('c'), 'companies'));
    const first = await store.repository.page({ objectType: 'companies' }, { limit: 1 });
    // Act
    const other = store.repository.page({ objectType: 'contacts' }, { limit: 1, cursor: first.nextCursor! });
    // Assess
    expect(first.nextCursor).not.toBeNull();
    await expect(other).rejects.toMatchObject({ details: [{ path: 'cursor' }] });
  });

  it('lists the active workflows of one object type', async () => {
    // Prepare
    const live = storedWorkflow(freshId('live'), 'contacts');
    const draft = storedWorkflow(freshId('draft'), 'contacts');
    const otherType = storedWorkflow(freshId('other'), 'companies');
    for (const workflow of [live, draft, otherType]) await store.repository.create(workflow);
    await store.repository.setStatus(live, 'active', '2026-03-02T00:00:00.000Z');
    await store.repository.setStatus(otherType, 'active', '2026-03-02T00:00:00.000Z');
    // Act
    const active = await store.repository.active('contacts');
    // Assess
    expect(active.map((workflow) => workflow.id)).toContain(live.id);
    expect(active.map((workflow) => workflow.id)).not.toContain(draft.id);
    expect(
      active.every((workflow) => workflow.objectType === 'contacts' && workflow.status === 'active'),
    ).toBe(true);
  });

  it('updates on the revision read and keeps the previous revision', async () => {
    // Prepare
    const first = storedWorkflow(freshId('update'));
    await store.repository.create(first);
    const second = edited(first, 'Second', '2026-03-02T00:00:00.000Z');
    // Act
    await store.repository.update(second, first);
    // Assess
    expect(await store.repository.get(first.id)).toEqual(second);
    expect(await store.repository.revision(first.id, 1)).toEqual(first);
    expect(await store.repository.revision(first.id, 2)).toEqual(second);
    expect(await store.repository.revision(first.id, 3)).toBeUndefined();
    expect(await store.repository.revisions(first.id)).toEqual([
      { revision: 1, updatedAt: first.updatedAt },
      { revision: 2, updatedAt: second.updatedAt },
    ]);
  });

  it('refuses an update based on a stale revision and keeps the winner', async () => {
    // Prepare
    const first = storedWorkflow(freshId('stale'));
    await store.repository.create(first);
    const winner = edited(first, 'Winner', '2026-03-02T00:00:00.000Z');
    await store.repository.update(winner, first);
    // Act
    const loser = store.repository.update(edited(first, 'Loser', '2026-03-03T00:00:00.000Z'), first);
    // Assess
    await expect(loser).rejects.toBeInstanceOf(ConflictError);
    expect((await store.repository.get(first.id))?.name).toBe('Winner');
    expect((await store.repository.revision(first.id, 1))?.name).toBe(first.name);
  });

  it('refuses an update based on a status that changed since the read', async () => {
    // Prepare
    const first = storedWorkflow(freshId('status'));
    await store.repository.create(first);
    await store.repository.setStatus(first, 'active', '2026-03-02T00:00:00.000Z');
    // Act
    const update = store.repository.update(edited(first, 'Draft edit', '2026-03-03T00:00:00.000Z'), first);
    // Assess
    await expect(update).rejects.toBeInstanceOf(ConflictError);
    expect((await store.repository.get(first.id))?.status).toBe('active');
  });

  it('ignores the revision item a crashed update left, and the next update overwrites it', async () => {
    // Prepare: a crash after step 1 leaves a copy of the current revision as a revision item.
    const first = storedWorkflow(freshId('crash'));
    await store.repository.create(first);
    await store.documents.send(
      new PutCommand({
        TableName: store.db.tableName,
        Item: {
          pk: `WF#${first.id}`,
          sk: 'REV#0000000001',
          revision: 1,
          updatedAt: first.updatedAt,
          definition: '{}',
        },
      }),
    );
    // Act
    const beforeRetry = await store.repository.revisions(first.id);
    await store.repository.update(edited(first, 'After the crash', '2026-03-02T00:00:00.000Z'), first);
    // Assess
    expect(beforeRetry).toEqual([{ revision: 1, updatedAt: first.updatedAt }]);
    expect(await store.repository.revision(first.id, 1)).toEqual(first);
  });

  it('refuses to delete an active workflow, deletes an inactive one with its revisions', async () => {
    // Prepare
    const first = storedWorkflow(freshId('delete'));
    await store.repository.create(first);
    await store.repository.update(edited(first, 'Second', '2026-03-02T00:00:00.000Z'), first);
    const second = (await store.repository.get(first.id))!;
    const active = await store.repository.setStatus(second, 'active', '2026-03-03T00:00:00.000Z');
    // Act
    const whileActive = store.repository.delete(first.id);
    await expect(whileActive).rejects.toBeInstanceOf(ConflictError);
    await store.repository.setStatus(active, 'inactive');
    await store.repository.delete(first.id);
    // Assess
    expect(await store.repository.get(first.id)).toBeUndefined();
    expect(await store.repository.revisions(first.id)).toBeUndefined();
    const { Items } = await store.documents.send(
      new QueryCommand({
        TableName: store.db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `WF#${first.id}` },
      }),
    );
    expect(Items).toEqual([]);
  });

  it('answers NotFoundError when deleting an unknown workflow', async () => {
    // Act
    const deletion = store.repository.delete('wf_never');
    // Assess
    await expect(deletion).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a definition too large for an item, naming actions', async () => {
    // Prepare
    const workflow = storedWorkflow(freshId('large'));
    const large = { ...workflow, description: 'x'.repeat(MAX_STORED_DEFINITION_BYTES) };
    // Act
    const creation = store.repository.create(large);
    // Assess
    await expect(creation).rejects.toMatchObject({ details: [{ path: 'actions' }] });
    expect(await store.repository.get(workflow.id)).toBeUndefined();
  });
});
