import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, startTestApi, type TestApi } from '../../../helpers/api-client.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

const ids = (json: { results: { id: string }[] }) => json.results.map((template) => template.id);

const UNAUTHORIZED = [
  ['no token', null],
  ['a wrong token', 'not-the-token'],
] as const;

describe('GET /templates', () => {
  it('lists every template as a summary', async () => {
    // Act
    const response = await api.call('GET', '/templates');
    // Assess
    expect(response.status).toBe(200);
    expect(response.json.results.length).toBeGreaterThanOrEqual(7);
    expect(response.json.results[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      description: expect.any(String),
      objectType: expect.any(String),
      tags: expect.any(Array),
    });
  });

  it.each([
    ['an object type', { objectType: 'deals' }, ['deal-closed-won-handoff', 'deal-renewal-reminder']],
    [
      'words of a tag, whatever their case',
      { q: 'DATE-centered' },
      ['contact-birthday-greeting', 'deal-renewal-reminder'],
    ],
    ['words of a name', { q: 'escalate' }, ['ticket-high-priority-escalation']],
    ['both', { objectType: 'contacts', q: 'birthday' }, ['contact-birthday-greeting']],
    ['words nothing holds', { q: 'zeppelin' }, []],
  ])('filters by %s', async (_case, query, expected) => {
    // Act
    const response = await api.call('GET', '/templates', { query });
    // Assess
    expect(response.status).toBe(200);
    expect(ids(response.json)).toEqual(expected);
  });

  it.each([
    ['an object type never enrolled', { objectType: 'tasks' }, 'objectType'],
    ['an unknown object type', { objectType: 'planets' }, 'objectType'],
    ['a search over 200 characters', { q: 'q'.repeat(201) }, 'q'],
    ['an unknown parameter', { limit: '5' }, 'limit'],
  ])('refuses %s at its path', async (_case, query, path) => {
    // Act
    const response = await api.call('GET', '/templates', { query });
    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject(apiError('VALIDATION_FAILED', [{ path }]));
  });

  it.each(UNAUTHORIZED)('answers 401 to %s', async (_case, token) => {
    // Act
    const response = await api.call('GET', '/templates', { token });
    // Assess
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject(apiError('UNAUTHORIZED'));
  });

  it('answers POST with 405', async () => {
    // Act
    const response = await api.call('POST', '/templates', { body: {} });
    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.Allow).toBe('GET');
  });
});

describe('GET /templates/{id}', () => {
  it('returns the template with its full workflow', async () => {
    // Act
    const response = await api.call('GET', '/templates/quote-expiry-reminder');
    // Assess
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      id: 'quote-expiry-reminder',
      objectType: 'quotes',
      workflow: { objectType: 'quotes', startActionId: expect.any(String), actions: expect.any(Array) },
    });
  });

  it('answers 404 for an unknown template', async () => {
    // Act
    const response = await api.call('GET', '/templates/no-such-template');
    // Assess
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject(apiError('NOT_FOUND'));
  });

  it('refuses an id over 256 characters at id', async () => {
    // Act
    const response = await api.call('GET', `/templates/${'t'.repeat(257)}`);
    // Assess
    expect(response.status).toBe(400);
    expect(response.json).toMatchObject(apiError('VALIDATION_FAILED', [{ path: 'id' }]));
  });

  it.each(UNAUTHORIZED)('answers 401 to %s', async (_case, token) => {
    // Act
    const response = await api.call('GET', '/templates/quote-expiry-reminder', { token });
    // Assess
    expect(response.status).toBe(401);
    expect(JSON.stringify(response.json)).not.toContain('actions');
  });

  it.each(['PUT', 'DELETE'])('answers %s with 405', async (method) => {
    // Act
    const response = await api.call(method, '/templates/quote-expiry-reminder');
    // Assess
    expect(response.status).toBe(405);
    expect(response.headers.Allow).toBe('GET');
  });
});
