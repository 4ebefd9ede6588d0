import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/core/errors/app-error.ts';
import type { PageRequest } from '../../../shared/core/ports/page.ts';
import type { CustomProperties } from '../../../shared/core/records/builtin-properties.ts';
import type { ObjectType } from '../../../shared/core/records/object-types.ts';
import type { CrmRecord } from '../../../shared/core/records/record.schema.ts';
import type { StaticList, WorkflowService } from '../../../shared/core/services/crm-services.ts';
import {
  createWorkflowService,
  LOCAL_ACTION_FUNCTION_ARN,
} from '../../../shared/core/services/workflow-service.ts';
import { createTemplateCatalog } from '../../../shared/core/templates/template-catalog.ts';
import { loadWorkflowFixture } from '../../fixtures/workflows/workflow-fixtures.ts';
import { startWorkflowStore, type WorkflowStore } from '../../helpers/workflow-store.ts';

/** Records of a type served from an array, 'cursor' being the next index: the real RecordService is elsewhere. */
const arrayPager = (records: readonly CrmRecord[]) => {
  const requests: PageRequest[] = [];
  const page = async (_objectType: ObjectType, request: PageRequest) => {
    requests.push(request);
    const start = request.cursor === undefined ? 0 : Number(request.cursor);
    const end = start + request.limit;
    return { results: records.slice(start, end), nextCursor: end < records.length ? String(end) : null };
  };
  return { page, requests };
};

const contact = (index: number, lifecyclestage: string, extra: Record<string, string> = {}): CrmRecord => ({
  id: `rec_${index}`,
  objectType: 'contacts',
  properties: { lifecyclestage, ...extra },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  version: 1,
});

/** A static list service that keeps its members in memory. */
const memoryLists = () => {
  const members = new Map<string, string[]>();
  const created: unknown[] = [];
  return {
    members,
    created,
    service: {
      create: async (body: unknown): Promise<StaticList> => {
        created.push(body);
        const id = `lst_${created.length}`;
        members.set(id, []);
        const { name, objectType } = body as Pick<StaticList, 'name' | 'objectType'>;
        return { id, name, objectType, size: 0 };
      },
      addMember: async (id: string, recordId: string) => {
        members.get(id)!.push(recordId);
      },
    },
  };
};

let store: WorkflowStore;
beforeAll(async () => {
  store = await startWorkflowStore();
});
afterAll(async () => {
  await store.db.close();
});

interface Setup {
  readonly records?: readonly CrmRecord[];
  readonly custom?: CustomProperties;
  readonly recordContext?: Parameters<typeof createWorkflowService>[0]['recordContext'];
  readonly stateMachines?: Parameters<typeof createWorkflowService>[0]['stateMachines'];
}

let idSequence = 0;
const setup = (options: Setup = {}) => {
  let now = new Date('2026-03-01T10:00:00.000Z');
  const pager = arrayPager(options.records ?? []);
  const lists = memoryLists();
  const service: WorkflowService = createWorkflowService(
    {
      repository: store.repository,
      clock: { now: () => now },
      newId: () => `${++idSequence}`,
      templates: createTemplateCatalog(),
      customProperties: async () => options.custom ?? {},
      records: pager.page,
      lists: lists.service,
      ...(options.recordContext ? { recordContext: options.recordContext } : {}),
      ...(options.stateMachines ? { stateMachines: options.stateMachines } : {}),
    },
    { actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN },
  );
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return { service, pager, lists, advance };
};

/** What a promise rejects with (undefined when it resolves), awaited at once so no rejection goes unhandled. */
const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

const nurture = () => loadWorkflowFixture('contacts-lead-nurture') as Record<string, unknown>;

