import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoDBHistoryRepository } from '../../../../shared/adapters/dynamodb/history-repository.dynamodb.ts';
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

const create = (objectType: string, properties: Record<string, unknown>) =>
  createRecord(api, objectType, properties);

/** Every record of a type, all pages walked. */
const allRecords = async (objectType: string) => {
  const { pages } = await walkPages(api, `/objects/${objectType}`, 100);
  return pages.flatMap((page) => page.json.results) as { id: string; properties: Record<string, unknown> }[];
};

const PROPERTY_PROBLEMS = [
  ['an unknown property', { colour: 'blue' }, 'properties.colour'],
  ['text for a number', { score: 'high' }, 'properties.score'],
  ['a value outside an enumeration', { lifecyclestage: 'alien' }, 'properties.lifecyclestage'],
  ['an impossible date', { birthdate: '2026-02-30' }, 'properties.birthdate'],
  ['a read-only property', { createdate: '2026-01-01T00:00:00Z' }, 'properties.createdate'],
  ['an object as a value', { firstname: { first: 'Ada' } }, 'properties.firstname'],
] as const;

describe('POST /objects/{objectType}', () => {
  it('creates a record at version 1 with the timestamps of the clock', async () => {
    // Act
    const response = await api.call('POST', '/objects/contacts', {
      body: { properties: { email: 'grace@example.com', firstname: 'Grace', score: 12, lastname: null } },
    });
    // Assess
    const now = api.clock.now().toISOString();
    expect(response.status).toBe(201);
    expect(response.json).toEqual({
      id: expect.any(String),
      objectType: 'contacts',
      properties: {
        email: 'grace@example.com',
        firstname: 'Grace',
        score: 12,
        createdate: now,
        lastmodifieddate: now,
      },
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    const read = await api.call('GET', `/objects/contacts/${response.json.id}`);
    expect(read.json).toEqual(response.json);
  });

  it.each([
    ['a contact email', 'contacts', 'email', 'Ada@Example.com', 'ada@EXAMPLE.com'],
    ['a company domain', 'companies', 'domain', 'Acme.example', 'acme.EXAMPLE'],
  ])(
    'answers 409 when %s is taken, whatever its case, and writes nothing',
    async (_case, type, name, first, second) => {
      // Prepare
      await create(type, { [name]: first });
      // Act
      const response = await api.call('POST', `/objects/${type}`, {
        body: { properties: { [name]: second } },
      });
      // Assess
      expectError(response, 409, 'CONFLICT');
      const holders = (await allRecords(type)).filter(
        (record) => String(record.properties[name]).toLowerCase() === first.toLowerCase(),
      );
      expect(holders).toHaveLength(1);
    },
  );

  it.each(PROPERTY_PROBLEMS)('refuses %s at its path', async (_case, properties, path) => {
    // Act
    const response = await api.call('POST', '/objects/contacts', { body: { properties } });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path }]);
  });

  it.each([
    ['no properties', {}, ['properties']],
    ['properties as a list', { properties: ['a'] }, ['properties']],
    ['an unknown field', { properties: {}, owner: 'x' }, ['owner']],
    ['no body', undefined, ['body']],
    ['a body that is not JSON', '{"properties"', ['body']],
  ])('refuses %s at its path', async (_case, body, paths) => {
    // Act
    const response = await api.call('POST', '/objects/companies', { body });
    // Assess
    expectError(
      response,
      400,
      'VALIDATION_FAILED',
      paths.map((path) => ({ path })),
    );
  });

  it.each([
    [
      'a number past a double (Infinity)',
      '"score":1e400',
      'properties.score',
      'must be a finite number, not the number Infinity',
    ],
    [
      'an object for a text property',
      '"firstname":{"a":1}',
      'properties.firstname',
      'must be text, not an object',
    ],
    [
      'a list for a number property',
      '"score":[1]',
      'properties.score',
      'must be a finite number, not a list',
    ],
  ])('names what the property expects for %s, and writes nothing', async (_case, property, path, message) => {
    // Prepare
    const body = `{"properties":{"email":"typed@example.com",${property}}}`;
    // Act
    const response = await api.call('POST', '/objects/contacts', { body });
    // Assess
    expect(response.status).toBe(400);
    expect(response.json.error.details).toEqual([{ path, message }]);
    expect((await allRecords('contacts')).map((record) => record.properties.email)).not.toContain(
      'typed@example.com',
    );
  });

  it('refuses an unknown object type at objectType', async () => {
    // Act
    const response = await api.call('POST', '/objects/planets', { body: { properties: {} } });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'objectType' }]);
  });

  it.each(UNAUTHORIZED_TOKENS)('answers 401 to %s and writes nothing', async (_case, token) => {
    // Act
    const response = await api.call('POST', '/objects/quotes', {
      body: { properties: { title: 'Never written' } },
      token,
    });
    // Assess
    expectError(response, 401, 'UNAUTHORIZED');
    expect(await allRecords('quotes')).toEqual([]);
  });

  it('answers 413 to a body over 1 MiB and writes nothing', async () => {
    // Act
    const response = await api.call('POST', '/objects/quotes', {
      body: { properties: { title: 'x'.repeat(1024 * 1024) } },
    });
    // Assess
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(await allRecords('quotes')).toEqual([]);
  });
});

