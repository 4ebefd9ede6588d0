import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDynamoDBOutbox,
  type DynamoDBOutbox,
} from '../../../shared/adapters/dynamodb/outbox.dynamodb.ts';
import { ValidationError } from '../../../shared/core/errors/app-error.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { ENROLLMENT } from '../../helpers/outside-world.ts';

let now = Date.parse('2026-03-01T10:00:00.000Z');
const clock = { now: () => new Date(now) };
const tick = () => {
  now += 60_000;
};

let db: LocalDynamoDB;
let outbox: DynamoDBOutbox;
beforeAll(async () => {
  db = await startLocalDynamoDB();
  outbox = createDynamoDBOutbox(db.client, { tableName: db.tableName, clock });
});
afterAll(async () => {
  await db.close();
});

describe('DynamoDB outbox', () => {
  it('keeps an email and a notification, newest first, with their enrollment and key', async () => {
    // Act
    await outbox.mailer.send({
      to: 'ada@example.com',
      subject: 'Welcome',
      body: 'Hello Ada',
      enrollment: ENROLLMENT,
      key: 'enr_0123456789abcdef_1:welcome:0',
    });
    tick();
    await outbox.notifier.send({
      message: 'Ada signed up',
      recipients: ['u_1'],
      enrollment: ENROLLMENT,
      key: 'enr_0123456789abcdef_1:notify:0',
    });
    const page = await outbox.list({ limit: 10 });
    // Assess
    expect(page.nextCursor).toBeNull();
    expect(page.results).toEqual([
      {
        id: expect.stringMatching(/^out_[0-9a-f]{24}$/),
        kind: 'notification',
        at: '2026-03-01T10:01:00.000Z',
        message: 'Ada signed up',
        recipients: ['u_1'],
        workflowId: 'wf_1',
        enrollmentId: 'enr_0123456789abcdef_1',
        recordId: 'c_1',
        key: 'enr_0123456789abcdef_1:notify:0',
      },
      {
        id: expect.stringMatching(/^out_[0-9a-f]{24}$/),
        kind: 'email',
        at: '2026-03-01T10:00:00.000Z',
        to: 'ada@example.com',
        subject: 'Welcome',
        body: 'Hello Ada',
        workflowId: 'wf_1',
        enrollmentId: 'enr_0123456789abcdef_1',
        recordId: 'c_1',
        key: 'enr_0123456789abcdef_1:welcome:0',
      },
    ]);
    expect(page.results[0]?.id).not.toBe(page.results[1]?.id);
  });

  it('keeps one entry, the first, when a retry sends the same key again', async () => {
    // Prepare
    const email = {
      to: 'bo@example.com',
      subject: 'Hi',
      body: 'first',
      enrollment: ENROLLMENT,
      key: 'k:retry:0',
    };
    tick();
    await outbox.mailer.send(email);
    const first = (await outbox.list({ limit: 1 })).results[0];
    // Act
    tick();
    await outbox.mailer.send({ ...email, body: 'second' });
    const entries = (await outbox.list({ limit: 100 })).results.filter((entry) => entry.key === 'k:retry:0');
    // Assess
    expect(entries).toEqual([first]);
    expect(first).toMatchObject({ body: 'first', at: '2026-03-01T10:02:00.000Z' });
  });

  it('pages through the entries newest first, those of one instant by key', async () => {
    // Prepare
    tick();
    for (const index of [1, 2, 3, 4, 5]) {
      await outbox.notifier.send({
        message: `m${index}`,
        recipients: [],
        enrollment: ENROLLMENT,
        key: `k:page:${index}`,
      });
    }
    // Act
    const first = await outbox.list({ limit: 3 });
    const second = await outbox.list({ limit: 3, cursor: first.nextCursor as string });
    // Assess
    expect(first.results.map((entry) => entry.key)).toEqual(['k:page:5', 'k:page:4', 'k:page:3']);
    expect(first.nextCursor).not.toBeNull();
    expect(second.results.map((entry) => entry.key).slice(0, 2)).toEqual(['k:page:2', 'k:page:1']);
    expect(second.results[0]?.recipients).toEqual([]);
  });

  it('refuses a cursor of another list', async () => {
    const cursor = Buffer.from(JSON.stringify({ gsi1pk: 'LISTS', gsi1sk: 'x' })).toString('base64url');
    await expect(outbox.list({ limit: 3, cursor })).rejects.toBeInstanceOf(ValidationError);
  });
});
