import { beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ACTION_FUNCTION_ARN } from '../../../../shared/core/services/workflow-service.ts';
import { loadWorkflowFixture } from '../../../fixtures/workflows/workflow-fixtures.ts';
import {
  createRecord,
  describeWrongMethods,
  expectError,
  FOREIGN_CURSOR,
  GARBAGE_CURSOR,
  UNAUTHORIZED_TOKENS,
  useTestApi,
  walkPages,
} from '../../../helpers/api-client.ts';

const api = useTestApi();

type Json = Record<string, unknown>;

/** A valid contacts workflow (the nurture fixture) under another name. */
const nurture = (name = 'Nurture'): Json => ({
  ...(loadWorkflowFixture('contacts-lead-nurture') as Json),
  name,
});
/** A valid workflow of another type. */
const dealsHandoff = (name: string): Json => ({
  ...(loadWorkflowFixture('deals-closed-won-handoff') as Json),
  name,
});

const createWorkflow = async (body: Json) => {
  const response = await api.call('POST', '/workflows', { body });
  expect(response.status).toBe(201);
  return response.json as Json & { id: string; revision: number };
};

const allWorkflowNames = async (query: Record<string, string> = {}) =>
  (await walkPages(api, '/workflows', 100, query)).pages.flatMap((page) =>
    page.json.results.map((workflow: { name: string }) => workflow.name),
  );

/** Sets a workflow's status as activation (a later issue) will, through the repository. */
const setStatus = async (id: string, status: 'active' | 'inactive') => {
  const current = await api.workflows.get(id);
  await api.workflows.setStatus(current!, status, api.clock.now().toISOString());
};

describe('POST /workflows', () => {
  it('creates a draft at revision 1 from a definition, as GET then returns it', async () => {
    // Act
    const response = await api.call('POST', '/workflows', { body: nurture('Created') });
    // Assess
    const now = api.clock.now().toISOString();
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      id: expect.stringMatching(/^wf_/),
      name: 'Created',
      objectType: 'contacts',
      status: 'draft',
      revision: 1,
      createdAt: now,
      updatedAt: now,
      startActionId: 'set-status',
    });
    expect((await api.call('GET', `/workflows/${response.json.id}`)).json).toEqual(response.json);
  });

  it('creates a draft from a template under the given name', async () => {
    // Act
    const response = await api.call('POST', '/workflows', {
      body: { templateId: 'deal-closed-won-handoff', name: 'From the template' },
    });
    // Assess
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({
      name: 'From the template',
      objectType: 'deals',
      status: 'draft',
      revision: 1,
    });
  });

  it.each([
    ['an unknown template', { templateId: 'no-such-template', name: 'T' }, ['templateId']],
    ['a template without a name', { templateId: 'deal-closed-won-handoff' }, ['name']],
    [
      'a template with other fields',
      { templateId: 'deal-closed-won-handoff', name: 'T', objectType: 'deals' },
      ['objectType'],
    ],
    ['an unknown field', { ...nurture('Refused'), colour: 'blue' }, ['colour']],
    [
      'a start action that does not exist',
      { ...nurture('Refused'), startActionId: 'nowhere' },
      ['startActionId'],
    ],
    ['an object type that is never enrolled', { ...nurture('Refused'), objectType: 'tasks' }, ['objectType']],
    ['no body', undefined, ['body']],
    ['a body that is a list', [nurture('Refused')], ['body']],
  ])('refuses %s at its path and creates nothing', async (_case, body, paths) => {
    // Act
    const response = await api.call('POST', '/workflows', { body });
    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      error: {
        code: 'VALIDATION_FAILED',
        details: expect.arrayContaining(paths.map((path) => expect.objectContaining({ path }))),
      },
    });
    expect(await allWorkflowNames()).not.toContain('Refused');
  });

  it('refuses a criterion on an unknown property at its JSON path', async () => {
    // Prepare
    const body = nurture('Refused');
    (body.enrollment as Json).criteria = [{ filters: [{ property: 'plan', operator: 'eq', value: 'pro' }] }];
    // Act
    const response = await api.call('POST', '/workflows', { body });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'enrollment.criteria[0].filters[0].property' }]);
  });

  it.each(UNAUTHORIZED_TOKENS)('answers 401 to %s and creates nothing', async (_case, token) => {
    // Act
    const response = await api.call('POST', '/workflows', { body: nurture('Intruder'), token });
    // Assess
    expectError(response, 401, 'UNAUTHORIZED');
    expect(await allWorkflowNames()).not.toContain('Intruder');
  });

  it('answers 413 to a body over 1 MiB and creates nothing', async () => {
    // Act
    const response = await api.call('POST', '/workflows', {
      body: { ...nurture('Huge'), description: 'x'.repeat(1024 * 1024) },
    });
    // Assess
    expect(response.status).toBe(413);
    expect(await allWorkflowNames()).not.toContain('Huge');
  });
});