describe('POST /objects/{objectType}/upsert', () => {
  it('creates the record (201), then updates the one holding the value whatever its case (200)', async () => {
    // Act
    const created = await api.call('POST', '/objects/contacts/upsert', {
      body: { idProperty: 'email', properties: { email: 'Upsert@Example.com', firstname: 'Una' } },
    });
    const updated = await api.call('POST', '/objects/contacts/upsert', {
      body: { idProperty: 'email', properties: { email: 'upsert@example.com', firstname: 'Uma' } },
    });
    // Assess
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ version: 1, properties: { firstname: 'Una' } });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({
      id: created.json.id,
      version: 2,
      properties: { email: 'upsert@example.com', firstname: 'Uma' },
    });
  });

  it.each([
    [
      'an idProperty that is not unique',
      'contacts',
      { idProperty: 'firstname', properties: { firstname: 'A' } },
      'idProperty',
    ],
    [
      'a type without a unique property',
      'deals',
      { idProperty: 'dealname', properties: { dealname: 'A' } },
      'idProperty',
    ],
    [
      'no value for the idProperty',
      'contacts',
      { idProperty: 'email', properties: { firstname: 'A' } },
      'properties.email',
    ],
    ['no idProperty', 'contacts', { properties: { email: 'a@b.c' } }, 'idProperty'],
    [
      'an unknown property',
      'companies',
      { idProperty: 'domain', properties: { domain: 'a.b', x: 1 } },
      'properties.x',
    ],
    ['an unknown field', 'companies', { idProperty: 'domain', properties: { domain: 'a.b' }, y: 1 }, 'y'],
  ])('refuses %s at its path, writing nothing', async (_case, type, body, path) => {
    // Prepare
    const before = (await allRecords(type)).length;
    // Act
    const response = await api.call('POST', `/objects/${type}/upsert`, { body });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path }]);
    expect(await allRecords(type)).toHaveLength(before);
  });

  it('tells an upsert whose id value is of the wrong type what the property expects', async () => {
    // Act
    const response = await api.call('POST', '/objects/contacts/upsert', {
      body: { idProperty: 'email', properties: { email: { a: 1 } } },
    });
    // Assess
    expect(response.status).toBe(400);
    expect(response.json.error.details).toEqual([
      { path: 'properties.email', message: 'must be text, not an object' },
    ]);
  });

  it('refuses an unknown object type at objectType', async () => {
    // Act
    const response = await api.call('POST', '/objects/planets/upsert', {
      body: { idProperty: 'email', properties: { email: 'a@b.c' } },
    });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'objectType' }]);
  });

  it.each(UNAUTHORIZED_TOKENS)('answers 401 to %s and writes nothing', async (_case, token) => {
    // Act
    const response = await api.call('POST', '/objects/contacts/upsert', {
      body: { idProperty: 'email', properties: { email: 'intruder@example.com' } },
      token,
    });
    // Assess
    expect(response.status).toBe(401);
    const emails = (await allRecords('contacts')).map((record) => record.properties.email);
    expect(emails).not.toContain('intruder@example.com');
  });

  it('answers 413 to a body over 1 MiB and writes nothing', async () => {
    // Act
    const response = await api.call('POST', '/objects/contacts/upsert', {
      body: { idProperty: 'email', properties: { email: 'big@example.com', city: 'x'.repeat(1024 * 1024) } },
    });
    // Assess
    expect(response.status).toBe(413);
    const emails = (await allRecords('contacts')).map((record) => record.properties.email);
    expect(emails).not.toContain('big@example.com');
  });
});

