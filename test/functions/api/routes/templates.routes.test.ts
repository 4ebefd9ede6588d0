import { describe, expect, it } from 'vitest';
import { describeWrongMethods, expectError, useTestApi } from '../../../helpers/api-client.ts';

const api = useTestApi();

const ids = (json: { results: { id: string }[] }) => json.results.map((template) => template.id);

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
    expectError(response, 400, 'VALIDATION_FAILED', [{ path }]);
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
    expectError(response, 404, 'NOT_FOUND');
  });

  it('refuses an id over 256 characters at id', async () => {
    // Act
    const response = await api.call('GET', `/templates/${'t'.repeat(257)}`);
    // Assess
    expectError(response, 400, 'VALIDATION_FAILED', [{ path: 'id' }]);
  });
});

describeWrongMethods(api, [
  ['POST', '/templates', 'GET'],
  ['PUT', '/templates/quote-expiry-reminder', 'GET'],
  ['DELETE', '/templates/quote-expiry-reminder', 'GET'],
]);