describe('GET /workflows', () => {
  it('walks every workflow once, page by page, and filters by object type and status', async () => {
    // Prepare
    const deals: string[] = [];
    for (let index = 0; index < 7; index += 1) {
      api.clock.advance(1000);
      deals.push((await createWorkflow(dealsHandoff(`deal flow ${index}`))).id);
    }
    await setStatus(deals[2]!, 'inactive');
    // Act
    const all = await walkPages(api, '/workflows', 3);
    const byType = await walkPages(api, '/workflows', 2, { objectType: 'deals' });
    const inactive = await walkPages(api, '/workflows', 2, { objectType: 'deals', status: 'inactive' });
    const drafts = await walkPages(api, '/workflows', 4, { status: 'draft' });
    // Assess
    expect(new Set(all.ids).size).toBe(all.ids.length);
    expect(all.ids).toEqual(expect.arrayContaining(deals));
    expect(all.pages[0]!.json.results).toHaveLength(3);
    // Ordered by status, then creation: the drafts, then the inactive one.
    const drafted = deals.filter((id) => id !== deals[2]);
    expect(byType.ids.filter((id) => deals.includes(id))).toEqual([...drafted, deals[2]]);
    const byTypeResults = byType.pages.flatMap((page) => page.json.results as Json[]);
    expect(byTypeResults.every((workflow) => workflow.objectType === 'deals')).toBe(true);
    expect(inactive.ids).toEqual([deals[2]]);
    expect(drafts.ids).not.toContain(deals[2]);
    expect(drafts.ids).toEqual(expect.arrayContaining(drafted));
  });

  it.each([
    ['an object type never enrolled', { objectType: 'tasks' }, 'objectType'],
    ['an unknown status', { status: 'paused' }, 'status'],
    ['limit=0', { limit: '0' }, 'limit'],
    ['limit=101', { limit: '101' }, 'limit'],
    ['a cursor that does not decode', { cursor: GARBAGE_CURSOR }, 'cursor'],
    ['a cursor of another list', { cursor: FOREIGN_CURSOR }, 'cursor'],
    ['an unknown parameter', { q: 'nurture' }, 'q'],
  ])('refuses %s at its path', async (_case, query, path) => {
    // Act
    const response = await api.call('GET', '/workflows', { query });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path }]);
  });

  it('refuses a cursor of another filter at cursor', async () => {
    // Prepare
    await createWorkflow(dealsHandoff('cursor a'));
    await createWorkflow(dealsHandoff('cursor b'));
    const first = await api.call('GET', '/workflows', { query: { objectType: 'deals', limit: '1' } });
    // Act
    const response = await api.call('GET', '/workflows', {
      query: { objectType: 'contacts', cursor: first.json.nextCursor },
    });
    // Assess
    expect(first.json.nextCursor).toEqual(expect.any(String));
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'cursor' }]);
  });
});