describe('GET /objects/{objectType}', () => {
  it('walks every record once, page by page, oldest first', async () => {
    // Prepare
    const ids: string[] = [];
    for (let index = 0; index < 23; index += 1) {
      api.clock.advance(1000);
      ids.push((await create('tickets', { subject: `ticket ${index}` })).id);
    }
    // Act
    const { pages, ids: seen } = await walkPages(api, '/objects/tickets', 5);
    // Assess
    expect(seen).toEqual(ids);
    expect(pages.slice(0, 4).every((page) => page.json.results.length === 5)).toBe(true);
    expect(pages.at(-1)!.json.nextCursor).toBeNull();
    expect(pages.length).toBeLessThanOrEqual(6);
  });

  it('answers 50 records by default', async () => {
    // Prepare
    for (let index = 0; index < 52; index += 1) await create('deals', { dealname: `deal ${index}` });
    // Act
    const response = await api.call('GET', '/objects/deals');
    // Assess
    expect(response.status).toBe(200);
    expect(response.json.results).toHaveLength(50);
    expect(response.json.nextCursor).toEqual(expect.any(String));
  });

  it.each([
    ['limit=0', { limit: '0' }, 'limit'],
    ['limit=101', { limit: '101' }, 'limit'],
    ['limit=ten', { limit: 'ten' }, 'limit'],
    ['limit=2.5', { limit: '2.5' }, 'limit'],
    ['a cursor that does not decode', { cursor: GARBAGE_CURSOR }, 'cursor'],
    ['a cursor of another list', { cursor: FOREIGN_CURSOR }, 'cursor'],
    [
      'a cursor of the right partition missing its keys',
      { cursor: Buffer.from(JSON.stringify({ gsi1pk: 'TYPE#contacts' })).toString('base64url') },
      'cursor',
    ],
    ['an unknown parameter', { sort: 'name' }, 'sort'],
  ])('refuses %s at its path', async (_case, query, path) => {
    // Act
    const response = await api.call('GET', '/objects/contacts', { query });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path }]);
  });

  it('refuses an unknown object type at objectType', async () => {
    // Act
    const response = await api.call('GET', '/objects/planets');
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'objectType' }]);
  });
});

describe('GET /objects/{objectType}/{id}', () => {
  it('answers 404 for an unknown id, and for an id of another type', async () => {
    // Prepare
    const contact = await create('contacts', { firstname: 'Typed' });
    // Act
    const unknown = await api.call('GET', '/objects/contacts/nope');
    const wrongType = await api.call('GET', `/objects/companies/${contact.id}`);
    // Assess
    expectError(unknown, 404, 'NOT_FOUND');
    expect(wrongType.status).toBe(404);
  });

  it('refuses an unknown object type at objectType', async () => {
    // Act
    const response = await api.call('GET', '/objects/planets/x1');
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'objectType' }]);
  });
});

