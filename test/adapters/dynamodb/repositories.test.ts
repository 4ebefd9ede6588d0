import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDBRepositories } from '../../../shared/adapters/dynamodb/index.ts';
import type { CrmRecord } from '../../../shared/core/records/record.schema.ts';
import type { RecordChange } from '../../../shared/core/records/record-change.ts';
import type { RecordStores } from '../../../shared/core/services/record-stores.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';

let db: LocalDynamoDB;
let stores: RecordStores;
beforeAll(async () => {
  db = await startLocalDynamoDB({ tableName: 'repositories' });
  stores = createDynamoDBRepositories({ client: db.client, tableName: db.tableName });
});
afterAll(async () => {
  await db.close();
});

const recordAt = (id: string, version: number): CrmRecord => ({
  id,
  objectType: 'deals',
  properties: { dealname: `v${version}` },
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
  version,
});
const changeOf = (record: CrmRecord): RecordChange => ({
  objectType: record.objectType,
  id: record.id,
  change: record.version === 1 ? 'created' : 'updated',
  version: record.version,
  before: null,
  after: { properties: record.properties },
  changedProperties: ['dealname'],
  at: `2026-03-01T09:00:0${record.version}.000Z`,
});

describe('DynamoDBRecordRepository', () => {
  it('writes on the expected version only, and not over a pending change', async () => {
    // Prepare
    const first = recordAt('occ', 1);
    await stores.records.write({ record: first, change: changeOf(first), expectedVersion: null });
    const second = recordAt('occ', 2);
    // Act
    const overPending = await stores.records.write({
      record: second,
      change: changeOf(second),
      expectedVersion: 1,
    });
    await stores.records.clearPending('deals', 'occ', 1);
    const stale = await stores.records.write({
      record: second,
      change: changeOf(second),
      expectedVersion: 0,
    });
    const fresh = await stores.records.write({
      record: second,
      change: changeOf(second),
      expectedVersion: 1,
    });
    const again = await stores.records.write({
      record: first,
      change: changeOf(first),
      expectedVersion: null,
    });
    // Assess
    expect([overPending, stale, fresh, again]).toEqual([false, false, true, false]);
    expect((await stores.records.get('deals', 'occ'))?.pending?.version).toBe(2);
  });

  it('lists pending items in the sparse index until cleared', async () => {
    // Prepare
    const record = recordAt('pend', 1);
    await stores.records.write({ record, change: changeOf(record), expectedVersion: null });
    // Act
    const before = await stores.records.pending({ limit: 100 });
    await stores.records.clearPending('deals', 'pend', 1);
    const after = await stores.records.pending({ limit: 100 });
    // Assess
    expect(before.results.map((stored) => stored.record.id)).toContain('pend');
    expect(after.results.map((stored) => stored.record.id)).not.toContain('pend');
  });
});

describe('DynamoDBChangeLog', () => {
  it('keeps one entry per version, in order, and a feed until published', async () => {
    // Prepare
    const changes = [3, 1, 2].map((version) => changeOf(recordAt('log', version)));
    // Act
    for (const change of [...changes, ...changes]) await stores.changeLog.append(change);
    await stores.changeLog.markPublished(changes[1]!);
    // Assess
    const history = await stores.changeLog.history('deals', 'log', { limit: 2 });
    expect(history.results.map((change) => change.version)).toEqual([1, 2]);
    const rest = await stores.changeLog.history('deals', 'log', { limit: 2, cursor: history.nextCursor! });
    expect(rest.results.map((change) => change.version)).toEqual([3]);
    const feed = await stores.changeLog.unpublished({ limit: 100 });
    expect(feed.results.filter((change) => change.id === 'log').map((change) => change.version)).toEqual([
      2, 3,
    ]);
  });

  it("reads a record's entries after a version, with the effect key each keeps, and none of its other items", async () => {
    // Prepare: versions 1–4 (3 made by an effect), and a membership item in the record's partition
    const changes = [1, 2, 3, 4].map((version) => changeOf(recordAt('since', version)));
    for (const change of changes) {
      await stores.changeLog.append(change.version === 3 ? { ...change, effectKey: 'enr:bump:0' } : change);
    }
    await stores.lists.putMember('list-since', { objectType: 'deals', id: 'since' }, 4);
    // Act
    const first = await stores.changeLog.since('deals', 'since', 1, { limit: 2 });
    const rest = await stores.changeLog.since('deals', 'since', 1, { limit: 2, cursor: first.nextCursor! });
    const none = await stores.changeLog.since('deals', 'since', 4, { limit: 10 });
    // Assess
    expect(first.results.map((change) => [change.version, change.effectKey])).toEqual([
      [2, undefined],
      [3, 'enr:bump:0'],
    ]);
    expect(rest.results.map((change) => change.version)).toEqual([4]);
    expect(none.results).toEqual([]);
  });
});

describe('guarded effects', () => {
  it('never lets an older change undo a newer one', async () => {
    // Prepare
    const a = { objectType: 'contacts' as const, id: 'ga' };
    const b = { objectType: 'companies' as const, id: 'gb' };
    await stores.associations.put(a, b, { ref: a, version: 2 });
    await stores.associations.delete(a, b, { ref: a, version: 3 });
    // Act: version 2 completed again, late.
    await stores.associations.put(a, b, { ref: a, version: 2 });
    // Assess
    expect(await stores.associations.exists(a, b)).toBe(false);
    expect(await stores.associations.exists(b, a)).toBe(false);
  });

  it('keeps a claim the record took again after a late release', async () => {
    // Prepare
    const key = { objectType: 'contacts' as const, property: 'email', value: 'late@x.io' };
    await stores.claims.claim(key, { recordId: 'r', claimedAt: '2026-03-01T09:00:00.000Z', version: 4 });
    // Act: the change of version 3 that gave the value up, completed late.
    await stores.claims.release(key, 'r', 3);
    // Assess
    expect(await stores.claims.get(key)).toMatchObject({ recordId: 'r', version: 4 });
  });

  it('counts list members from either side', async () => {
    // Prepare
    const member = { objectType: 'contacts' as const, id: 'm1' };
    await stores.lists.create({
      id: 'L1',
      name: 'L',
      objectType: 'contacts',
      createdAt: '2026-03-01T09:00:00Z',
    });
    // Act
    await stores.lists.putMember('L1', member, 2);
    await stores.lists.putMember('L1', { ...member, id: 'm2' }, 2);
    await stores.lists.deleteMember('L1', { ...member, id: 'm2' }, 3);
    // Assess
    expect(await stores.lists.size('L1')).toBe(1);
    expect(await stores.lists.listsOf(member)).toEqual(['L1']);
    expect(await stores.lists.listsOf({ ...member, id: 'm2' })).toEqual([]);
  });
});