describe('GET, PUT and DELETE /workflows/{id}', () => {
  it('PUT with the revision it edits makes the next revision; the old one stays readable', async () => {
    // Prepare
    const created = await createWorkflow(nurture('Before'));
    api.clock.advance(60_000);
    // Act
    const response = await api.call('PUT', `/workflows/${created.id}`, {
      body: { ...created, name: 'After', status: 'active', createdAt: 'ignored' },
    });
    // Assess
    const now = api.clock.now().toISOString();
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      id: created.id,
      name: 'After',
      revision: 2,
      status: 'draft',
      createdAt: created.createdAt,
      updatedAt: now,
    });
    expect((await api.call('GET', `/workflows/${created.id}`)).json).toEqual(response.json);
    expect((await api.call('GET', `/workflows/${created.id}/revisions/1`)).json).toMatchObject({
      name: 'Before',
    });
  });

  it('answers 409 to a PUT on a stale revision, and keeps the current one', async () => {
    // Prepare
    const created = await createWorkflow(nurture('Contested'));
    await api.call('PUT', `/workflows/${created.id}`, { body: { ...created, name: 'First edit' } });
    // Act
    const response = await api.call('PUT', `/workflows/${created.id}`, {
      body: { ...created, name: 'Late edit' },
    });
    // Assess
    expectError(response, 409, 'CONFLICT');
    expect((await api.call('GET', `/workflows/${created.id}`)).json).toMatchObject({
      name: 'First edit',
      revision: 2,
    });
  });

  it.each([
    ['no revision', (w: Json) => ({ ...w, revision: undefined }), ['revision']],
    [
      'an invalid action',
      (w: Json) => ({ ...w, actions: [{ id: 'a', type: 'teleport', next: null }] }),
      ['actions[0].type'],
    ],
    ['no body', () => undefined, ['body']],
  ])('refuses a PUT with %s at its path and changes nothing', async (_case, edit, paths) => {
    // Prepare
    const created = await createWorkflow(nurture('Unchanged'));
    // Act
    const response = await api.call('PUT', `/workflows/${created.id}`, { body: edit(created) });
    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject({
      error: {
        code: 'VALIDATION_FAILED',
        details: expect.arrayContaining(paths.map((path) => expect.objectContaining({ path }))),
      },
    });
    expect((await api.call('GET', `/workflows/${created.id}`)).json.revision).toBe(1);
  });

  it('refuses to change the object type of an active workflow at objectType', async () => {
    // Prepare
    const created = await createWorkflow(nurture('Live'));
    await setStatus(created.id, 'active');
    // Act
    const response = await api.call('PUT', `/workflows/${created.id}`, {
      body: { ...dealsHandoff('Live'), revision: 1 },
    });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'objectType' }]);
  });

  it('DELETE removes a draft (204) with its revisions; it is then 404', async () => {
    // Prepare
    const created = await createWorkflow(nurture('Doomed'));
    await api.call('PUT', `/workflows/${created.id}`, { body: created });
    // Act
    const response = await api.call('DELETE', `/workflows/${created.id}`);
    // Assess
    expect(response.status).toBe(204);
    expect(response.json).toBeUndefined();
    expect((await api.call('GET', `/workflows/${created.id}`)).status).toBe(404);
    expect((await api.call('GET', `/workflows/${created.id}/revisions/1`)).status).toBe(404);
  });

  it('answers 409 to DELETE while active, and deletes nothing', async () => {
    // Prepare
    const created = await createWorkflow(nurture('Running'));
    await setStatus(created.id, 'active');
    // Act
    const response = await api.call('DELETE', `/workflows/${created.id}`);
    // Assess
    expectError(response, 409, 'CONFLICT');
    expect((await api.call('GET', `/workflows/${created.id}`)).json.status).toBe('active');
  });

  it.each([
    ['GET', undefined],
    ['PUT', { ...nurture('Ghost'), revision: 1 }],
    ['DELETE', undefined],
  ])('%s answers 404 for an unknown workflow', async (method, body) => {
    // Act
    const response = await api.call(method, '/workflows/wf_nope', { body });
    // Assess
    expectError(response, 404, 'NOT_FOUND');
  });

  it.each(UNAUTHORIZED_TOKENS)(
    'answers 401 to %s on PUT and DELETE, changing nothing',
    async (_case, token) => {
      // Prepare
      const created = await createWorkflow(nurture('Protected'));
      // Act
      const put = await api.call('PUT', `/workflows/${created.id}`, {
        body: { ...created, name: 'Hacked' },
        token,
      });
      const deleted = await api.call('DELETE', `/workflows/${created.id}`, { token });
      const read = await api.call('GET', `/workflows/${created.id}`, { token });
      // Assess
      expect([put.status, deleted.status, read.status]).toEqual([401, 401, 401]);
      expect((await api.call('GET', `/workflows/${created.id}`)).json).toEqual(created);
    },
  );

  it('answers 413 to a PUT over 1 MiB and changes nothing', async () => {
    // Prepare
    const created = await createWorkflow(nurture('Small'));
    // Act
    const response = await api.call('PUT', `/workflows/${created.id}`, {
      body: { ...created, description: 'x'.repeat(1024 * 1024) },
    });
    // Assess
    expect(response.status).toBe(413);
    expect((await api.call('GET', `/workflows/${created.id}`)).json.revision).toBe(1);
  });
});

