import { describe, expect, it } from 'vitest';
import { createDynamoDBRepositories } from '../../../../shared/adapters/dynamodb/index.ts';
import type { PropertyDefinition } from '../../../../shared/core/records/property.schema.ts';
import {
  createRecord,
  describeWrongMethods,
  expectError,
  UNAUTHORIZED_TOKENS,
  useTestApi,
} from '../../../helpers/api-client.ts';

const api = useTestApi();

const names = (json: { results: { name: string }[] }) => json.results.map((property) => property.name);

describe('GET /properties/{objectType}', () => {
  it('lists the built-in definitions of the type first', async () => {
    // Act
    const response = await api.call('GET', '/properties/companies');
    // Assess
    expect(response.status).toBe(200);
    expect(names(response.json).slice(0, 2)).toEqual(['name', 'domain']);
    expect(response.json.results[1]).toEqual({
      name: 'domain',
      label: 'Domain',
      type: 'string',
      unique: true,
    });
  });

  it('refuses an unknown object type at objectType', async () => {
    // Act
    const response = await api.call('GET', '/properties/planets');
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'objectType' }]);
  });
});

describe('POST /properties/{objectType}', () => {
  it('adds a custom definition (label defaulting to the name) that GET then lists after the built-ins', async () => {
    // Prepare
    const body = { name: 'plan', type: 'enumeration', options: ['free', 'pro'] };
    // Act
    const created = await api.call('POST', '/properties/contacts', { body });
    const listed = await api.call('GET', '/properties/contacts');
    // Assess
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ ...body, label: 'plan' });
    expect(names(listed.json).at(-1)).toBe('plan');
    expect(names(listed.json).indexOf('email')).toBe(0);
  });

  it.each([
    ['a custom one', 'seats', 'deals'],
    ['a built-in one', 'email', 'contacts'],
  ])('answers 409 when the name exists (%s)', async (_case, name, objectType) => {
    // Prepare
    await api.call('POST', `/properties/${objectType}`, { body: { name: 'seats', type: 'number' } });
    // Act
    const response = await api.call('POST', `/properties/${objectType}`, { body: { name, type: 'string' } });
    // Assess
    expectError(response, 409, 'CONFLICT');
  });

  it('keeps the same name apart per object type', async () => {
    // Act
    const response = await api.call('POST', '/properties/tickets', {
      body: { name: 'seats', type: 'number' },
    });
    // Assess
    expect(response.status).toBe(201);
  });

  it.each([
    ['a name that starts with a digit', { name: '1plan', type: 'string' }, ['name']],
    ['a name with a dot', { name: 'company.plan', type: 'string' }, ['name']],
    ['no name', { type: 'string' }, ['name']],
    ['an unknown type', { name: 'colour', type: 'colour' }, ['type']],
    ['an enumeration without options', { name: 'tier', type: 'enumeration' }, ['options']],
    ['options on a string', { name: 'tier', type: 'string', options: ['a'] }, ['options']],
    [
      'options repeating a value in another case',
      { name: 'tier', type: 'enumeration', options: ['Gold', 'gold'] },
      ['options[1]'],
    ],
    ['an empty label', { name: 'tier', type: 'string', label: '' }, ['label']],
    ['unique set by the caller', { name: 'tier', type: 'string', unique: true }, ['unique']],
    ['readOnly set by the caller', { name: 'tier', type: 'string', readOnly: true }, ['readOnly']],
    ['an unknown field', { name: 'tier', type: 'string', colour: 'red' }, ['colour']],
  ])('refuses %s at its path', async (_case, body, paths) => {
    // Act
    const response = await api.call('POST', '/properties/companies', { body });
    const listed = await api.call('GET', '/properties/companies');
    // Assess
    expectError(
      response,
      400,
      'VALIDATION_FAILED',
      paths.map((path) => ({ path })),
    );
    expect(names(listed.json)).not.toContain('tier');
  });

  it.each([
    ['no body', undefined],
    ['a body that is not JSON', '{"name": '],
    ['a body that is a list', [{ name: 'tier', type: 'string' }]],
  ])('refuses %s at body', async (_case, body) => {
    // Act
    const response = await api.call('POST', '/properties/companies', { body });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'body' }]);
  });

  it('refuses an unknown object type at objectType', async () => {
    // Act
    const response = await api.call('POST', '/properties/planets', { body: { name: 'x', type: 'string' } });
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'objectType' }]);
  });

  it.each(UNAUTHORIZED_TOKENS)('answers 401 to %s and adds nothing', async (_case, token) => {
    // Act
    const response = await api.call('POST', '/properties/quotes', {
      body: { name: 'secret', type: 'string' },
      token,
    });
    const listed = await api.call('GET', '/properties/quotes');
    // Assess
    expectError(response, 401, 'UNAUTHORIZED');
    expect(names(listed.json)).not.toContain('secret');
  });

  it('answers 413 to a body over 1 MiB and adds nothing', async () => {
    // Act
    const response = await api.call('POST', '/properties/quotes', {
      body: { name: 'huge', type: 'string', label: 'x'.repeat(1024 * 1024) },
    });
    const listed = await api.call('GET', '/properties/quotes');
    // Assess
    expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(names(listed.json)).not.toContain('huge');
  });
});

describe('a stored property whose options repeat a value (stored before POST refused them)', () => {
  it('is listed, and workflows and records using it are created, edited and activated', async () => {
    // Prepare
    const stores = createDynamoDBRepositories({ client: api.db.client, tableName: api.db.tableName });
    const tier: PropertyDefinition = {
      name: 'tier',
      label: 'Tier',
      type: 'enumeration',
      options: ['Gold', 'gold'],
    };
    const stored = await stores.properties.create('deals', tier);
    const workflow = {
      name: 'Gold deals',
      objectType: 'deals',
      enrollment: {
        trigger: 'criteria',
        criteria: [{ filters: [{ property: 'tier', operator: 'eq', value: 'gold' }] }],
      },
      startActionId: 'by-tier',
      actions: [
        { id: 'by-tier', type: 'valueBranch', property: 'tier', cases: [{ value: 'Gold', next: 'set' }] },
        { id: 'set', type: 'setProperty', property: 'tier', value: 'gold', next: null },
      ],
    };
    const deal = await createRecord(api, 'deals', { dealname: 'Big', tier: 'gold' });
    // Act
    const listed = await api.call('GET', '/properties/deals');
    const created = await api.call('POST', '/workflows', { body: workflow });
    const edited = await api.call('PUT', `/workflows/${created.json.id}`, {
      body: { ...created.json, name: 'Gold deals, edited' },
    });
    const activated = await api.call('POST', `/workflows/${created.json.id}/activate`, {
      body: { enrollExisting: true },
    });
    // Assess
    expect(stored).toBe(true);
    expect(listed.json.results.find((property: { name: string }) => property.name === 'tier')).toEqual(tier);
    expect(deal.properties.tier).toBe('gold');
    expect(created.status).toBe(201);
    expect(edited.status).toBe(200);
    expect(activated.status).toBe(200);
    expect(activated.json.enrollExisting).toEqual({ matched: 1, enrolled: 1 });
  });
});

describeWrongMethods(api, [
  ['PUT', '/properties/contacts', 'GET, POST'],
  ['PATCH', '/properties/contacts', 'GET, POST'],
  ['DELETE', '/properties/contacts', 'GET, POST'],
]);