describe('WorkflowService', () => {
  it('creates a draft at revision 1 that GET returns', async () => {
    // Prepare
    const { service } = setup();
    // Act
    const created = await service.create(nurture());
    const read = await service.get(created.id);
    // Assess
    expect(created).toMatchObject({
      status: 'draft',
      revision: 1,
      name: 'Nurture new leads (FR, BE, CH)',
      createdAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(created.id).toMatch(/^wf_\d+$/);
    expect(read).toEqual(created);
  });

  it('refuses an invalid workflow with the path of each problem, writing nothing', async () => {
    // Prepare
    const { service } = setup();
    const body = { ...nurture(), name: 'Never stored', colour: 'blue' };
    // Act
    const creation = await failure(service.create(body));
    const stored = await store.repository.page({ objectType: 'contacts' }, { limit: 100 });
    // Assess
    expect(creation).toBeInstanceOf(ValidationError);
    expect(creation).toMatchObject({
      details: expect.arrayContaining([{ path: 'colour', message: expect.any(String) }]),
    });
    expect(stored.results.map((workflow) => workflow.name)).not.toContain('Never stored');
  });

  it('validates against the custom properties', async () => {
    // Prepare
    const body = {
      ...nurture(),
      enrollment: {
        trigger: 'criteria',
        criteria: [{ filters: [{ property: 'plan', operator: 'eq', value: 'pro' }] }],
      },
    };
    const without = setup();
    const withPlan = setup({
      custom: { contacts: [{ name: 'plan', label: 'Plan', type: 'enumeration', options: ['free', 'pro'] }] },
    });
    // Act
    const refused = await failure(without.service.create(body));
    const created = await withPlan.service.create(body);
    // Assess
    expect(refused).toMatchObject({ details: [{ path: 'enrollment.criteria[0].filters[0].property' }] });
    expect(created.enrollment.criteria).toEqual(body.enrollment.criteria);
  });

  it('creates and updates a workflow against a stored property whose options repeat a value in another case', async () => {
    // Prepare: a definition stored before POST /properties refused repeated options.
    const { service } = setup({
      custom: { contacts: [{ name: 'tier', label: 'Tier', type: 'enumeration', options: ['Gold', 'gold'] }] },
    });
    const body = {
      ...nurture(),
      enrollment: {
        trigger: 'criteria',
        criteria: [{ filters: [{ property: 'tier', operator: 'eq', value: 'gold' }] }],
      },
    };
    // Act
    const created = await service.create(body);
    const updated = await service.update(created.id, { ...created, name: 'Gold tier, edited' });
    // Assess
    expect(created.enrollment.criteria).toEqual(body.enrollment.criteria);
    expect(updated).toMatchObject({ name: 'Gold tier, edited', revision: 2 });
  });

  it('creates a copy of a template under the given name', async () => {
    // Prepare
    const { service } = setup();
    const template = createTemplateCatalog().get('deal-renewal-reminder');
    // Act
    const created = await service.create({ templateId: 'deal-renewal-reminder', name: 'Renewals 2026' });
    // Assess
    expect(created).toMatchObject({
      name: 'Renewals 2026',
      objectType: 'deals',
      status: 'draft',
      revision: 1,
    });
    expect(created.actions).toEqual(template.workflow.actions);
    expect(created.anchor).toEqual(template.workflow.anchor);
  });

  it.each([
    ['an unknown template', { templateId: 'no-such-template', name: 'x' }, 'templateId'],
    ['a template without a name', { templateId: 'deal-renewal-reminder' }, 'name'],
    [
      'a template with another field',
      { templateId: 'deal-renewal-reminder', name: 'x', actions: [] },
      'actions',
    ],
  ])('refuses %s with a 400 naming the field', async (_what, body, path) => {
    // Prepare
    const { service } = setup();
    // Act
    const creation = await failure(service.create(body));
    // Assess
    expect(creation).toBeInstanceOf(ValidationError);
    expect(creation).toMatchObject({ details: [expect.objectContaining({ path })] });
  });

  it('pages by object type and status over more than one page', async () => {
    // Prepare
    const { service } = setup();
    const created = [];
    for (const name of ['Q1', 'Q2', 'Q3']) {
      created.push(
        await service.create({ ...(loadWorkflowFixture('quotes-expiry-reminder') as object), name }),
      );
    }
    // Act
    const first = await service.page({ objectType: 'quotes', status: 'draft' }, { limit: 2 });
    const second = await service.page(
      { objectType: 'quotes', status: 'draft' },
      { limit: 2, cursor: first.nextCursor! },
    );
    const active = await service.page({ objectType: 'quotes', status: 'active' }, { limit: 50 });
    // Assess
    expect(first.results.map((workflow) => workflow.name)).toEqual(['Q1', 'Q2']);
    expect(second.results.map((workflow) => workflow.name)).toEqual(['Q3']);
    expect(second.nextCursor).toBeNull();
    expect(active.results).toEqual([]);
  });

  it('refuses an unknown status or object type in the filter, and a malformed cursor', async () => {
    // Prepare
    const { service } = setup();
    // Act
    const badStatus = await failure(service.page({ status: 'paused' as never }, { limit: 10 }));
    const badCursor = await failure(service.page({}, { limit: 10, cursor: 'bm9wZQ' }));
    // Assess
    expect(badStatus).toMatchObject({ details: [expect.objectContaining({ path: 'status' })] });
    expect(badCursor).toMatchObject({ details: [{ path: 'cursor' }] });
  });

  it('takes back what GET returned, edited, as the next revision', async () => {
    // Prepare
    const { service, advance } = setup();
    const created = await service.create(nurture());
    const read = await service.get(created.id);
    advance(60_000);
    // Act
    const updated = await service.update(created.id, { ...read, name: 'Renamed' });
    // Assess
    expect(updated).toMatchObject({
      id: created.id,
      name: 'Renamed',
      revision: 2,
      status: 'draft',
      createdAt: created.createdAt,
      updatedAt: '2026-03-01T10:01:00.000Z',
    });
    expect(await service.get(created.id)).toEqual(updated);
  });

  it('answers 409 on a stale revision and 400 without one', async () => {
    // Prepare
    const { service } = setup();
    const created = await service.create(nurture());
    await service.update(created.id, { ...created, name: 'Second' });
    // Act
    const stale = await failure(service.update(created.id, { ...created, name: 'Lost edit' }));
    const missing = await failure(service.update(created.id, { ...nurture() }));
    // Assess
    expect(stale).toBeInstanceOf(ConflictError);
    expect(missing).toMatchObject({ details: [{ path: 'revision' }] });
    expect((await service.get(created.id)).name).toBe('Second');
  });

  it('says a revision sent as anything but an integer must be one, rather than that it is missing', async () => {
    // Prepare
    const { service } = setup();
    const created = await service.create(nurture());
    // Act
    const text = await failure(service.update(created.id, { ...created, revision: '1' }));
    const fraction = await failure(service.update(created.id, { ...created, revision: 1.5 }));
    // Assess
    expect(text).toMatchObject({
      details: [
        {
          path: 'revision',
          message:
            'must be the revision this edit is based on, an integer from 1 (as GET returned it), not the text "1"',
        },
      ],
    });
    expect(fraction).toMatchObject({
      details: [{ path: 'revision', message: expect.stringMatching(/not the number 1.5$/) }],
    });
    expect((await service.get(created.id)).revision).toBe(1);
  });

  it('makes the new revision of an active workflow live', async () => {
    // Prepare
    const { service, advance } = setup();
    const created = await service.create(nurture());
    await store.repository.setStatus(created, 'active', '2026-03-01T10:00:00.000Z');
    advance(3_600_000);
    // Act
    const updated = await service.update(created.id, { ...created, name: 'Live edit' });
    // Assess
    expect(updated).toMatchObject({ status: 'active', revision: 2, activatedAt: '2026-03-01T11:00:00.000Z' });
    expect(await service.revisions(created.id)).toEqual([
      { revision: 1, updatedAt: '2026-03-01T10:00:00.000Z', activatedAt: '2026-03-01T10:00:00.000Z' },
      { revision: 2, updatedAt: '2026-03-01T11:00:00.000Z', activatedAt: '2026-03-01T11:00:00.000Z' },
    ]);
  });

  it('writes nothing when the compiler refuses the new revision of an active workflow, and publishes what it writes', async () => {
    // Prepare: an active workflow; an edit whose path of 400 webhooks could outgrow an execution's history
    const published: number[] = [];
    const stateMachines = {
      publish: async ({ revision }: { revision: number }) => {
        published.push(revision);
        return { stateMachineArn: `arn:sm:${revision}`, name: `sm-${revision}` };
      },
      stateMachineOf: async () => undefined,
      arnOf: async (_workflowId: string, revision: number) => `arn:sm:${revision}`,
    };
    const { service } = setup({ stateMachines });
    const created = await service.create(nurture());
    await store.repository.setStatus(created, 'active', '2026-03-01T10:00:00.000Z');
    const hooks = Array.from({ length: 400 }, (_, index) => ({
      id: `hook${index}`,
      type: 'webhook',
      url: 'https://hooks.example.com/crm',
      next: index === 399 ? null : `hook${index + 1}`,
    }));
    // Act
    const refused = await failure(
      service.update(created.id, { ...created, startActionId: 'hook0', actions: hooks }),
    );
    const accepted = await service.update(created.id, { ...created, name: 'Live edit' });
    // Assess
    expect(refused).toBeInstanceOf(ValidationError);
    expect(accepted.revision).toBe(2);
    expect(published).toEqual([2]);
    expect((await service.revisions(created.id)).map((revision) => revision.revision)).toEqual([1, 2]);
  });

  it('gives no activatedAt to a revision written while the workflow is not active', async () => {
    // Prepare
    const { service, advance } = setup();
    const created = await service.create(nurture());
    advance(1000);
    const second = await service.update(created.id, { ...created, name: 'Second' });
    const active = await store.repository.setStatus(second, 'active', '2026-03-01T10:00:02.000Z');
    const inactive = await store.repository.setStatus(active, 'inactive');
    advance(1000);
    // Act
    const third = await service.update(created.id, { ...inactive, name: 'Third' });
    // Assess
    expect(third).not.toHaveProperty('activatedAt');
    expect(await service.get(created.id)).not.toHaveProperty('activatedAt');
    expect(await service.revisions(created.id)).toEqual([
      { revision: 1, updatedAt: '2026-03-01T10:00:00.000Z' },
      { revision: 2, updatedAt: '2026-03-01T10:00:01.000Z', activatedAt: '2026-03-01T10:00:02.000Z' },
      { revision: 3, updatedAt: '2026-03-01T10:00:02.000Z' },
    ]);
    expect(await service.revision(created.id, 2)).toMatchObject({ activatedAt: '2026-03-01T10:00:02.000Z' });
  });

  it('lists revisions and returns each as it was', async () => {
    // Prepare
    const { service, advance } = setup();
    const created = await service.create(nurture());
    advance(1000);
    const second = await service.update(created.id, { ...created, name: 'Second' });
    // Act
    const summaries = await service.revisions(created.id);
    const first = await service.revision(created.id, 1);
    const latest = await service.revision(created.id, 2);
    // Assess
    expect(summaries).toEqual([
      { revision: 1, updatedAt: created.updatedAt },
      { revision: 2, updatedAt: second.updatedAt },
    ]);
    expect(first).toEqual(created);
    expect(latest).toEqual(second);
    await expect(service.revision(created.id, 3)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.revision(created.id, 0)).rejects.toMatchObject({ details: [{ path: 'revision' }] });
    await expect(service.revisions('wf_missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses to delete an active workflow and deletes a draft', async () => {
    // Prepare
    const { service } = setup();
    const active = await service.create(nurture());
    await store.repository.setStatus(active, 'active', '2026-03-01T10:00:00.000Z');
    const draft = await service.create(nurture());
    // Act
    const refused = await failure(service.delete(active.id));
    await service.delete(draft.id);
    // Assess
    expect(refused).toBeInstanceOf(ConflictError);
    expect((await service.get(active.id)).status).toBe('active');
    await expect(service.get(draft.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.delete(draft.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reviews more than 100 records in pages of 100, counting all and sampling 10', async () => {
    // Prepare: every third of 250 contacts is a lead from FR with an email.
    const records = Array.from({ length: 250 }, (_, index) =>
      index % 3 === 0
        ? contact(index, 'lead', { country: 'FR', email: `c${index}@example.com` })
        : contact(index, 'customer', { country: 'FR', email: `c${index}@example.com` }),
    );
    const { service, pager } = setup({ records });
    const workflow = await service.create(nurture());
    // Act
    const review = await service.review(workflow.id, {});
    // Assess
    expect(review.matching).toBe(84);
    expect(review.sample).toEqual([
      'rec_0',
      'rec_3',
      'rec_6',
      'rec_9',
      'rec_12',
      'rec_15',
      'rec_18',
      'rec_21',
      'rec_24',
      'rec_27',
    ]);
    expect(review.listId).toBeUndefined();
    expect(pager.requests.map((request) => request.limit)).toEqual([100, 100, 100]);
  });

  it('with createList, puts every matching record in a new static list', async () => {
    // Prepare
    const records = Array.from({ length: 120 }, (_, index) =>
      contact(index, index < 15 ? 'lead' : 'customer', { country: 'BE', email: 'x@example.com' }),
    );
    const { service, lists } = setup({ records });
    const workflow = await service.create(nurture());
    // Act
    const review = await service.review(workflow.id, { createList: true });
    // Assess
    expect(review.matching).toBe(15);
    expect(review.sample).toHaveLength(10);
    expect(review.listId).toBe('lst_1');
    expect(lists.created).toEqual([expect.objectContaining({ objectType: 'contacts' })]);
    expect(lists.members.get('lst_1')).toEqual(records.slice(0, 15).map((record) => record.id));
  });

  it('reads associated records for criteria on them, and refuses unknown body fields', async () => {
    // Prepare
    const company = (index: number, employees: number): CrmRecord => ({
      id: `co_${index}`,
      objectType: 'companies',
      properties: { numberofemployees: employees },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      version: 1,
    });
    const customers = new Set(['co_1']);
    const needsSeen: unknown[] = [];
    const { service } = setup({
      records: [company(1, 80), company(2, 80), company(3, 10)],
      recordContext: async (record, needs) => {
        needsSeen.push(needs);
        return { associated: { contacts: customers.has(record.id) ? [{ lifecyclestage: 'customer' }] : [] } };
      },
    });
    const workflow = await service.create(loadWorkflowFixture('companies-customer-onboarding'));
    // Act
    const review = await service.review(workflow.id, undefined);
    const refused = await failure(service.review(workflow.id, { createList: true, dryRun: true }));
    // Assess
    expect(review).toEqual({ matching: 1, sample: ['co_1'] });
    expect(needsSeen[0]).toEqual({ associated: ['contacts'], lists: false });
    expect(refused).toMatchObject({ details: [expect.objectContaining({ path: 'dryRun' })] });
  });

  it('compiles the current revision into ASL starting at Resume, calling the configured function', async () => {
    // Prepare
    const { service } = setup();
    const workflow = await service.create(loadWorkflowFixture('deals-closed-won-handoff'));
    // Act
    const definition = await service.definition(workflow.id);
    // Assess
    expect(definition.StartAt).toBe('Resume');
    expect(JSON.stringify(definition)).toContain(LOCAL_ACTION_FUNCTION_ARN);
    await expect(service.definition('wf_missing')).rejects.toBeInstanceOf(NotFoundError);
  });
});
