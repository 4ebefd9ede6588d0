import { describe, expect, it } from 'vitest';
import { enrollmentId } from '../../../../shared/core/enrollment/enrollment-id.ts';
import { createRecord, expectError, useTestApi } from '../../../helpers/api-client.ts';

const api = useTestApi();

let sequence = 0;
/** An active contacts workflow enrolling leads (set active through the repository, as activation will). */
const activeWorkflow = async (settings: Record<string, unknown> = {}) => {
  const response = await api.call('POST', '/workflows', {
    body: {
      name: `Leads ${++sequence}`,
      objectType: 'contacts',
      enrollment: {
        trigger: 'criteria',
        criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }] }],
      },
      startActionId: null,
      actions: [],
      settings,
    },
  });
  expect(response.status).toBe(201);
  const stored = await api.workflows.get(response.json.id);
  await api.workflows.setStatus(stored!, 'active', api.clock.now().toISOString());
  return response.json.id as string;
};

const contact = (email: string) => createRecord(api, 'contacts', { email });

describe('POST /workflows/{id}/enrollments', () => {
  it('enrolls a record by hand (201, criteria ignored), then answers 409 while it is enrolled', async () => {
    // Prepare
    const id = await activeWorkflow();
    const ada = await contact('ada@example.com');
    // Act
    const created = await api.call('POST', `/workflows/${id}/enrollments`, { body: { recordId: ada.id } });
    const again = await api.call('POST', `/workflows/${id}/enrollments`, { body: { recordId: ada.id } });
    // Assess
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: enrollmentId(id, ada.id, 1),
      recordId: ada.id,
      revision: 1,
      status: 'active',
      enrolledAt: api.clock.now().toISOString(),
    });
    expectError(again, 409, 'CONFLICT');
    expect(api.published.filter((event) => event.detail.recordId === ada.id)).toHaveLength(1);
  });

  it('answers 404 for an unknown workflow or record and 400 for a body without recordId', async () => {
    // Prepare
    const id = await activeWorkflow();
    const bob = await contact('bob@example.com');
    // Act
    const unknownWorkflow = await api.call('POST', '/workflows/wf_missing/enrollments', {
      body: { recordId: bob.id },
    });
    const unknownRecord = await api.call('POST', `/workflows/${id}/enrollments`, {
      body: { recordId: 'nope' },
    });
    const invalid = await api.call('POST', `/workflows/${id}/enrollments`, { body: { record: bob.id } });
    // Assess
    expectError(unknownWorkflow, 404, 'NOT_FOUND');
    expectError(unknownRecord, 404, 'NOT_FOUND');
    expectError(invalid, 400, 'VALIDATION_FAILED');
  });
});

describe('DELETE /workflows/{id}/enrollments/{recordId}', () => {
  it('unenrolls (204, reason manual), then answers 404; re-enrollment off refuses a new enrollment (409)', async () => {
    // Prepare
    const id = await activeWorkflow();
    const cy = await contact('cy@example.com');
    await api.call('POST', `/workflows/${id}/enrollments`, { body: { recordId: cy.id } });
    // Act
    const deleted = await api.call('DELETE', `/workflows/${id}/enrollments/${cy.id}`);
    const twice = await api.call('DELETE', `/workflows/${id}/enrollments/${cy.id}`);
    const again = await api.call('POST', `/workflows/${id}/enrollments`, { body: { recordId: cy.id } });
    // Assess
    expect(deleted.status).toBe(204);
    expectError(twice, 404, 'NOT_FOUND');
    expectError(again, 409, 'CONFLICT');
    const listed = await api.call('GET', `/workflows/${id}/enrollments`, { query: { status: 'unenrolled' } });
    expect(listed.json.results).toMatchObject([{ recordId: cy.id, status: 'unenrolled', reason: 'manual' }]);
  });
});

describe('GET /workflows/{id}/enrollments and /history', () => {
  it('lists enrollments by status and the history newest first, by record and event', async () => {
    // Prepare
    const id = await activeWorkflow();
    const [dee, eve] = [await contact('dee@example.com'), await contact('eve@example.com')];
    await api.call('POST', `/workflows/${id}/enrollments`, { body: { recordId: dee.id } });
    api.clock.advance(1_000);
    await api.call('POST', `/workflows/${id}/enrollments`, { body: { recordId: eve.id } });
    api.clock.advance(1_000);
    await api.call('DELETE', `/workflows/${id}/enrollments/${eve.id}`);
    // Act
    const active = await api.call('GET', `/workflows/${id}/enrollments`, { query: { status: 'active' } });
    const history = await api.call('GET', `/workflows/${id}/history`);
    const ofEve = await api.call('GET', `/workflows/${id}/history`, {
      query: { recordId: eve.id, event: 'unenrolled' },
    });
    const badStatus = await api.call('GET', `/workflows/${id}/enrollments`, {
      query: { status: 'sleeping' },
    });
    // Assess
    expect(active.json.results.map((e: { recordId: string }) => e.recordId)).toEqual([dee.id]);
    expect(
      history.json.results.map((line: { event: string; recordId: string }) => [line.event, line.recordId]),
    ).toEqual([
      ['unenrolled', eve.id],
      ['enrolled', eve.id],
      ['enrolled', dee.id],
    ]);
    expect(ofEve.json).toEqual({
      results: [expect.objectContaining({ event: 'unenrolled', reason: 'manual', recordId: eve.id })],
      nextCursor: null,
    });
    expectError(badStatus, 400, 'VALIDATION_FAILED', [{ path: 'status' }]);
  });

  it('answers 404 for an unknown workflow', async () => {
    // Act
    const enrollments = await api.call('GET', '/workflows/wf_missing/enrollments');
    const history = await api.call('GET', '/workflows/wf_missing/history');
    // Assess
    expectError(enrollments, 404, 'NOT_FOUND');
    expectError(history, 404, 'NOT_FOUND');
  });
});
