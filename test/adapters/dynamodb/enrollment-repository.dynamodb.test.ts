import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDBEnrollmentRepository } from '../../../shared/adapters/dynamodb/enrollment-repository.dynamodb.ts';
import { enrollmentId } from '../../../shared/core/enrollment/enrollment-id.ts';
import {
  type EnrollmentRepository,
  type EnrollmentStatus,
  enrollmentState,
  type StartEnrollment,
} from '../../../shared/core/enrollment/enrollment-repository.ts';
import { ValidationError } from '../../../shared/core/errors/app-error.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';

let db: LocalDynamoDB;
let enrollments: EnrollmentRepository;
beforeAll(async () => {
  db = await startLocalDynamoDB();
  enrollments = createDynamoDBEnrollmentRepository(DynamoDBDocumentClient.from(db.client), {
    tableName: db.tableName,
  });
});
afterAll(async () => {
  await db.close();
});

let sequence = 0;
/** A fresh record per test: every test shares one table. */
const freshRecord = () => `c_${++sequence}`;

const starting = (recordId: string, extra: Partial<StartEnrollment> = {}): StartEnrollment => ({
  workflowId: 'wf_1',
  revision: 2,
  objectType: 'contacts',
  recordId,
  enrolledBecause: 'criteria',
  at: '2026-03-01T10:00:00.000Z',
  trigger: `contacts#${recordId}#1`,
  ...extra,
});

const ending = (recordId: string, id: string, status: Exclude<EnrollmentStatus, 'active'> = 'completed') => ({
  workflowId: 'wf_1',
  objectType: 'contacts',
  recordId,
  enrollmentId: id,
  status,
  at: '2026-03-02T10:00:00.000Z',
});

