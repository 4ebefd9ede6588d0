import { describe, expect, it } from 'vitest';
import {
  apiError,
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

const recordId = async (objectType: string, properties: Record<string, unknown> = {}) =>
  (await createRecord(api, objectType, properties)).id;

const createList = async (name: string, objectType = 'contacts') => {
  const response = await api.call('POST', '/lists', { body: { name, objectType } });
  expect(response.status).toBe(201);
  return response.json.id as string;
};

const allListNames = async () =>
  (await walkPages(api, '/lists', 100)).pages.flatMap((page) =>
    page.json.results.map((list: { name: string }) => list.name),
  );

const memberIds = async (listId: string) => (await walkPages(api, `/lists/${listId}/members`, 100)).ids;

describe('POST /lists', () => {
  it('creates an empty static list', async () => {
    // Act
    const response = await api.call('POST', '/lists', { body: { name: '  VIPs ', objectType: 'contacts' } });
    // Assess
    expect(response.status).toBe(201);
    expect(response.json).toEqual({ id: expect.any(String), name: 'VIPs', objectType: 'contacts', size: 0 });
    expect((await api.call('GET', `/lists/${response.json.id}`)).json).toEqual(response.json);
  });

  it.each([
    ['no name', { objectType: 'contacts' }, ['name']],
    ['a blank name', { name: '   ', objectType: 'contacts' }, ['name']],
    ['a name over 200 characters', { name: 'n'.repeat(201), objectType: 'contacts' }, ['name']],
    ['an unknown object type', { name: 'Refused', objectType: 'planets' }, ['objectType']],
    ['no object type', { name: 'Refused' }, ['objectType']],
    ['an unknown field', { name: 'Refused', objectType: 'contacts', dynamic: true }, ['dynamic']],
    ['no body', undefined, ['body']],
    ['a body that is a string', '"Refused"', ['body']],
  ])('refuses %s at its path and creates nothing', async (_case, body, paths) => {
    // Act
    const response = await api.call('POST', '/lists', { body });
    // Assess
    expectError(
      response,
      400,
      'VALIDATION_FAILED',
      paths.map((path) => ({ path })),
    );
    expect(await allListNames()).not.toContain('Refused');
  });

  it.each(UNAUTHORIZED_TOKENS)('answers 401 to %s and creates nothing', async (_case, token) => {
    // Act
    const response = await api.call('POST', '/lists', {
      body: { name: 'Sneaky', objectType: 'deals' },
      token,
    });
    // Assess
    expectError(response, 401, 'UNAUTHORIZED');
    expect(await allListNames()).not.toContain('Sneaky');
  });

  it('answers 413 to a body over 1 MiB and creates nothing', async () => {
    // Act
    const response = await api.call('POST', '/lists', {
      body: { name: 'Huge', objectType: 'deals', padding: 'x'.repeat(1024 * 1024) },
    });
    // Assess
    expect(response.status).toBe(413);
    expect(await allListNames()).not.toContain('Huge');
  });
});

describe('GET /lists', () => {
  it('walks every list once, page by page', async () => {
    // Prepare
    const created: string[] = [];
    for (let index = 0; index < 9; index += 1) {
      api.clock.advance(1000);
      created.push(await createList(`paged ${index}`, 'tickets'));
    }
    // Act
    const { pages, ids } = await walkPages(api, '/lists', 4);
    // Assess
    expect(ids.filter((id) => created.includes(id))).toEqual(created);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages[0]!.json.results).toHaveLength(4);
    expect(pages[0]!.json.results[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      objectType: expect.any(String),
      size: expect.any(Number),
    });
    expect(pages.at(-1)!.json.nextCursor).toBeNull();
  });

  it.each([
    ['limit=0', { limit: '0' }, 'limit'],
    ['limit=101', { limit: '101' }, 'limit'],
    ['a cursor that does not decode', { cursor: GARBAGE_CURSOR }, 'cursor'],
    ['a cursor of another list', { cursor: FOREIGN_CURSOR }, 'cursor'],
    ['an unknown parameter', { objectType: 'contacts' }, 'objectType'],
  ])('refuses %s at its path', async (_case, query, path) => {
    // Act
    const response = await api.call('GET', '/lists', { query });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path }]);
  });
});

describe('GET and DELETE /lists/{id}', () => {
  it('deletes a list (204); it is then 404', async () => {
    // Prepare
    const id = await createList('Doomed');
    // Act
    const response = await api.call('DELETE', `/lists/${id}`);
    // Assess
    expect(response.status).toBe(204);
    expect(response.json).toBeUndefined();
    expect((await api.call('GET', `/lists/${id}`)).status).toBe(404);
    expect(await allListNames()).not.toContain('Doomed');
  });

  it.each(['GET', 'DELETE'])('%s answers 404 for an unknown list', async (method) => {
    // Act
    const response = await api.call(method, '/lists/nope');
    // Assess
    expectError(response, 404, 'NOT_FOUND');
  });

  it.each(UNAUTHORIZED_TOKENS)('DELETE answers 401 to %s and deletes nothing', async (_case, token) => {
    // Prepare
    const id = await createList('Kept');
    // Act
    const response = await api.call('DELETE', `/lists/${id}`, { token });
    // Assess
    expect(response.status).toBe(401);
    expect((await api.call('GET', `/lists/${id}`)).status).toBe(200);
  });
});