describe('PATCH /objects/{objectType}/{id}', () => {
  it('updates the given properties, clears those set to null, keeps the others', async () => {
    // Prepare
    const contact = await create('contacts', { firstname: 'Pat', lastname: 'Old', city: 'Lyon' });
    api.clock.advance(60_000);
    // Act
    const response = await api.call('PATCH', `/objects/contacts/${contact.id}`, {
      body: { properties: { lastname: 'New', city: null } },
    });
    // Assess
    const now = api.clock.now().toISOString();
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: contact.id, version: 2, updatedAt: now });
    expect(response.json.properties).toEqual({
      firstname: 'Pat',
      lastname: 'New',
      createdate: contact.properties.createdate,
      lastmodifieddate: now,
    });
  });

  it('answers 409 when the new email belongs to another contact, and changes nothing', async () => {
    // Prepare
    await create('contacts', { email: 'taken@example.com' });
    const other = await create('contacts', { email: 'mine@example.com' });
    // Act
    const response = await api.call('PATCH', `/objects/contacts/${other.id}`, {
      body: { properties: { email: 'TAKEN@example.com' } },
    });
    // Assess
    expect(response.status).toBe(409);
    const read = await api.call('GET', `/objects/contacts/${other.id}`);
    expect(read.json).toMatchObject({ version: 1, properties: { email: 'mine@example.com' } });
  });

  it.each(PROPERTY_PROBLEMS)(
    'refuses %s at its path and changes nothing',
    async (_case, properties, path) => {
      // Prepare
      const contact = await create('contacts', { firstname: 'Stable' });
      // Act
      const response = await api.call('PATCH', `/objects/contacts/${contact.id}`, { body: { properties } });
      // Assess
      expectError(response, 400, 'VALIDATION_FAILED', [{ path }]);
      expect((await api.call('GET', `/objects/contacts/${contact.id}`)).json.version).toBe(1);
    },
  );

  it('answers 404 for an unknown id', async () => {
    // Act
    const response = await api.call('PATCH', '/objects/contacts/nope', {
      body: { properties: { firstname: 'X' } },
    });
    // Assess
    expectError(response, 404, 'NOT_FOUND');
  });

  it('refuses an unknown object type and a missing body at their paths', async () => {
    // Act
    const response = await api.call('PATCH', '/objects/planets/x1');
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'objectType' }, { path: 'body' }]);
  });

  it.each(UNAUTHORIZED_TOKENS)('answers 401 to %s and changes nothing', async (_case, token) => {
    // Prepare
    const contact = await create('contacts', { firstname: 'Kept' });
    // Act
    const response = await api.call('PATCH', `/objects/contacts/${contact.id}`, {
      body: { properties: { firstname: 'Changed' } },
      token,
    });
    // Assess
    expect(response.status).toBe(401);
    const read = await api.call('GET', `/objects/contacts/${contact.id}`);
    expect(read.json).toMatchObject({ version: 1, properties: { firstname: 'Kept' } });
  });

  it('answers 413 to a body over 1 MiB and changes nothing', async () => {
    // Prepare
    const contact = await create('contacts', { firstname: 'Small' });
    // Act
    const response = await api.call('PATCH', `/objects/contacts/${contact.id}`, {
      body: { properties: { firstname: 'x'.repeat(1024 * 1024) } },
    });
    // Assess
    expect(response.status).toBe(413);
    expect((await api.call('GET', `/objects/contacts/${contact.id}`)).json.version).toBe(1);
  });
});

