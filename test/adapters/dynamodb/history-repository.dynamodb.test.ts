import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDBHistoryRepository } from '../../../shared/adapters/dynamodb/history-repository.dynamodb.ts';
import type { HistoryLine, HistoryRepository } from '../../../shared/core/enrollment/history-repository.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';

let db: LocalDynamoDB;
let history: HistoryRepository;
beforeAll(async () => {
  db = await startLocalDynamoDB();
  history = createDynamoDBHistoryRepository(DynamoDBDocumentClient.from(db.client), {
    tableName: db.tableName,
  });
});
afterAll(async () => {
  await db.close();
});

const line = (minute: number, extra: Partial<HistoryLine> = {}): HistoryLine => ({
  at: `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
  workflowId: 'wf_1',
  revision: 1,
  enrollmentId: 'enr_1',
  recordId: 'c_1',
  objectType: 'contacts',
  event: 'action.completed',
  actionId: `a${minute}`,
  ...extra,
});

describe('DynamoDB history repository', () => {
  it('keeps one line when a retry appends it again, at the first instant and with the first details', async () => {
    // Prepare
    const first = line(0, { workflowId: 'wf_retry', event: 'action.scheduled', details: { runAt: 'x' } });
    // Act
    await history.append(first);
    await history.append({ ...first, at: '2026-03-01T11:00:00.000Z', details: { runAt: 'y' } });
    const page = await history.ofWorkflow('wf_retry', {}, { limit: 10 });
    // Assess
    expect(page.results).toEqual([first]);
  });

  it('keeps two skipped lines of two changes (no enrollment, other instants)', async () => {
    // Prepare
    const skipped = line(0, { workflowId: 'wf_skip', event: 'enrollment.skipped', reason: 'suppressed' });
    delete (skipped as { enrollmentId?: string }).enrollmentId;
    delete (skipped as { actionId?: string }).actionId;
    // Act
    await history.append(skipped);
    await history.append({ ...skipped, at: '2026-03-01T10:05:00.000Z' });
    await history.append({ ...skipped, at: '2026-03-01T10:05:00.000Z' });
    // Assess
    expect((await history.ofWorkflow('wf_skip', {}, { limit: 10 })).results.map((each) => each.at)).toEqual([
      '2026-03-01T10:05:00.000Z',
      '2026-03-01T10:00:00.000Z',
    ]);
  });

  it('reads a workflow newest first, by record and by event, page after page', async () => {
    // Prepare
    for (let minute = 1; minute <= 6; minute += 1) {
      await history.append(line(minute, { workflowId: 'wf_q', recordId: minute % 2 ? 'c_odd' : 'c_even' }));
    }
    await history.append(
      line(7, { workflowId: 'wf_q', recordId: 'c_odd', event: 'completed', actionId: undefined }),
    );
    // Act
    const first = await history.ofWorkflow('wf_q', {}, { limit: 4 });
    const second = await history.ofWorkflow('wf_q', {}, { limit: 4, cursor: first.nextCursor as string });
    const odd = await history.ofWorkflow('wf_q', { recordId: 'c_odd' }, { limit: 10 });
    const completed = await history.ofWorkflow('wf_q', { event: 'completed' }, { limit: 10 });
    const oddCompleted = await history.ofWorkflow(
      'wf_q',
      { recordId: 'c_odd', event: 'completed' },
      { limit: 10 },
    );
    // Assess
    expect([...first.results, ...second.results].map((each) => each.at.slice(14, 16))).toEqual([
      '07',
      '06',
      '05',
      '04',
      '03',
      '02',
      '01',
    ]);
    expect(second.nextCursor).toBeNull();
    expect(odd.results.map((each) => each.at.slice(14, 16))).toEqual(['07', '05', '03', '01']);
    expect(completed.results).toHaveLength(1);
    expect(oddCompleted.results.map((each) => each.event)).toEqual(['completed']);
  });

  it('reads a record across workflows, newest first', async () => {
    // Prepare
    await history.append(line(1, { workflowId: 'wf_x', recordId: 'c_across', objectType: 'deals' }));
    await history.append(line(2, { workflowId: 'wf_y', recordId: 'c_across', objectType: 'deals' }));
    await history.append(line(3, { workflowId: 'wf_y', recordId: 'c_across', objectType: 'contacts' }));
    // Act
    const page = await history.ofRecord('deals', 'c_across', { limit: 10 });
    // Assess
    expect(page.results.map((each) => each.workflowId)).toEqual(['wf_y', 'wf_x']);
  });
});