describe('PUT and DELETE /lists/{id}/members/{recordId}', () => {
  it('adds a member (204) once however often asked; the size counts it; removing takes it out', async () => {
    // Prepare
    const list = await createList('Members');
    const contact = await recordId('contacts', { firstname: 'Member' });
    // Act
    const added = await api.call('PUT', `/lists/${list}/members/${contact}`);
    const again = await api.call('PUT', `/lists/${list}/members/${contact}`);
    const sized = await api.call('GET', `/lists/${list}`);
    const removed = await api.call('DELETE', `/lists/${list}/members/${contact}`);
    const removedAgain = await api.call('DELETE', `/lists/${list}/members/${contact}`);
    // Assess
    expect([added.status, again.status, removed.status, removedAgain.status]).toEqual([204, 204, 204, 204]);
    expect(sized.json.size).toBe(1);
    expect((await api.call('GET', `/lists/${list}`)).json.size).toBe(0);
    expect(await memberIds(list)).toEqual([]);
    expect((await api.call('GET', `/objects/contacts/${contact}`)).json.version).toBe(3);
  });

  it.each(['PUT', 'DELETE'])(
    '%s answers 404 for an unknown list, an unknown record, a record of another type',
    async (method) => {
      // Prepare
      const list = await createList('Contacts only');
      const company = await recordId('companies');
      const contact = await recordId('contacts');
      // Act
      const responses = [
        await api.call(method, `/lists/nope/members/${contact}`),
        await api.call(method, `/lists/${list}/members/nope`),
        await api.call(method, `/lists/${list}/members/${company}`),
      ];
      // Assess
      expect(responses.map((response) => response.status)).toEqual([404, 404, 404]);
      expect(responses[0]!.json).toMatchObject(apiError('NOT_FOUND'));
      expect(await memberIds(list)).toEqual([]);
    },
  );

  it.each(UNAUTHORIZED_TOKENS)('PUT answers 401 to %s and adds nothing', async (_case, token) => {
    // Prepare
    const list = await createList('Guarded');
    const contact = await recordId('contacts');
    // Act
    const response = await api.call('PUT', `/lists/${list}/members/${contact}`, { token });
    // Assess
    expect(response.status).toBe(401);
    expect(await memberIds(list)).toEqual([]);
  });

  it.each(UNAUTHORIZED_TOKENS)('DELETE answers 401 to %s and removes nothing', async (_case, token) => {
    // Prepare
    const list = await createList('Guarded');
    const contact = await recordId('contacts');
    await api.call('PUT', `/lists/${list}/members/${contact}`);
    // Act
    const response = await api.call('DELETE', `/lists/${list}/members/${contact}`, { token });
    // Assess
    expect(response.status).toBe(401);
    expect(await memberIds(list)).toEqual([contact]);
  });
});

describe('GET /lists/{id}/members', () => {
  it('walks every member once, page by page', async () => {
    // Prepare
    const list = await createList('Big list', 'companies');
    const members: string[] = [];
    for (let index = 0; index < 11; index += 1) {
      const company = await recordId('companies', { name: `member ${index}` });
      members.push(company);
      await api.call('PUT', `/lists/${list}/members/${company}`);
    }
    // Act
    const { pages, ids } = await walkPages(api, `/lists/${list}/members`, 3);
    // Assess
    expect([...ids].sort()).toEqual([...members].sort());
    expect(ids).toHaveLength(11);
    expect(pages[0]!.json.results).toEqual([
      { id: expect.any(String) },
      { id: expect.any(String) },
      { id: expect.any(String) },
    ]);
    expect(pages.at(-1)!.json.nextCursor).toBeNull();
  });

  it('answers 404 for an unknown list', async () => {
    // Act
    const response = await api.call('GET', '/lists/nope/members');
    // Assess
    expect(response.status).toBe(404);
  });

  const encoded = (key: object) => Buffer.from(JSON.stringify(key)).toString('base64url');
  it.each([
    ['limit=0', (_list: string) => ({ limit: '0' }), 'limit'],
    ['a cursor that does not decode', () => ({ cursor: GARBAGE_CURSOR }), 'cursor'],
    ['a cursor of another list', () => ({ cursor: FOREIGN_CURSOR }), 'cursor'],
    [
      'a cursor of this list missing its sort key',
      (list: string) => ({ cursor: encoded({ pk: `LIST#${list}` }) }),
      'cursor',
    ],
  ])('refuses %s at its path', async (_case, queryFor, path) => {
    // Prepare
    const list = await createList('Queried');
    // Act
    const response = await api.call('GET', `/lists/${list}/members`, { query: queryFor(list) });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path }]);
  });
});

describeWrongMethods(api, [
  ['PUT', '/lists', 'POST, GET'],
  ['DELETE', '/lists', 'POST, GET'],
  ['PUT', '/lists/l1', 'GET, DELETE'],
  ['PATCH', '/lists/l1', 'GET, DELETE'],
  ['POST', '/lists/l1', 'GET, DELETE'],
  ['GET', '/lists/l1/members/r1', 'PUT, DELETE'],
  ['POST', '/lists/l1/members/r1', 'PUT, DELETE'],
]);
