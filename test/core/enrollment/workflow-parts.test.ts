import { describe, expect, it } from 'vitest';
import { enrollmentId } from '../../../shared/core/enrollment/enrollment-id.ts';
import { enrollmentState } from '../../../shared/core/enrollment/enrollment-repository.ts';
import { historyLineKey } from '../../../shared/core/enrollment/history-repository.ts';
import { WorkflowPartsCache } from '../../../shared/core/enrollment/workflow-parts.ts';
import { CUSTOMERS, workflow } from './enrollment-test-helpers.ts';

describe('WorkflowPartsCache', () => {
  it('keeps the same criteria objects for one workflow id and revision, new ones for a new revision', () => {
    // Prepare
    const cache = new WorkflowPartsCache();
    // Act: the repository parses a fresh object on every read
    const first = cache.get(workflow('wf_a'));
    const again = cache.get(workflow('wf_a'));
    const revised = cache.get(workflow('wf_a', { revision: 2, enrollment: { criteria: CUSTOMERS } }));
    // Assess
    expect(again).toBe(first);
    expect(again.criteria).toBe(first.criteria);
    expect(revised).not.toBe(first);
    expect(revised.criteria).toEqual(CUSTOMERS);
  });

  it('forgets the workflows of a type no longer live', () => {
    // Prepare
    const cache = new WorkflowPartsCache();
    const first = cache.get(workflow('wf_a'));
    // Act
    cache.retain([], 'contacts');
    // Assess
    expect(cache.get(workflow('wf_a'))).not.toBe(first);
  });
});

describe('enrollmentId', () => {
  it('is the same for the same workflow, record and count, and a valid execution name', () => {
    // Act
    const id = enrollmentId('wf_1', 'c_1', 1);
    // Assess
    expect(enrollmentId('wf_1', 'c_1', 1)).toBe(id);
    expect(id).toMatch(/^enr_[0-9a-f]{16}_1$/);
    expect(
      new Set([
        id,
        enrollmentId('wf_1', 'c_1', 2),
        enrollmentId('wf_1', 'c_2', 1),
        enrollmentId('wf_2', 'c_1', 1),
      ]).size,
    ).toBe(4);
    expect(() => enrollmentId('wf_1', 'c_1', 0)).toThrow(RangeError);
  });
});

describe('enrollmentState', () => {
  const latest = {
    id: 'enr_1',
    workflowId: 'wf_1',
    revision: 3,
    objectType: 'contacts',
    recordId: 'c_1',
    count: 1,
    enrolledBecause: 'criteria',
    enrolledAt: '2026-03-01T00:00:00.000Z',
  };
  it.each([
    ['never enrolled', undefined, { status: 'none' }],
    [
      'enrolled now',
      { status: 'active' as const },
      { status: 'enrolled', enrollmentId: 'enr_1', revision: 3, waitingActionIds: ['w1'] },
    ],
    ['ended', { status: 'completed' as const }, { status: 'ended' }],
  ])('%s', (_name, status, expected) => {
    // Act
    const state = enrollmentState(
      status && {
        workflowId: 'wf_1',
        objectType: 'contacts',
        recordId: 'c_1',
        count: 1,
        latest: { ...latest, ...status },
        waitingActionIds: ['w1'],
      },
    );
    // Assess
    expect(state).toEqual(expected);
  });
});

describe('historyLineKey', () => {
  const line = {
    at: '2026-03-01T00:00:00.000Z',
    workflowId: 'wf_1',
    revision: 1,
    recordId: 'c_1',
    objectType: 'contacts',
  };
  it('keys an enrollment line without its instant, a line without enrollment with it', () => {
    // Act
    const enrolledLine = { ...line, enrollmentId: 'enr_1', event: 'enrolled' as const, reason: 'criteria' };
    const skipped = { ...line, event: 'enrollment.skipped' as const, reason: 'suppressed' };
    // Assess
    expect(historyLineKey({ ...enrolledLine, at: '2026-03-02T00:00:00.000Z' })).toBe(
      historyLineKey(enrolledLine),
    );
    expect(historyLineKey({ ...skipped, at: '2026-03-02T00:00:00.000Z' })).not.toBe(historyLineKey(skipped));
    expect(historyLineKey({ ...enrolledLine, event: 'completed' })).not.toBe(historyLineKey(enrolledLine));
  });
});