describe('GET /workflows/{id}/revisions and /revisions/{n}', () => {
  it('lists every revision oldest first and returns each as it was', async () => {
    // Prepare
    const created = await createWorkflow(nurture('Rev 1'));
    api.clock.advance(1000);
    const second = (
      await api.call('PUT', `/workflows/${created.id}`, { body: { ...created, name: 'Rev 2' } })
    ).json;
    // Act
    const revisions = await api.call('GET', `/workflows/${created.id}/revisions`);
    const first = await api.call('GET', `/workflows/${created.id}/revisions/1`);
    const current = await api.call('GET', `/workflows/${created.id}/revisions/2`);
    // Assess
    expect(revisions.status).toBe(200);
    expect(revisions.json).toEqual([
      { revision: 1, updatedAt: created.updatedAt },
      { revision: 2, updatedAt: second.updatedAt },
    ]);
    expect(first.status).toBe(200);
    expect(first.json).toEqual(created);
    expect(current.json).toEqual(second);
  });

  it.each([
    ['0', 'n'],
    ['-1', 'n'],
    ['one', 'n'],
    ['1.5', 'n'],
  ])('refuses revision %s at n', async (n, path) => {
    // Act
    const response = await api.call('GET', `/workflows/wf_any/revisions/${n}`);
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path }]);
  });

  it.each([
    ['an unknown workflow', '/workflows/wf_nope/revisions'],
    ['a revision of an unknown workflow', '/workflows/wf_nope/revisions/1'],
  ])('answers 404 for %s', async (_case, path) => {
    // Act
    const response = await api.call('GET', path);
    // Assess
    expectError(response, 404, 'NOT_FOUND');
  });

  it('answers 404 for a revision the workflow does not have yet', async () => {
    // Prepare
    const created = await createWorkflow(nurture('Young'));
    // Act
    const response = await api.call('GET', `/workflows/${created.id}/revisions/2`);
    // Assess
    expect(response.status).toBe(404);
  });
});

