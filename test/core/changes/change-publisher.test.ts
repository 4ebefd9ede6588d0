import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDBRepositories, ensureTable } from '../../../shared/adapters/dynamodb/index.ts';
import { type OutgoingEvent, publishChanges } from '../../../shared/core/changes/change-publisher.ts';
import { createRecordServices } from '../../../shared/core/services/create-record-services.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';

let db: LocalDynamoDB;
beforeAll(async () => {
  db = await startLocalDynamoDB();
});
afterAll(async () => db.close());

/** A fresh table's worth of services (each test its own table, so feeds do not mix). */
const world = async (name: string) => {
  await ensureTable(db.client, name);
  const stores = createDynamoDBRepositories({ client: db.client, tableName: name });
  let tick = 0;
  const clock = { now: () => new Date(Date.UTC(2027, 0, 4, 8, 0, tick++)) };
  let ids = 0;
  const services = createRecordServices({ stores, clock, ids: () => `r${++ids}` });
  return { stores, ...services };
};

/** The bus as the publisher sees it: takes events, refuses the ones `refuse` says. */
const bus = (refuse: (event: OutgoingEvent) => boolean = () => false) => {
  const received: OutgoingEvent[] = [];
  const calls: number[] = [];
  const publish = async (events: readonly OutgoingEvent[]) => {
    calls.push(events.length);
    const refused: number[] = [];
    events.forEach((event, index) => {
      if (refuse(event)) refused.push(index);
      else received.push(event);
    });
    return refused;
  };
  return { received, calls, publish };
};

const versionsOf = (events: readonly OutgoingEvent[], id: string) =>
  events.flatMap((event) => {
    const detail = event.detail as { id: string; version: number };
    return detail.id === id ? [detail.version] : [];
  });

describe('publishChanges', () => {
  it('publishes every committed change once, as Record Changed, in version order per record', async () => {
    // Prepare
    const { records, stores } = await world('publish-order');
    const ada = await records.create('contacts', { email: 'ada@example.com' });
    const bob = await records.create('contacts', { email: 'bob@example.com' });
    for (let n = 0; n < 12; n++) await records.update('contacts', ada.id, { score: n });
    await records.update('contacts', bob.id, { firstname: 'Bob' });
    const target = bus();

    // Act
    const first = await publishChanges(stores.changeLog, target.publish, { pageSize: 5 });
    const second = await publishChanges(stores.changeLog, target.publish);

    // Assess
    expect(first).toEqual({ published: 15, refused: 0 });
    expect(second).toEqual({ published: 0, refused: 0 });
    expect(versionsOf(target.received, ada.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(versionsOf(target.received, bob.id)).toEqual([1, 2]);
    expect(target.received[0]).toMatchObject({
      source: 'crm.records',
      detailType: 'Record Changed',
      detail: { objectType: 'contacts', id: ada.id, change: 'created', version: 1, before: null },
    });
    expect(Math.max(...target.calls)).toBeLessThanOrEqual(10);
  });

  it('holds back the later changes of a record whose change the bus refused, and publishes them next time', async () => {
    // Prepare
    const { records, stores } = await world('publish-refused');
    const ada = await records.create('contacts', { email: 'ada@example.com' });
    await records.update('contacts', ada.id, { score: 1 });
    await records.update('contacts', ada.id, { score: 2 });
    const other = await records.create('contacts', { email: 'other@example.com' });
    let refuseOnce = true;
    const flaky = bus((event) => {
      const detail = event.detail as { id: string; version: number };
      if (detail.id === ada.id && detail.version === 2 && refuseOnce) {
        refuseOnce = false;
        return true;
      }
      return false;
    });

    // Act
    const first = await publishChanges(stores.changeLog, flaky.publish);
    const afterFirst = versionsOf(flaky.received, ada.id);
    const second = await publishChanges(stores.changeLog, flaky.publish);

    // Assess
    expect(first).toEqual({ published: 2, refused: 1 });
    expect(afterFirst).toEqual([1]);
    expect(versionsOf(flaky.received, other.id)).toEqual([1]);
    expect(second).toEqual({ published: 2, refused: 0 });
    expect(versionsOf(flaky.received, ada.id)).toEqual([1, 2, 3]);
  });

  it('leaves the feed as it was when the bus fails as a whole', async () => {
    // Prepare
    const { records, stores } = await world('publish-down');
    await records.create('contacts', { email: 'ada@example.com' });
    const down = async () => Promise.reject(new Error('bus unreachable'));
    const up = bus();

    // Act
    const failure = await publishChanges(stores.changeLog, down).catch((error: Error) => error.message);
    const retried = await publishChanges(stores.changeLog, up.publish);

    // Assess
    expect(failure).toBe('bus unreachable');
    expect(retried).toEqual({ published: 1, refused: 0 });
  });
});