describe('DynamoDB enrollment repository', () => {
  it('starts an enrollment with a deterministic id and reads it as enrolled now', async () => {
    // Prepare
    const recordId = freshRecord();
    // Act
    const result = await enrollments.start(starting(recordId));
    const current = await enrollments.current('wf_1', 'contacts', recordId);
    // Assess
    expect(result).toMatchObject({
      started: true,
      replayed: false,
      enrollment: { id: enrollmentId('wf_1', recordId, 1), status: 'active', count: 1 },
    });
    expect(enrollmentState(current)).toEqual({
      status: 'enrolled',
      enrollmentId: enrollmentId('wf_1', recordId, 1),
      revision: 2,
      waitingActionIds: [],
    });
    expect(current?.trigger).toBe(`contacts#${recordId}#1`);
  });

  it('of 50 concurrent starts of one workflow and record, exactly one starts', async () => {
    // Prepare
    const recordId = freshRecord();
    // Act
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        enrollments.start(starting(recordId, { trigger: `t${index}` })),
      ),
    );
    // Assess
    const started = results.filter((result) => result.started);
    expect(started).toHaveLength(1);
    const id = started[0]?.started ? started[0].enrollment.id : undefined;
    for (const result of results.filter((each) => !each.started)) {
      expect(result.started ? undefined : result.active.id).toBe(id);
    }
    const page = await enrollments.page('wf_1', 'active', { limit: 100 });
    expect(page.results.filter((enrollment) => enrollment.recordId === recordId)).toHaveLength(1);
  });

  it('replays a redelivered trigger with the same id, even after the enrollment ended', async () => {
    // Prepare
    const recordId = freshRecord();
    const first = await enrollments.start(starting(recordId));
    // Act
    const again = await enrollments.start(starting(recordId));
    await enrollments.end(ending(recordId, enrollmentId('wf_1', recordId, 1)));
    const afterEnd = await enrollments.start(starting(recordId));
    // Assess
    expect(first.started && first.enrollment.id).toBe(enrollmentId('wf_1', recordId, 1));
    expect(again).toMatchObject({
      started: true,
      replayed: true,
      enrollment: { id: enrollmentId('wf_1', recordId, 1) },
    });
    expect(afterEnd).toMatchObject({ started: true, replayed: true, enrollment: { status: 'completed' } });
  });

  it('ends an enrollment once, then enrolls the record again with the next count', async () => {
    // Prepare
    const recordId = freshRecord();
    await enrollments.start(starting(recordId));
    const id = enrollmentId('wf_1', recordId, 1);
    // Act
    const ended = await enrollments.end({ ...ending(recordId, id, 'unenrolled'), reason: 'manual' });
    const endedAgain = await enrollments.end(ending(recordId, id, 'goal_met'));
    const next = await enrollments.start(
      starting(recordId, { trigger: 'second', enrolledBecause: 'reenrollment' }),
    );
    // Assess
    expect(ended).toBe(true);
    expect(endedAgain).toBe(false);
    expect(next).toMatchObject({
      started: true,
      enrollment: { id: enrollmentId('wf_1', recordId, 2), count: 2 },
    });
    const unenrolled = await enrollments.page('wf_1', 'unenrolled', { limit: 100 });
    expect(unenrolled.results.find((enrollment) => enrollment.id === id)).toEqual({
      id,
      workflowId: 'wf_1',
      revision: 2,
      objectType: 'contacts',
      recordId,
      count: 1,
      status: 'unenrolled',
      reason: 'manual',
      enrolledBecause: 'criteria',
      enrolledAt: '2026-03-01T10:00:00.000Z',
      endedAt: '2026-03-02T10:00:00.000Z',
    });
    expect(
      (await enrollments.page('wf_1', 'goal_met', { limit: 100 })).results.some((e) => e.id === id),
    ).toBe(false);
  });

  it('keeps a failed enrollment with the action it failed at', async () => {
    // Prepare
    const recordId = freshRecord();
    await enrollments.start(starting(recordId));
    const id = enrollmentId('wf_1', recordId, 1);
    // Act
    await enrollments.end({
      ...ending(recordId, id, 'failed'),
      reason: 'webhook rejected',
      failedActionId: 'a3',
    });
    // Assess
    const current = await enrollments.current('wf_1', 'contacts', recordId);
    expect(current?.latest).toMatchObject({
      status: 'failed',
      failedActionId: 'a3',
      reason: 'webhook rejected',
    });
    expect(enrollmentState(current)).toEqual({ status: 'ended' });
  });

  it('reads a record enrollments in every workflow and its event waits', async () => {
    // Prepare
    const recordId = freshRecord();
    await enrollments.start(starting(recordId));
    await enrollments.start(starting(recordId, { workflowId: 'wf_2' }));
    const ref = {
      workflowId: 'wf_1',
      objectType: 'contacts',
      recordId,
      enrollmentId: enrollmentId('wf_1', recordId, 1),
    };
    // Act
    await enrollments.setWaiting(ref, 'w1', true);
    await enrollments.setWaiting(ref, 'w2', true);
    await enrollments.setWaiting(ref, 'w2', false);
    const states = await enrollments.ofRecord('contacts', recordId);
    // Assess
    expect(Object.keys(states).sort()).toEqual(['wf_1', 'wf_2']);
    expect(states.wf_1?.waitingActionIds).toEqual(['w1']);
    expect(states.wf_2?.latest.id).toBe(enrollmentId('wf_2', recordId, 1));
  });

  it('pages a workflow enrollments of a status, newest first, and refuses a foreign cursor', async () => {
    // Prepare
    const workflowId = 'wf_paged';
    for (let day = 1; day <= 5; day += 1) {
      await enrollments.start(starting(freshRecord(), { workflowId, at: `2026-03-0${day}T00:00:00.000Z` }));
    }
    // Act
    const first = await enrollments.page(workflowId, 'active', { limit: 3 });
    const second = await enrollments.page(workflowId, 'active', {
      limit: 3,
      cursor: first.nextCursor as string,
    });
    const all = await enrollments.page(workflowId, undefined, { limit: 10 });
    // Assess
    expect(first.results.map((enrollment) => enrollment.enrolledAt.slice(0, 10))).toEqual([
      '2026-03-05',
      '2026-03-04',
      '2026-03-03',
    ]);
    expect(second.results.map((enrollment) => enrollment.enrolledAt.slice(0, 10))).toEqual([
      '2026-03-02',
      '2026-03-01',
    ]);
    expect(all.results).toHaveLength(5);
    await expect(
      enrollments.page('wf_other', 'active', { limit: 3, cursor: first.nextCursor as string }),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
