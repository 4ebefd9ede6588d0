import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDBParkedExecutions } from '../../../shared/adapters/dynamodb/parked-executions.dynamodb.ts';
import type { ParkedExecution, ParkedExecutions } from '../../../shared/core/executions/parked-executions.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:crm-wf-wf_1-r1';

const parkedOf = (enrollmentId: string, dueAt: string, name = enrollmentId): ParkedExecution => ({
  name,
  stateMachineArn: SM,
  dueAt,
  input: {
    enrollment: {
      workflowId: 'wf_1',
      revision: 1,
      enrollmentId,
      recordId: `c_${enrollmentId}`,
      objectType: 'contacts',
    },
    runAt: dueAt,
    ...(name === enrollmentId ? {} : { resumeAt: 'tag' }),
  },
});

let db: LocalDynamoDB;
let store: ParkedExecutions;
beforeAll(async () => {
  db = await startLocalDynamoDB();
  store = createDynamoDBParkedExecutions(db.client, { tableName: db.tableName });
});
afterAll(async () => {
  await db.close();
});

describe('parked executions in DynamoDB', () => {
  it('answers the earliest due first across its partitions, at most the limit, none due later', async () => {
    // Prepare: 40 enrollments (spread over the 16 partitions), due a second apart in reverse order of their ids.
    for (let i = 0; i < 40; i++) {
      await store.park(parkedOf(`enr_due_${i}`, new Date(Date.UTC(2027, 0, 11, 8, 0, 40 - i)).toISOString()));
    }

    // Act
    const due = await store.due('2027-01-11T08:00:30.000Z', 10);

    // Assess
    expect(due.map((parked) => parked.name)).toEqual(
      Array.from({ length: 10 }, (_, k) => `enr_due_${39 - k}`),
    );
    expect(await store.due('2027-01-11T07:59:59.000Z', 10)).toEqual([]);
    expect(due[0]).toEqual(parkedOf('enr_due_39', '2027-01-11T08:00:01.000Z'));
  });

  it('forgets a named execution only while it is the one parked: a successor parked meanwhile stays', async () => {
    // Prepare: the first execution parked, then replaced by its successor.
    await store.park(parkedOf('enr_next', '2027-01-11T09:00:00.000Z'));
    await store.park(parkedOf('enr_next', '2027-01-18T09:00:00.000Z', 'enr_next-c1'));

    // Act
    await store.cancel('enr_next', 'enr_next');

    // Assess
    expect(await store.due('2027-01-18T09:00:00.000Z', 100)).toContainEqual(
      parkedOf('enr_next', '2027-01-18T09:00:00.000Z', 'enr_next-c1'),
    );
    await store.cancel('enr_next', 'enr_next-c1');
    await store.cancel('enr_next', 'enr_next-c1');
    const left = await store.due('2030-01-01T00:00:00.000Z', 100);
    expect(left.map((parked) => parked.input.enrollment.enrollmentId)).not.toContain('enr_next');
  });

  it('parks over an earlier execution of the enrollment, never over a later one (a late launch)', async () => {
    // Prepare: the successor c2 parked
    const c2 = parkedOf('enr_late', '2027-01-25T09:00:00.000Z', 'enr_late-c2');
    const first = await store.park(c2);
    // Act: c1 (earlier) comes late, then the same c2 again, then a retry's first execution (a later run)
    const late = await store.park(parkedOf('enr_late', '2027-01-18T09:00:00.000Z', 'enr_late-c1'));
    const again = await store.park(c2);
    const due = await store.due('2027-02-01T00:00:00.000Z', 100);
    const retry = await store.park(parkedOf('enr_late', '2027-02-08T09:00:00.000Z', 'enr_late-r1'));
    // Assess
    expect([first, late, again, retry]).toEqual([true, false, true, true]);
    expect(due.filter((parked) => parked.input.enrollment.enrollmentId === 'enr_late')).toEqual([c2]);
    const after = await store.due('2027-03-01T00:00:00.000Z', 100);
    expect(
      after.filter((parked) => parked.input.enrollment.enrollmentId === 'enr_late').map((p) => p.name),
    ).toEqual(['enr_late-r1']);
  });

  it('forgets whatever the enrollment has parked when no name is given (a stop)', async () => {
    await store.park(parkedOf('enr_stop', '2027-01-11T09:00:00.000Z', 'enr_stop-c2'));
    await store.cancel('enr_stop');
    const left = await store.due('2030-01-01T00:00:00.000Z', 100);
    expect(left.map((parked) => parked.input.enrollment.enrollmentId)).not.toContain('enr_stop');
  });
});
