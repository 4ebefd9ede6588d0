import { describe, expect, it } from 'vitest';
import { createDynamoDBEnrollmentRepository } from '../../../../shared/adapters/dynamodb/enrollment-repository.dynamodb.ts';
import { toDocumentClient } from '../../../../shared/adapters/dynamodb/index.ts';
import { enrollmentId } from '../../../../shared/core/enrollment/enrollment-id.ts';
import type { Enrollment } from '../../../../shared/core/enrollment/enrollment-repository.ts';
import { executionName } from '../../../../shared/core/executions/executions.ts';
import { createRecord, expectError, useTestApi } from '../../../helpers/api-client.ts';

/** Every retry the enrollment engine asked the execution side for, with the execution it names. */
const retries: { enrollment: Enrollment; actionId: string; execution: string }[] = [];
const api = useTestApi({
  executions: {
    retryExecution: async (enrollment, actionId) => {
      retries.push({ enrollment, actionId, execution: executionName(enrollment.id, 0, enrollment.retries) });
    },
  },
});

let sequence = 0;
/** An active contacts workflow whose webhook may fail and stop the enrollment. */
const activeWorkflow = async (): Promise<string> => {
  const response = await api.call('POST', '/workflows', {
    body: {
      name: `Retry ${++sequence}`,
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId: 'hook',
      actions: [
        { id: 'hook', type: 'webhook', url: 'https://hooks.example/crm', onError: 'stop', next: 'note' },
        { id: 'note', type: 'sendNotification', message: 'done', next: null },
      ],
    },
  });
  expect(response.status, JSON.stringify(response.json)).toBe(201);
  const stored = await api.workflows.get(response.json.id);
  await api.workflows.setStatus(stored!, 'active', api.clock.now().toISOString());
  return response.json.id as string;
};

/** A contact enrolled by hand in `workflowId` (its enrollment active). */
const enrolledContact = async (workflowId: string): Promise<string> => {
  const record = await createRecord(api, 'contacts', { email: `r${++sequence}@retry.example` });
  const enrolled = await api.call('POST', `/workflows/${workflowId}/enrollments`, {
    body: { recordId: record.id },
  });
  expect(enrolled.status).toBe(201);
  return record.id;
};

/** Ends the record's enrollment as the executor does when an action fails with `onError: stop`. */
const fail = (workflowId: string, recordId: string, actionId = 'hook') =>
  createDynamoDBEnrollmentRepository(toDocumentClient(api.db.client), { tableName: api.db.tableName }).end({
    workflowId,
    objectType: 'contacts',
    recordId,
    enrollmentId: enrollmentId(workflowId, recordId, 1),
    status: 'failed',
    reason: 'Webhook.Rejected',
    failedActionId: actionId,
    at: api.clock.now().toISOString(),
  });

/** The workflow's one enrollment counts as active again, no longer as failed. */
const expectRetriedOnce = async (workflowId: string) => {
  const stats = await api.call('GET', `/workflows/${workflowId}/stats`);
  expect(stats.json).toMatchObject({ enrolled: 1, active: 1, failed: 0 });
};

const retry = (workflowId: string, recordId: string) =>
  api.call('POST', `/workflows/${workflowId}/enrollments/${recordId}/retry`);