describe('DELETE /objects/{objectType}/{id}', () => {
  it('deletes the record (204, no body), which is then 404 and out of the list, and frees its email', async () => {
    // Prepare
    const contact = await create('contacts', { email: 'leaving@example.com' });
    // Act
    const response = await api.call('DELETE', `/objects/contacts/${contact.id}`);
    // Assess
    expect(response.status).toBe(204);
    expect(response.json).toBeUndefined();
    expect((await api.call('GET', `/objects/contacts/${contact.id}`)).status).toBe(404);
    expect((await allRecords('contacts')).map((record) => record.id)).not.toContain(contact.id);
    expect((await api.call('DELETE', `/objects/contacts/${contact.id}`)).status).toBe(404);
    await create('contacts', { email: 'Leaving@example.com' });
  });

  it('answers 404 for an unknown id', async () => {
    // Act
    const response = await api.call('DELETE', '/objects/companies/nope');
    // Assess
    expectError(response, 404, 'NOT_FOUND');
  });

  it('refuses an unknown object type at objectType', async () => {
    // Act
    const response = await api.call('DELETE', '/objects/planets/x1');
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'objectType' }]);
  });

  it.each(UNAUTHORIZED_TOKENS)('answers 401 to %s and deletes nothing', async (_case, token) => {
    // Prepare
    const contact = await create('contacts', { firstname: 'Staying' });
    // Act
    const response = await api.call('DELETE', `/objects/contacts/${contact.id}`, { token });
    // Assess
    expect(response.status).toBe(401);
    expect((await api.call('GET', `/objects/contacts/${contact.id}`)).status).toBe(200);
  });
});

describe('GET /objects/{objectType}/{id}/workflow-history', () => {
  it('answers an empty page for a record no workflow has touched', async () => {
    // Prepare
    const contact = await create('contacts', { firstname: 'Historic' });
    // Act
    const response = await api.call('GET', `/objects/contacts/${contact.id}/workflow-history`);
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ results: [], nextCursor: null });
  });

  it("answers the record's lines across workflows, newest first, paged", async () => {
    // Prepare
    const contact = await create('contacts', { firstname: 'Enrolled' });
    const history = createDynamoDBHistoryRepository(DynamoDBDocumentClient.from(api.db.client), {
      tableName: api.db.tableName,
    });
    const line = (workflowId: string, at: string, event: 'enrolled' | 'completed') => ({
      at,
      workflowId,
      revision: 1,
      enrollmentId: `enr_${workflowId}`,
      recordId: contact.id,
      objectType: 'contacts',
      event,
      ...(event === 'enrolled' ? { reason: 'criteria' } : {}),
    });
    await history.append(line('wf_a', '2027-01-04T08:00:00.000Z', 'enrolled'));
    await history.append(line('wf_b', '2027-01-05T08:00:00.000Z', 'enrolled'));
    await history.append(line('wf_a', '2027-01-06T08:00:00.000Z', 'completed'));
    // Act
    const first = await api.call('GET', `/objects/contacts/${contact.id}/workflow-history`, {
      query: { limit: '2' },
    });
    const second = await api.call('GET', `/objects/contacts/${contact.id}/workflow-history`, {
      query: { limit: '2', cursor: first.json.nextCursor },
    });
    // Assess
    expect(first.status).toBe(200);
    expect(
      first.json.results.map((l: { workflowId: string; event: string }) => `${l.workflowId}:${l.event}`),
    ).toEqual(['wf_a:completed', 'wf_b:enrolled']);
    expect(second.json.results).toMatchObject([
      { workflowId: 'wf_a', event: 'enrolled', reason: 'criteria' },
    ]);
  });

  it('answers 404 for an unknown record', async () => {
    // Act
    const response = await api.call('GET', '/objects/contacts/nope/workflow-history');
    // Assess
    expectError(response, 404, 'NOT_FOUND');
  });

  it.each([
    ['an unknown object type', '/objects/planets/x1/workflow-history', {}, 'objectType'],
    ['limit=0', '/objects/contacts/x1/workflow-history', { limit: '0' }, 'limit'],
  ])('refuses %s at its path', async (_case, path, query, at) => {
    // Act
    const response = await api.call('GET', path, { query });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: at }]);
  });
});

describeWrongMethods(api, [
  ['PUT', '/objects/contacts', 'POST, GET'],
  ['PATCH', '/objects/contacts', 'POST, GET'],
  ['DELETE', '/objects/contacts', 'POST, GET'],
  ['PUT', '/objects/contacts/upsert', 'POST, GET, PATCH, DELETE'],
  ['PUT', '/objects/contacts/x1', 'GET, PATCH, DELETE'],
  ['POST', '/objects/contacts/x1/workflow-history', 'GET'],
]);
