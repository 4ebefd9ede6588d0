import { describe, expect, it } from 'vitest';
import { createRecord, expectError, useTestApi } from '../../../helpers/api-client.ts';

const api = useTestApi();

let sequence = 0;
/** A draft contacts workflow enrolling leads, created through the API. */
const draftWorkflow = async () => {
  const response = await api.call('POST', '/workflows', {
    body: {
      name: `Activate ${++sequence}`,
      objectType: 'contacts',
      enrollment: {
        trigger: 'criteria',
        criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }] }],
      },
      startActionId: null,
      actions: [],
    },
  });
  expect(response.status).toBe(201);
  return response.json.id as string;
};

describe('POST /workflows/{id}/activate', () => {
  it('activates (200) and enrolls the leads that exist (reason existing), then refuses a second activation (409)', async () => {
    // Prepare
    const id = await draftWorkflow();
    const ada = await createRecord(api, 'contacts', { email: 'ada@example.com', lifecyclestage: 'lead' });
    await createRecord(api, 'contacts', { email: 'bob@example.com', lifecyclestage: 'subscriber' });
    // Act
    const activated = await api.call('POST', `/workflows/${id}/activate`, { body: { enrollExisting: true } });
    const again = await api.call('POST', `/workflows/${id}/activate`, { body: { enrollExisting: false } });
    // Assess
    expect(activated.status).toBe(200);
    expect(activated.json).toEqual({
      workflow: expect.objectContaining({ id, status: 'active', activatedAt: api.clock.now().toISOString() }),
      enrollExisting: { matched: 1, enrolled: 1 },
    });
    expectError(again, 409, 'CONFLICT');
    const enrollments = await api.call('GET', `/workflows/${id}/enrollments`);
    expect(enrollments.json.results).toEqual([
      expect.objectContaining({ recordId: ada.id, status: 'active' }),
    ]);
    const history = await api.call('GET', `/workflows/${id}/history`);
    expect(history.json.results).toEqual([
      expect.objectContaining({ event: 'enrolled', reason: 'existing', recordId: ada.id }),
    ]);
  });

  it('answers 400 naming enrollExisting without it, and 404 for an unknown workflow', async () => {
    // Prepare
    const id = await draftWorkflow();
    // Act
    const missing = await api.call('POST', `/workflows/${id}/activate`, { body: {} });
    const unknown = await api.call('POST', '/workflows/wf_missing/activate', {
      body: { enrollExisting: false },
    });
    // Assess
    expectError(missing, 400, 'VALIDATION_FAILED');
    expect(missing.json.error.details.map((detail: { path: string }) => detail.path)).toContain(
      'enrollExisting',
    );
    expectError(unknown, 404, 'NOT_FOUND');
    expect((await api.call('GET', `/workflows/${id}`)).json.status).toBe('draft');
  });

  it('DELETE of an active workflow answers 409', async () => {
    // Prepare
    const id = await draftWorkflow();
    await api.call('POST', `/workflows/${id}/activate`, { body: { enrollExisting: false } });
    // Act
    const deleted = await api.call('DELETE', `/workflows/${id}`);
    // Assess
    expectError(deleted, 409, 'CONFLICT');
  });
});

describe('POST /workflows/{id}/deactivate', () => {
  it('deactivates (200, inactive) and unenrolls the enrolled records (workflow_deactivated); a draft is a 409', async () => {
    // Prepare
    const id = await draftWorkflow();
    const cy = await createRecord(api, 'contacts', { email: 'cy@example.com', lifecyclestage: 'lead' });
    await api.call('POST', `/workflows/${id}/activate`, { body: { enrollExisting: true } });
    const draft = await draftWorkflow();
    // Act
    const deactivated = await api.call('POST', `/workflows/${id}/deactivate`);
    const ofDraft = await api.call('POST', `/workflows/${draft}/deactivate`);
    // Assess
    expect(deactivated.status).toBe(200);
    expect(deactivated.json).toMatchObject({ id, status: 'inactive' });
    expectError(ofDraft, 409, 'CONFLICT');
    const ended = await api.call('GET', `/workflows/${id}/enrollments`, { query: { status: 'unenrolled' } });
    // Every lead of the shared table enrolled (earlier tests' too), and every one of them is unenrolled now.
    expect(ended.json.results.map((e: { recordId: string }) => e.recordId)).toContain(cy.id);
    expect(new Set(ended.json.results.map((e: { reason: string }) => e.reason))).toEqual(
      new Set(['workflow_deactivated']),
    );
    const active = await api.call('GET', `/workflows/${id}/enrollments`, { query: { status: 'active' } });
    expect(active.json.results).toEqual([]);
  });
});
