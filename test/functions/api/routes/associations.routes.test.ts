import { describe, expect, it } from 'vitest';
import {
  createRecord,
  describeWrongMethods,
  expectError,
  GARBAGE_CURSOR,
  UNAUTHORIZED_TOKENS,
  useTestApi,
  walkPages,
} from '../../../helpers/api-client.ts';

const api = useTestApi();

const create = async (objectType: string, properties: Record<string, unknown> = {}) =>
  (await createRecord(api, objectType, properties)).id;

const associatedIds = async (objectType: string, id: string, toObjectType: string) => {
  const response = await api.call('GET', `/objects/${objectType}/${id}/associations/${toObjectType}`);
  expect(response.status).toBe(200);
  return (response.json.results as { id: string }[]).map((ref) => ref.id);
};

describe('PUT /objects/{objectType}/{id}/associations/{toObjectType}/{toId}', () => {
  it('associates two records (204), once however often it is asked, as a change of the first', async () => {
    // Prepare
    const contact = await create('contacts', { firstname: 'Linked' });
    const company = await create('companies', { name: 'Acme' });
    const path = `/objects/contacts/${contact}/associations/companies/${company}`;
    // Act
    const first = await api.call('PUT', path);
    const again = await api.call('PUT', path);
    // Assess
    expect(first.status).toBe(204);
    expect(first.json).toBeUndefined();
    expect(again.status).toBe(204);
    expect(await associatedIds('contacts', contact, 'companies')).toEqual([company]);
    expect((await api.call('GET', `/objects/contacts/${contact}`)).json.version).toBe(2);
  });

  it.each([
    ['the record', 'nope', 'company'],
    ['the associated record', 'contact', 'nope'],
  ])('answers 404 when %s does not exist, and writes nothing', async (_case, from, to) => {
    // Prepare
    const ids: Record<string, string> = {
      contact: await create('contacts'),
      company: await create('companies'),
      nope: 'nope',
    };
    // Act
    const response = await api.call(
      'PUT',
      `/objects/contacts/${ids[from]}/associations/companies/${ids[to]}`,
    );
    // Assess
    expectError(response, 404, 'NOT_FOUND');
    if (from === 'contact') expect(await associatedIds('contacts', ids.contact!, 'companies')).toEqual([]);
  });

  it.each([
    ['an unknown object type', '/objects/planets/a/associations/companies/b', ['objectType']],
    ['an unknown associated type', '/objects/contacts/a/associations/planets/b', ['toObjectType']],
    ['both unknown', '/objects/moons/a/associations/planets/b', ['objectType', 'toObjectType']],
  ])('refuses %s at its path', async (_case, path, paths) => {
    // Act
    const response = await api.call('PUT', path);
    // Assess
    expectError(
      response,
      400,
      'VALIDATION_FAILED',
      paths.map((at) => ({ path: at })),
    );
  });

  it('refuses to associate a record with itself at toId', async () => {
    // Prepare
    const contact = await create('contacts');
    // Act
    const response = await api.call('PUT', `/objects/contacts/${contact}/associations/contacts/${contact}`);
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'toId' }]);
  });

  it.each(UNAUTHORIZED_TOKENS)('answers 401 to %s and associates nothing', async (_case, token) => {
    // Prepare
    const contact = await create('contacts');
    const company = await create('companies');
    // Act
    const response = await api.call('PUT', `/objects/contacts/${contact}/associations/companies/${company}`, {
      token,
    });
    // Assess
    expectError(response, 401, 'UNAUTHORIZED');
    expect(await associatedIds('contacts', contact, 'companies')).toEqual([]);
  });
});

