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
import { Crash, crashingClient } from '../../helpers/crashing-client.ts';

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

  it('notes an execution on the active enrollment only, and with an expected one only while it is still noted', async () => {
    // Prepare
    const recordId = freshRecord();
    await enrollments.start(starting(recordId));
    const ref = {
      workflowId: 'wf_1',
      objectType: 'contacts',
      recordId,
      enrollmentId: enrollmentId('wf_1', recordId, 1),
    };
    // Act
    const first = await enrollments.setExecution(ref, 'arn:c1', null);
    const again = await enrollments.setExecution(ref, 'arn:c1b', null);
    const moved = await enrollments.setExecution(ref, 'arn:c2', 'arn:c1');
    const stale = await enrollments.setExecution(ref, 'arn:c1', 'arn:c1');
    const unconditional = await enrollments.setExecution(ref, 'arn:c3');
    await enrollments.end(ending(recordId, ref.enrollmentId, 'unenrolled'));
    const ended = await enrollments.setExecution(ref, 'arn:c4');
    // Assess
    expect([first, again, moved, stale, unconditional, ended]).toEqual([
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
    expect((await enrollments.current('wf_1', 'contacts', recordId))?.executionArn).toBe('arn:c3');
  });

  it('moves the active enrollment to a later revision only, state and item, and keeps an ended one where it ended', async () => {
    // Prepare: started on revision 2
    const recordId = freshRecord();
    await enrollments.start(starting(recordId));
    const ref = {
      workflowId: 'wf_1',
      objectType: 'contacts',
      recordId,
      enrollmentId: enrollmentId('wf_1', recordId, 1),
    };
    // Act
    const forward = await enrollments.setRevision(ref, 3);
    const again = await enrollments.setRevision(ref, 3);
    const back = await enrollments.setRevision(ref, 2);
    const listed = await enrollments.page('wf_1', 'active', { limit: 100 });
    await enrollments.end(ending(recordId, ref.enrollmentId));
    const ended = await enrollments.setRevision(ref, 4);
    // Assess
    expect([forward, again, back, ended]).toEqual([true, false, false, false]);
    expect(listed.results.find((enrollment) => enrollment.id === ref.enrollmentId)?.revision).toBe(3);
    expect((await enrollments.current('wf_1', 'contacts', recordId))?.latest).toMatchObject({
      revision: 3,
      status: 'completed',
    });
    const completed = await enrollments.page('wf_1', 'completed', { limit: 100 });
    expect(completed.results.find((enrollment) => enrollment.id === ref.enrollmentId)?.revision).toBe(3);
  });

  it('notes where the active enrollment is on its item, and nothing once it has ended', async () => {
    // Prepare
    const recordId = freshRecord();
    await enrollments.start(starting(recordId));
    const ref = {
      workflowId: 'wf_1',
      objectType: 'contacts',
      recordId,
      enrollmentId: enrollmentId('wf_1', recordId, 1),
    };
    const listed = async (status: EnrollmentStatus) =>
      (await enrollments.page('wf_1', status, { limit: 100 })).results.find(
        (item) => item.id === ref.enrollmentId,
      );
    // Act
    await enrollments.setCurrentAction(ref, 'wait');
    await enrollments.setCurrentAction(ref, 'title');
    const active = await listed('active');
    await enrollments.end(ending(recordId, ref.enrollmentId));
    await enrollments.setCurrentAction(ref, 'late');
    const completed = await listed('completed');
    // Assess
    expect(active?.currentActionId).toBe('title');
    expect(completed).toBeDefined();
    expect(completed?.currentActionId).toBeUndefined();
  });

  it('ends the item of an older enrollment a crash left active once the state has moved on', async () => {
    // Prepare: the end of enrollment 1 dies after the state item and the counts, before the enrollment item.
    const recordId = freshRecord();
    await enrollments.start(starting(recordId));
    const first = enrollmentId('wf_1', recordId, 1);
    const dying = createDynamoDBEnrollmentRepository(crashingClient(db.client, 2).client, {
      tableName: db.tableName,
    });
    await expect(dying.end(ending(recordId, first))).rejects.toBeInstanceOf(Crash);
    await enrollments.start(starting(recordId, { trigger: 'second', enrolledBecause: 'reenrollment' }));
    const stillActive = (await enrollments.page('wf_1', 'active', { limit: 100 })).results.map((e) => e.id);
    // Act
    const ended = await enrollments.end(ending(recordId, first));
    // Assess
    expect(stillActive).toContain(first);
    expect(ended).toBe(true);
    const completed = await enrollments.page('wf_1', 'completed', { limit: 100 });
    expect(completed.results.find((enrollment) => enrollment.id === first)).toMatchObject({
      status: 'completed',
      count: 1,
    });
    const active = await enrollments.page('wf_1', 'active', { limit: 100 });
    expect(active.results.map((enrollment) => enrollment.id)).toContain(enrollmentId('wf_1', recordId, 2));
    expect(active.results.map((enrollment) => enrollment.id)).not.toContain(first);
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

describe('DynamoDB enrollment counts and retries', () => {
  let workflows = 0;
  /** A workflow of its own per test: the counts are per workflow. */
  const freshWorkflow = () => `wf_counts_${++workflows}`;
  const endIn = (workflowId: string, recordId: string, status: Exclude<EnrollmentStatus, 'active'>) => ({
    ...ending(recordId, enrollmentId(workflowId, recordId, 1), status),
    workflowId,
  });

  it('counts each start and end once: a replayed start and a repeated or concurrent end count nothing more', async () => {
    // Prepare
    const workflowId = freshWorkflow();
    const records = Array.from({ length: 12 }, freshRecord);
    // Act: 12 concurrent starts, each delivered twice.
    await Promise.all(records.map((recordId) => enrollments.start(starting(recordId, { workflowId }))));
    await Promise.all(records.map((recordId) => enrollments.start(starting(recordId, { workflowId }))));
    const [a, b, c, d, e] = records as [string, string, string, string, string];
    // Five concurrent ends of each of five enrollments, with different outcomes: the first written wins.
    const outcomes = ['completed', 'unenrolled', 'goal_met', 'failed', 'completed'] as const;
    await Promise.all(
      [a, b, c, d, e].flatMap((recordId, index) =>
        Array.from({ length: 5 }, () => enrollments.end(endIn(workflowId, recordId, outcomes[index]!))),
      ),
    );
    await enrollments.end(endIn(workflowId, a, 'failed'));
    // Assess
    expect(await enrollments.counts(workflowId)).toEqual({
      enrolled: 12,
      active: 7,
      completed: 2,
      unenrolled: 1,
      goal_met: 1,
      failed: 1,
    });
    expect(await enrollments.counts('wf_never')).toEqual({
      enrolled: 0,
      active: 0,
      completed: 0,
      unenrolled: 0,
      goal_met: 0,
      failed: 0,
    });
  });

  it('sets a failed enrollment back to active once, however many retries race, and counts it active again', async () => {
    // Prepare
    const workflowId = freshWorkflow();
    const recordId = freshRecord();
    await enrollments.start(starting(recordId, { workflowId }));
    const id = enrollmentId(workflowId, recordId, 1);
    await enrollments.end({
      ...endIn(workflowId, recordId, 'failed'),
      reason: 'Webhook.Rejected',
      failedActionId: 'a3',
    });
    const ref = { workflowId, objectType: 'contacts', recordId, enrollmentId: id };
    // Act
    const results = await Promise.all(Array.from({ length: 10 }, () => enrollments.retry(ref)));
    // Assess
    expect(results.filter((result) => result.retried)).toHaveLength(1);
    const retried = results.find((result) => result.retried);
    expect(retried?.retried && retried.enrollment).toMatchObject({
      id,
      status: 'active',
      retries: 1,
      retriedActionId: 'a3',
    });
    expect(retried?.retried && retried.enrollment.failedActionId).toBeUndefined();
    expect(results.find((result) => !result.retried)).toMatchObject({
      retried: false,
      current: { id, status: 'active', retries: 1 },
    });
    const current = await enrollments.current(workflowId, 'contacts', recordId);
    expect(enrollmentState(current)).toMatchObject({ status: 'enrolled', enrollmentId: id });
    expect((await enrollments.page(workflowId, 'active', { limit: 10 })).results).toEqual([
      expect.objectContaining({ id, status: 'active', retries: 1 }),
    ]);
    expect((await enrollments.page(workflowId, 'failed', { limit: 10 })).results).toEqual([]);
    expect(await enrollments.counts(workflowId)).toMatchObject({ enrolled: 1, active: 1, failed: 0 });
  });

  it('fails a retried enrollment again at another action, and retries it a second time from there', async () => {
    // Prepare
    const workflowId = freshWorkflow();
    const recordId = freshRecord();
    await enrollments.start(starting(recordId, { workflowId }));
    const id = enrollmentId(workflowId, recordId, 1);
    const ref = { workflowId, objectType: 'contacts', recordId, enrollmentId: id };
    await enrollments.end({ ...endIn(workflowId, recordId, 'failed'), failedActionId: 'a3' });
    await enrollments.retry(ref);
    // Act
    const notFailed = await enrollments.retry(ref);
    await enrollments.end({ ...endIn(workflowId, recordId, 'failed'), failedActionId: 'a5' });
    const failedAgain = (await enrollments.page(workflowId, 'failed', { limit: 10 })).results;
    const second = await enrollments.retry(ref);
    const unknown = await enrollments.retry({ ...ref, enrollmentId: enrollmentId(workflowId, recordId, 2) });
    // Assess
    expect(notFailed).toMatchObject({ retried: false, current: { status: 'active' } });
    expect(failedAgain).toEqual([
      expect.objectContaining({ id, status: 'failed', failedActionId: 'a5', retries: 1 }),
    ]);
    expect(second).toMatchObject({ retried: true, enrollment: { retries: 2, retriedActionId: 'a5' } });
    expect(unknown).toMatchObject({ retried: false, current: { id } });
    expect(await enrollments.counts(workflowId)).toMatchObject({ enrolled: 1, active: 1, failed: 0 });
  });
});