describe('POST /workflows/{id}/review', () => {
  /** 13 French leads (the matches), 3 German leads, 2 French customers; the workflow enrolls French leads. */
  const reviewWorld = async () => {
    const leads: string[] = [];
    const create = async (properties: Json) => (await createRecord(api, 'contacts', properties)).id;
    for (let index = 0; index < 13; index += 1) {
      leads.push(await create({ lifecyclestage: 'lead', country: 'FR', firstname: `lead ${index}` }));
      if (index < 3) await create({ lifecyclestage: 'lead', country: 'DE' });
      if (index < 2) await create({ lifecyclestage: 'customer', country: 'FR' });
    }
    const body = nurture('Review me');
    (body.enrollment as Json).criteria = [
      {
        filters: [
          { property: 'lifecyclestage', operator: 'eq', value: 'lead' },
          { property: 'country', operator: 'eq', value: 'FR' },
        ],
      },
    ];
    const workflow = await createWorkflow(body);
    return { leads, workflow };
  };
  let world: Awaited<ReturnType<typeof reviewWorld>>;
  beforeAll(async () => {
    world = await reviewWorld();
  });

  it('counts the matching records and samples the first 10, creating no list', async () => {
    // Act
    const response = await api.call('POST', `/workflows/${world.workflow.id}/review`);
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ matching: 13, sample: world.leads.slice(0, 10) });
  });

  it('with createList, makes a static list of exactly the matching records', async () => {
    // Act
    const response = await api.call('POST', `/workflows/${world.workflow.id}/review`, {
      body: { createList: true },
    });
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ matching: 13, listId: expect.any(String) });
    const list = await api.call('GET', `/lists/${response.json.listId}`);
    expect(list.json).toMatchObject({
      objectType: 'contacts',
      size: 13,
      name: expect.stringContaining('Review me'),
    });
    const { ids } = await walkPages(api, `/lists/${response.json.listId}/members`, 5);
    expect([...ids].sort()).toEqual([...world.leads].sort());
  });

  it('names the list after a workflow whose name is as long as a workflow name may be', async () => {
    // Prepare
    const body = nurture('W'.repeat(256));
    const workflow = await createWorkflow(body);
    // Act
    const response = await api.call('POST', `/workflows/${workflow.id}/review`, {
      body: { createList: true },
    });
    // Assess
    expect(response.status).toBe(200);
    const list = await api.call('GET', `/lists/${response.json.listId}`);
    expect(list.json.name).toMatch(/^W+ — review \d{4}-/);
    expect(list.json.name.length).toBeLessThanOrEqual(200);
  });

  it.each([
    ['createList that is not a boolean', { createList: 'yes' }, 'createList'],
    ['an unknown field', { createList: true, limit: 5 }, 'limit'],
    ['a body that is a list', [true], 'body'],
  ])('refuses %s at its path and creates no list', async (_case, body, path) => {
    // Prepare
    const before = (await walkPages(api, '/lists', 100)).ids;
    // Act
    const response = await api.call('POST', `/workflows/${world.workflow.id}/review`, { body });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path }]);
    expect((await walkPages(api, '/lists', 100)).ids).toEqual(before);
  });

  it('answers 404 for an unknown workflow, creating no list', async () => {
    // Prepare
    const before = (await walkPages(api, '/lists', 100)).ids;
    // Act
    const response = await api.call('POST', '/workflows/wf_nope/review', { body: { createList: true } });
    // Assess
    expect(response.status).toBe(404);
    expect((await walkPages(api, '/lists', 100)).ids).toEqual(before);
  });

  it.each(UNAUTHORIZED_TOKENS)('answers 401 to %s and creates no list', async (_case, token) => {
    // Prepare
    const before = (await walkPages(api, '/lists', 100)).ids;
    // Act
    const response = await api.call('POST', `/workflows/${world.workflow.id}/review`, {
      body: { createList: true },
      token,
    });
    // Assess
    expect(response.status).toBe(401);
    expect((await walkPages(api, '/lists', 100)).ids).toEqual(before);
  });

  it('answers 413 to a body over 1 MiB and creates no list', async () => {
    // Prepare
    const before = (await walkPages(api, '/lists', 100)).ids;
    // Act
    const response = await api.call('POST', `/workflows/${world.workflow.id}/review`, {
      body: { createList: true, padding: 'x'.repeat(1024 * 1024) },
    });
    // Assess
    expect(response.status).toBe(413);
    expect((await walkPages(api, '/lists', 100)).ids).toEqual(before);
  });
});

describe('GET /workflows/{id}/definition', () => {
  it('compiles the current revision to a state machine calling the action function', async () => {
    // Prepare
    const created = await createWorkflow(nurture('Compiled'));
    // Act
    const response = await api.call('GET', `/workflows/${created.id}/definition`);
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ StartAt: expect.any(String), States: expect.any(Object) });
    expect(JSON.stringify(response.json)).toContain(LOCAL_ACTION_FUNCTION_ARN);
    expect(JSON.stringify(response.json)).toContain(created.id);
  });

  it('answers 404 for an unknown workflow', async () => {
    // Act
    const response = await api.call('GET', '/workflows/wf_nope/definition');
    // Assess
    expect(response.status).toBe(404);
  });
});

describeWrongMethods(api, [
  ['PUT', '/workflows', 'POST, GET'],
  ['DELETE', '/workflows', 'POST, GET'],
  ['PATCH', '/workflows', 'POST, GET'],
  ['PATCH', '/workflows/wf_1', 'GET, PUT, DELETE'],
  ['POST', '/workflows/wf_1', 'GET, PUT, DELETE'],
  ['POST', '/workflows/wf_1/revisions', 'GET'],
  ['DELETE', '/workflows/wf_1/revisions/1', 'GET'],
  ['GET', '/workflows/wf_1/review', 'POST'],
  ['PUT', '/workflows/wf_1/definition', 'GET'],
]);