describe('POST /workflows/{id}/enrollments/{recordId}/retry', () => {
  it('resumes a failed enrollment at its failed action: active again, an enrolled line (retry), one execution -r1', async () => {
    // Prepare
    const id = await activeWorkflow();
    const recordId = await enrolledContact(id);
    await fail(id, recordId);
    api.clock.advance(60_000);
    const since = retries.length;
    // Act
    const response = await retry(id, recordId);
    // Assess
    const enrollment = enrollmentId(id, recordId, 1);
    expect(response.status).toBe(202);
    expect(response.json).toEqual({
      id: enrollment,
      recordId,
      revision: 1,
      status: 'active',
      enrolledAt: expect.any(String),
      currentActionId: 'hook',
    });
    expect(retries.slice(since)).toEqual([
      {
        enrollment: expect.objectContaining({
          id: enrollment,
          status: 'active',
          retries: 1,
          retriedActionId: 'hook',
        }),
        actionId: 'hook',
        execution: `${enrollment}-r1`,
      },
    ]);
    const history = await api.call('GET', `/workflows/${id}/history`, {
      query: { recordId, event: 'enrolled' },
    });
    expect(history.json.results).toEqual([
      expect.objectContaining({
        event: 'enrolled',
        reason: 'retry',
        actionId: 'hook',
        retry: 1,
        enrollmentId: enrollment,
        at: api.clock.now().toISOString(),
      }),
      expect.objectContaining({ event: 'enrolled', reason: 'manual' }),
    ]);
    const active = await api.call('GET', `/workflows/${id}/enrollments`, { query: { status: 'active' } });
    expect(active.json.results).toMatchObject([{ id: enrollment, status: 'active' }]);
    await expectRetriedOnce(id);
  });

  it('retried again, or by several requests at once, names the same execution and writes one line', async () => {
    // Prepare
    const id = await activeWorkflow();
    const recordId = await enrolledContact(id);
    await fail(id, recordId);
    const since = retries.length;
    // Act
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => retry(id, recordId)));
    const later = await retry(id, recordId);
    // Assess
    expect([...concurrent, later].map((response) => response.status)).toEqual([202, 202, 202, 202, 202, 202]);
    const executions = new Set(retries.slice(since).map((call) => call.execution));
    expect([...executions]).toEqual([`${enrollmentId(id, recordId, 1)}-r1`]);
    const lines = await api.call('GET', `/workflows/${id}/history`, {
      query: { recordId, event: 'enrolled' },
    });
    expect(lines.json.results.filter((line: { reason: string }) => line.reason === 'retry')).toHaveLength(1);
    await expectRetriedOnce(id);
  });

  it('after a second failure at a later action, resumes there as the second retry', async () => {
    // Prepare
    const id = await activeWorkflow();
    const recordId = await enrolledContact(id);
    await fail(id, recordId, 'hook');
    await retry(id, recordId);
    await fail(id, recordId, 'note');
    const since = retries.length;
    // Act
    const response = await retry(id, recordId);
    // Assess
    expect(response).toMatchObject({ status: 202, json: { currentActionId: 'note' } });
    expect(retries.slice(since)).toMatchObject([
      { actionId: 'note', execution: `${enrollmentId(id, recordId, 1)}-r2` },
    ]);
  });

  it('answers 409 for a record with no failed enrollment or a workflow that is not active, 404 for unknown ids', async () => {
    // Prepare
    const id = await activeWorkflow();
    const running = await enrolledContact(id);
    const stranger = (await createRecord(api, 'contacts', { email: 'stranger@retry.example' })).id;
    const done = await enrolledContact(id);
    await api.call('DELETE', `/workflows/${id}/enrollments/${done}`);
    const draft = await api.call('POST', '/workflows', {
      body: {
        name: 'Draft',
        objectType: 'contacts',
        enrollment: { trigger: 'manual' },
        startActionId: null,
        actions: [],
      },
    });
    const since = retries.length;
    // Act
    const active = await retry(id, running);
    const never = await retry(id, stranger);
    const unenrolled = await retry(id, done);
    const notActive = await retry(draft.json.id, stranger);
    const unknownWorkflow = await retry('wf_missing', stranger);
    const unknownRecord = await retry(id, 'nobody');
    // Assess
    expectError(active, 409, 'CONFLICT');
    expectError(never, 409, 'CONFLICT');
    expectError(unenrolled, 409, 'CONFLICT');
    expectError(notActive, 409, 'CONFLICT');
    expectError(unknownWorkflow, 404, 'NOT_FOUND');
    expectError(unknownRecord, 404, 'NOT_FOUND');
    expect(retries.slice(since)).toEqual([]);
  });
});