describe('DELETE /objects/{objectType}/{id}/associations/{toObjectType}/{toId}', () => {
  it('dissociates (204), and again without a change', async () => {
    // Prepare
    const deal = await create('deals', { dealname: 'Big' });
    const company = await create('companies');
    const path = `/objects/deals/${deal}/associations/companies/${company}`;
    await api.call('PUT', path);
    // Act
    const first = await api.call('DELETE', path);
    const again = await api.call('DELETE', path);
    // Assess
    expect(first.status).toBe(204);
    expect(again.status).toBe(204);
    expect(await associatedIds('deals', deal, 'companies')).toEqual([]);
    expect((await api.call('GET', `/objects/deals/${deal}`)).json.version).toBe(3);
  });

  it('answers 404 for an unknown record', async () => {
    // Act
    const response = await api.call('DELETE', '/objects/deals/nope/associations/companies/x');
    // Assess
    expectError(response, 404, 'NOT_FOUND');
  });

  it('refuses an unknown associated type at toObjectType', async () => {
    // Act
    const response = await api.call('DELETE', '/objects/deals/a/associations/planets/b');
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'toObjectType' }]);
  });

  it.each(UNAUTHORIZED_TOKENS)('answers 401 to %s and dissociates nothing', async (_case, token) => {
    // Prepare
    const deal = await create('deals');
    const company = await create('companies');
    const path = `/objects/deals/${deal}/associations/companies/${company}`;
    await api.call('PUT', path);
    // Act
    const response = await api.call('DELETE', path, { token });
    // Assess
    expect(response.status).toBe(401);
    expect(await associatedIds('deals', deal, 'companies')).toEqual([company]);
  });
});

describe('GET /objects/{objectType}/{id}/associations/{toObjectType}', () => {
  it('walks every associated id once, page by page, and only those of the type', async () => {
    // Prepare
    const company = await create('companies', { name: 'Hub' });
    const contacts: string[] = [];
    for (let index = 0; index < 12; index += 1) {
      const contact = await create('contacts', { firstname: `c${index}` });
      contacts.push(contact);
      await api.call('PUT', `/objects/companies/${company}/associations/contacts/${contact}`);
    }
    const deal = await create('deals');
    await api.call('PUT', `/objects/companies/${company}/associations/deals/${deal}`);
    // Act
    const { pages, ids } = await walkPages(api, `/objects/companies/${company}/associations/contacts`, 5);
    // Assess
    expect([...ids].sort()).toEqual([...contacts].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages[0]!.json.results).toHaveLength(5);
    expect(pages.at(-1)!.json.nextCursor).toBeNull();
    expect(await associatedIds('companies', company, 'deals')).toEqual([deal]);
  });

  it('answers an empty page when there is none', async () => {
    // Prepare
    const ticket = await create('tickets');
    // Act
    const response = await api.call('GET', `/objects/tickets/${ticket}/associations/quotes`);
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ results: [], nextCursor: null });
  });

  it('answers 404 for an unknown record', async () => {
    // Act
    const response = await api.call('GET', '/objects/tickets/nope/associations/quotes');
    // Assess
    expectError(response, 404, 'NOT_FOUND');
  });

  it.each([
    ['an unknown associated type', 'planets', {}, 'toObjectType'],
    ['limit=0', 'quotes', { limit: '0' }, 'limit'],
    ['a cursor that does not decode', 'quotes', { cursor: GARBAGE_CURSOR }, 'cursor'],
  ])('refuses %s at its path', async (_case, toObjectType, query, at) => {
    // Prepare
    const ticket = await create('tickets');
    // Act
    const response = await api.call('GET', `/objects/tickets/${ticket}/associations/${toObjectType}`, {
      query,
    });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: at }]);
  });

  it('refuses a cursor of another record at cursor', async () => {
    // Prepare
    const company = await create('companies');
    for (let index = 0; index < 3; index += 1) {
      await api.call('PUT', `/objects/companies/${company}/associations/tickets/${await create('tickets')}`);
    }
    const first = await api.call('GET', `/objects/companies/${company}/associations/tickets`, {
      query: { limit: '1' },
    });
    const other = await create('companies');
    // Act
    const response = await api.call('GET', `/objects/companies/${other}/associations/tickets`, {
      query: { cursor: first.json.nextCursor },
    });
    // Assess
    expect(first.json.nextCursor).toEqual(expect.any(String));
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'cursor' }]);
  });
});

describeWrongMethods(api, [
  ['GET', '/objects/contacts/a/associations/companies/b', 'PUT, DELETE'],
  ['POST', '/objects/contacts/a/associations/companies/b', 'PUT, DELETE'],
  ['PATCH', '/objects/contacts/a/associations/companies/b', 'PUT, DELETE'],
  ['DELETE', '/objects/tickets/a/associations/quotes', 'GET'],
]);
