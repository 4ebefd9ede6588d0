import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/core/errors/app-error.ts';
import type { ObjectType } from '../../../shared/core/records/object-types.ts';
import { recordChangedDetail } from '../../../shared/core/records/record-change.ts';
import { RecordVersionConflict } from '../../../shared/core/records/version-conflict.ts';
import { MAX_PROPERTIES_BYTES } from '../../../shared/core/services/property-values.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { type RecordWorld, recordWorld, sequentialIds } from '../../helpers/record-world.ts';

let db: LocalDynamoDB;
let world: RecordWorld;
let table = 0;

beforeAll(async () => {
  db = await startLocalDynamoDB();
});
afterAll(async () => {
  await db.close();
});

/** A fresh world on the shared dynalite, with its own ids so that tests never meet. */
const fresh = (options: Parameters<typeof recordWorld>[2] = {}) => {
  table += 1;
  world = recordWorld(db.client, db.tableName, { ids: sequentialIds(`t${table}`), ...options });
  return world;
};

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
};

describe('CrmRecordService', () => {
  it('creates a record with the server timestamps and logs its creation', async () => {
    // Prepare
    const { records, stores } = fresh();
    // Act
    const record = await records.create('contacts', { email: 'Ada@Example.com', firstname: 'Ada', score: 3 });
    // Assess
    expect(record).toMatchObject({
      objectType: 'contacts',
      version: 1,
      createdAt: '2026-03-01T09:00:00.000Z',
    });
    expect(record.properties).toMatchObject({
      createdate: record.createdAt,
      lastmodifieddate: record.createdAt,
    });
    expect(await records.get('contacts', record.id)).toEqual(record);
    const history = await stores.changeLog.history('contacts', record.id, { limit: 10 });
    expect(history.results).toMatchObject([
      { change: 'created', version: 1, before: null, after: { properties: record.properties } },
    ]);
    expect(history.results[0]?.changedProperties).toEqual([
      'createdate',
      'email',
      'firstname',
      'lastmodifieddate',
      'score',
    ]);
  });

  it('refuses values that do not fit, naming each property', async () => {
    // Prepare
    const { records } = fresh();
    // Act
    const error = await rejection(
      records.create('contacts', {
        score: 'high',
        lifecyclestage: 'Lead',
        birthdate: '2026-02-30',
        nickname: 'x',
        createdate: '2026-01-01T00:00:00Z',
      }),
    );
    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details?.map((issue) => issue.path)).toEqual([
      'properties.score',
      'properties.lifecyclestage',
      'properties.birthdate',
      'properties.nickname',
      'properties.createdate',
    ]);
  });

  it('accepts a datetime with an offset, stores it in UTC, and refuses one without', async () => {
    // Prepare
    const { records } = fresh();
    // Act
    const task = await records.create('tasks', { title: 't', dueDate: '2026-03-01T10:00:00+01:00' });
    const error = await rejection(records.create('tasks', { dueDate: '2026-03-01T10:00:00' }));
    // Assess
    expect(task.properties.dueDate).toBe('2026-03-01T09:00:00.000Z');
    expect((error as ValidationError).details).toMatchObject([{ path: 'properties.dueDate' }]);
  });

  it('refuses an object type the CRM does not have', async () => {
    // Prepare
    const { records } = fresh();
    // Act
    const error = await rejection(records.create('widgets' as ObjectType, {}));
    // Assess
    expect((error as ValidationError).details).toMatchObject([{ path: 'objectType' }]);
  });

  it('updates, clears with null, and logs what changed', async () => {
    // Prepare
    const { records, stores, clock } = fresh();
    const created = await records.create('contacts', { firstname: 'Ada', city: 'London' });
    clock.advance(1000);
    // Act
    const updated = await records.update('contacts', created.id, { city: null, jobtitle: 'Engineer' });
    // Assess
    expect(updated.version).toBe(2);
    expect(updated.properties.city).toBeUndefined();
    expect(updated.properties.lastmodifieddate).toBe('2026-03-01T09:00:01.000Z');
    const history = await stores.changeLog.history('contacts', created.id, { limit: 10 });
    expect(history.results[1]).toMatchObject({
      change: 'updated',
      version: 2,
      changedProperties: ['city', 'jobtitle', 'lastmodifieddate'],
    });
  });

  it('writes nothing for an update that changes nothing', async () => {
    // Prepare
    const { records } = fresh();
    const created = await records.create('contacts', { firstname: 'Ada' });
    // Act
    const same = await records.update('contacts', created.id, { firstname: 'Ada' });
    // Assess
    expect(same.version).toBe(1);
  });

  it('deletes, then answers 404', async () => {
    // Prepare
    const { records, stores } = fresh();
    const created = await records.create('contacts', { email: 'gone@example.com' });
    // Act
    await records.delete('contacts', created.id);
    // Assess
    expect(await rejection(records.get('contacts', created.id))).toBeInstanceOf(NotFoundError);
    expect(await rejection(records.update('contacts', created.id, { city: 'x' }))).toBeInstanceOf(
      NotFoundError,
    );
    expect(await stores.records.get('contacts', created.id)).toBeUndefined();
    const history = await stores.changeLog.history('contacts', created.id, { limit: 10 });
    expect(history.results.map((change) => change.change)).toEqual(['created', 'deleted']);
    // The email is free again.
    await expect(records.create('contacts', { email: 'GONE@example.com' })).resolves.toMatchObject({
      version: 1,
    });
  });

  it('refuses a second contact with the same email, whatever its case', async () => {
    // Prepare
    const { records } = fresh();
    await records.create('contacts', { email: 'same@example.com' });
    // Act
    const error = await rejection(records.create('contacts', { email: 'SAME@Example.com' }));
    // Assess
    expect(error).toBeInstanceOf(ConflictError);
  });

  it('lets exactly one of 20 concurrent creates with one email through', async () => {
    // Prepare
    const { records } = fresh();
    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, n) =>
        records.create('contacts', { email: n % 2 ? 'race@x.io' : 'RACE@x.io' }),
      ),
    );
    // Assess
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused).toHaveLength(19);
    for (const outcome of refused) expect(outcome.reason).toBeInstanceOf(ConflictError);
  });

  it('lets exactly one of 20 concurrent creates with one company domain through', async () => {
    // Prepare
    const { records } = fresh();
    // Act
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => records.create('companies', { domain: 'acme.io', name: 'Acme' })),
    );
    // Assess
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
  });

  it('moves a unique value: the old one is released, the new one taken', async () => {
    // Prepare
    const { records } = fresh();
    const first = await records.create('contacts', { email: 'old@x.io' });
    // Act
    await records.update('contacts', first.id, { email: 'new@x.io' });
    // Assess
    await expect(records.create('contacts', { email: 'old@x.io' })).resolves.toMatchObject({ version: 1 });
    expect(await rejection(records.create('contacts', { email: 'New@x.io' }))).toBeInstanceOf(ConflictError);
  });

  it('takes over a stale claim only after the grace period', async () => {
    // Prepare: a create that crashed after its claim (the claim holds a record that was never written).
    const { records, stores, clock } = fresh({ claimGraceMs: 60_000 });
    const claimedAt = clock.now().toISOString();
    await stores.claims.claim(
      { objectType: 'contacts', property: 'email', value: 'lost@x.io' },
      {
        recordId: 'never-written',
        claimedAt,
        version: 1,
      },
    );
    // Act
    const early = await rejection(records.create('contacts', { email: 'lost@x.io' }));
    clock.advance(60_001);
    const late = await records.create('contacts', { email: 'Lost@x.io' });
    // Assess
    expect(early).toBeInstanceOf(ConflictError);
    expect(late.version).toBe(1);
  });

  it('upserts by email: creates, then updates the record holding it', async () => {
    // Prepare
    const { records } = fresh();
    // Act
    const first = await records.upsert('contacts', 'email', { email: 'up@x.io', firstname: 'A' });
    const second = await records.upsert('contacts', 'email', { email: 'UP@x.io', firstname: 'B' });
    // Assess
    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, record: { id: first.record.id, version: 2 } });
    expect(second.record.properties.firstname).toBe('B');
  });

  it('refuses an upsert by a property that is not unique', async () => {
    // Prepare
    const { records } = fresh();
    // Act
    const error = await rejection(records.upsert('contacts', 'firstname', { firstname: 'A' }));
    // Assess
    expect((error as ValidationError).details).toMatchObject([{ path: 'idProperty' }]);
  });

  it('retries a PATCH that lost a race, so that concurrent PATCHes all land', async () => {
    // Prepare
    const { records, stores } = fresh();
    const created = await records.create('contacts', { firstname: 'A' });
    // Act
    await Promise.all([
      records.update('contacts', created.id, { city: 'Paris' }),
      records.update('contacts', created.id, { jobtitle: 'CTO' }),
      records.update('contacts', created.id, { phone: '1' }),
    ]);
    // Assess
    const record = await records.get('contacts', created.id);
    expect(record.version).toBe(4);
    expect(record.properties).toMatchObject({ city: 'Paris', jobtitle: 'CTO', phone: '1' });
    const history = await stores.changeLog.history('contacts', created.id, { limit: 10 });
    expect(history.results.map((change) => change.version)).toEqual([1, 2, 3, 4]);
  });

  it('lands 50 concurrent PATCHes of one record, each as a version of its own', async () => {
    // Prepare
    const { records, stores } = fresh();
    const created = await records.create('contacts', { firstname: 'A' });
    // Act
    const updated = await Promise.all(
      Array.from({ length: 50 }, (_, n) => records.update('contacts', created.id, { score: n })),
    );
    // Assess
    expect(updated.map((record) => record.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, n) => n + 2),
    );
    const history = await stores.changeLog.history('contacts', created.id, { limit: 100 });
    expect(history.results).toHaveLength(51);
  });

  it('lands concurrent PATCHes of one record made through two services over one table (two processes)', async () => {
    // Prepare
    const { records, stores } = fresh();
    const elsewhere = recordWorld(db.client, db.tableName, { ids: sequentialIds(`t${table}-b`) }).records;
    const created = await records.create('contacts', { firstname: 'A' });
    // Act
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        (n % 2 ? records : elsewhere).update(
          'contacts',
          created.id,
          n % 4 < 2 ? { score: n } : { city: `c${n}` },
        ),
      ),
    );
    // Assess
    expect((await records.get('contacts', created.id)).version).toBe(21);
    const history = await stores.changeLog.history('contacts', created.id, { limit: 100 });
    expect(history.results.map((change) => change.version)).toEqual(
      Array.from({ length: 21 }, (_, n) => n + 1),
    );
  });

  it('writes an update carrying a version only onto that version, and answers the record as it is otherwise', async () => {
    // Prepare: version 1 read, then another PATCH makes version 2
    const { records, stores } = fresh();
    const created = await records.create('contacts', { firstname: 'A', score: 1 });
    await records.update('contacts', created.id, { city: 'Paris' });
    // Act
    const refused = await rejection(
      records.update('contacts', created.id, { score: 2 }, { expectedVersion: 1, effectKey: 'enr:bump:0' }),
    );
    const written = await records.update(
      'contacts',
      created.id,
      { score: 2 },
      { expectedVersion: 2, effectKey: 'enr:bump:0' },
    );
    // Assess
    expect(refused).toBeInstanceOf(RecordVersionConflict);
    expect(refused).toMatchObject({
      expectedVersion: 1,
      current: { version: 2, properties: { score: 1, city: 'Paris' } },
    });
    expect(written).toMatchObject({ version: 3, properties: { score: 2, city: 'Paris' } });
    const history = await stores.changeLog.history('contacts', created.id, { limit: 10 });
    expect(history.results.map((change) => [change.version, change.effectKey])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, 'enr:bump:0'],
    ]);
    expect(recordChangedDetail(history.results[2]!)).not.toHaveProperty('effectKey');
  });

  it('writes nothing again for an effect key whose write the record holds since the version expected', async () => {
    // Prepare: the effect's write made version 2, another PATCH version 3
    const { records, stores } = fresh();
    const created = await records.create('contacts', { firstname: 'A', score: 1 });
    const options = { expectedVersion: 1, effectKey: 'enr:bump:0' };
    await records.update('contacts', created.id, { score: 2 }, options);
    await records.update('contacts', created.id, { city: 'Paris' });
    // Act
    const again = await records.update('contacts', created.id, { score: 2 }, options);
    const other = await rejection(
      records.update('contacts', created.id, { score: 2 }, { ...options, effectKey: 'enr:bump:1' }),
    );
    // Assess
    expect(again).toMatchObject({ version: 3, properties: { score: 2, city: 'Paris' } });
    expect(other).toBeInstanceOf(RecordVersionConflict);
    const history = await stores.changeLog.history('contacts', created.id, { limit: 10 });
    expect(history.results).toHaveLength(3);
    const since = await stores.changeLog.since('contacts', created.id, 1, { limit: 10 });
    expect(since.results.map((change) => change.version)).toEqual([2, 3]);
  });

  it('associates both ways, once, and dissociates', async () => {
    // Prepare
    const { records, stores } = fresh();
    const contact = await records.create('contacts', { firstname: 'A' });
    const company = await records.create('companies', { name: 'Acme' });
    // Act
    await records.associate('contacts', contact.id, 'companies', company.id);
    await records.associate('contacts', contact.id, 'companies', company.id);
    const fromContact = await records.associations('contacts', contact.id, 'companies', { limit: 10 });
    const fromCompany = await records.associations('companies', company.id, 'contacts', { limit: 10 });
    await records.dissociate('companies', company.id, 'contacts', contact.id);
    // Assess
    expect(fromContact.results).toEqual([{ id: company.id }]);
    expect(fromCompany.results).toEqual([{ id: contact.id }]);
    expect((await records.associations('contacts', contact.id, 'companies', { limit: 10 })).results).toEqual(
      [],
    );
    const contactLog = await stores.changeLog.history('contacts', contact.id, { limit: 10 });
    expect(contactLog.results.map((change) => change.change)).toEqual(['created', 'associated']);
    expect(contactLog.results[1]).toMatchObject({
      association: { toObjectType: 'companies', toId: company.id },
    });
    const companyLog = await stores.changeLog.history('companies', company.id, { limit: 10 });
    expect(companyLog.results.map((change) => change.change)).toEqual(['created', 'dissociated']);
  });

  it('refuses to associate with a record that does not exist', async () => {
    // Prepare
    const { records } = fresh();
    const contact = await records.create('contacts', {});
    // Act
    const error = await rejection(records.associate('contacts', contact.id, 'companies', 'nope'));
    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('removes a deleted record from its associations', async () => {
    // Prepare
    const { records } = fresh();
    const contact = await records.create('contacts', {});
    const company = await records.create('companies', {});
    await records.associate('contacts', contact.id, 'companies', company.id);
    // Act
    await records.delete('contacts', contact.id);
    // Assess
    expect((await records.associations('companies', company.id, 'contacts', { limit: 10 })).results).toEqual(
      [],
    );
  });

  it('pages through more than one page of a type', async () => {
    // Prepare
    const { records, clock } = fresh();
    const ids: string[] = [];
    for (let n = 0; n < 7; n += 1) {
      clock.advance(1);
      ids.push((await records.create('tickets', { subject: `t${n}` })).id);
    }
    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await records.page('tickets', { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.results.map((record) => record.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    // Assess
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
  });

  it('refuses a cursor it did not give', async () => {
    // Prepare
    const { records } = fresh();
    // Act
    const error = await rejection(records.page('contacts', { limit: 3, cursor: 'bm90LWpzb24' }));
    // Assess
    expect((error as ValidationError).details).toMatchObject([{ path: 'cursor' }]);
  });

  it('carries the cause of a workflow change into the log', async () => {
    // Prepare
    const { records, stores } = fresh();
    const cause = { workflowId: 'wf', enrollmentId: 'en', depth: 2 };
    // Act
    const record = await records.create('deals', { dealname: 'D' }, { cause });
    // Assess
    const history = await stores.changeLog.history('deals', record.id, { limit: 1 });
    expect(history.results[0]?.cause).toEqual(cause);
  });

  it('carries the cause of a workflow into association and membership changes', async () => {
    // Prepare
    const { records, lists, stores } = fresh();
    const cause = { workflowId: 'wf', enrollmentId: 'en', depth: 1 };
    const contact = await records.create('contacts', { firstname: 'Ada' });
    const deal = await records.create('deals', { dealname: 'D' });
    const list = await lists.create({ name: 'VIP', objectType: 'contacts' });
    // Act
    await records.associate('contacts', contact.id, 'deals', deal.id, { cause });
    await lists.addMember(list.id, contact.id, { cause });
    await lists.removeMember(list.id, contact.id, { cause });
    // Assess
    const history = await stores.changeLog.history('contacts', contact.id, { limit: 10 });
    expect(history.results.map((change) => [change.change, change.cause])).toEqual([
      ['created', undefined],
      ['associated', cause],
      ['listed', cause],
      ['unlisted', cause],
    ]);
  });

  it('creates one record under a chosen id, however often the create is repeated', async () => {
    // Prepare
    const { records, stores } = fresh();
    const first = await records.create('tasks', { title: 'Call' }, { id: 'task-chosen' });
    // Act
    const again = await records.create('tasks', { title: 'Call' }, { id: 'task-chosen' });
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => records.create('tasks', { title: 'Other' }, { id: 'task-raced' })),
    );
    // Assess
    expect(first.id).toBe('task-chosen');
    expect(again).toEqual(first);
    expect(new Set(concurrent.map((record) => JSON.stringify(record))).size).toBe(1);
    const log = await stores.changeLog.history('tasks', 'task-chosen', { limit: 10 });
    expect(log.results.map((change) => change.version)).toEqual([1]);
  });

  it('does not bring back a record created under a chosen id and deleted since', async () => {
    // Prepare
    const { records } = fresh();
    const first = await records.create('tasks', { title: 'Call' }, { id: 'task-gone' });
    await records.delete('tasks', 'task-gone');
    // Act
    const again = await records.create('tasks', { title: 'Call' }, { id: 'task-gone' });
    // Assess
    expect(again).toEqual(first);
    await expect(records.get('tasks', 'task-gone')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('CrmRecordService, the size of a record', () => {
  const text = (length: number, letter = 'x') => letter.repeat(length);
  const big = (size: number) => ({
    firstname: text(size),
    lastname: text(size),
    phone: text(size),
    city: text(size),
    country: text(size),
    jobtitle: text(size),
  });

  it('refuses a create over the bound with a 400 at properties, and leaves no claim behind', async () => {
    // Prepare
    const { records, stores } = fresh();
    const email = `big-${table}@x.io`;
    // Act
    const error = await rejection(records.create('contacts', { email, ...big(60_000) }));
    const claim = await stores.claims.get({ objectType: 'contacts', property: 'email', value: email });
    const again = await records.create('contacts', { email, firstname: 'A' });
    // Assess
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toMatchObject([{ path: 'properties' }]);
    expect(claim).toBeUndefined();
    expect(again.properties.email).toBe(email);
  });

  it('refuses a record that could be created but never changed again (150 KB)', async () => {
    // Prepare
    const { records } = fresh();
    // Act
    const error = await rejection(
      records.create('contacts', {
        firstname: text(50_000),
        ...{ lastname: text(50_000), city: text(50_000) },
      }),
    );
    // Assess
    expect((error as ValidationError).details).toMatchObject([{ path: 'properties' }]);
  });

  it('refuses an update whose merged properties go over the bound, and keeps the record', async () => {
    // Prepare
    const { records } = fresh();
    const created = await records.create('contacts', { firstname: text(60_000) });
    // Act
    const error = await rejection(records.update('contacts', created.id, { lastname: text(60_000) }));
    const upserted = await rejection(
      records.upsert('contacts', 'email', { email: `u-${table}@x.io`, ...big(20_000) }),
    );
    // Assess
    expect((error as ValidationError).details).toMatchObject([{ path: 'properties' }]);
    expect((upserted as ValidationError).details).toMatchObject([{ path: 'properties' }]);
    expect(await records.get('contacts', created.id)).toEqual(created);
  });

  it('still changes a record just under the bound', async () => {
    // Prepare
    const { records } = fresh();
    const created = await records.create('contacts', {
      firstname: text(60_000),
      lastname: text(MAX_PROPERTIES_BYTES - 61_000),
    });
    // Act
    const updated = await records.update('contacts', created.id, { firstname: text(60_000, 'y') });
    // Assess
    expect(updated.version).toBe(2);
    expect(Buffer.byteLength(JSON.stringify(updated.properties))).toBeLessThanOrEqual(MAX_PROPERTIES_BYTES);
  });

  it('releases the claims of a create whose record write fails', async () => {
    // Prepare
    const { records, stores } = fresh();
    const email = `fails-${table}@x.io`;
    const write = stores.records.write.bind(stores.records);
    let failures = 1;
    stores.records.write = async (input) => {
      if (failures-- > 0) throw new Error('injected: the record write failed');
      return write(input);
    };
    // Act
    const error = await rejection(records.create('contacts', { email }));
    const claim = await stores.claims.get({ objectType: 'contacts', property: 'email', value: email });
    const again = await records.create('contacts', { email });
    // Assess
    expect((error as Error).message).toContain('injected');
    expect(claim).toBeUndefined();
    expect(again.properties.email).toBe(email);
  });
});

describe('CrmRecordService, racing a deletion', () => {
  it('does not leave an association to a record deleted while it was being associated', async () => {
    // Prepare: the company is deleted (cleanup included) after the associate checked it, before its commit.
    const { records, stores } = fresh();
    const contact = await records.create('contacts', {});
    const company = await records.create('companies', {});
    const exists = stores.associations.exists.bind(stores.associations);
    let raced = false;
    stores.associations.exists = async (from, to) => {
      if (!raced) {
        raced = true;
        await records.delete('companies', company.id);
      }
      return exists(from, to);
    };
    // Act
    const error = await rejection(records.associate('contacts', contact.id, 'companies', company.id));
    // Assess
    expect(error).toBeInstanceOf(NotFoundError);
    expect((await records.associations('contacts', contact.id, 'companies', { limit: 10 })).results).toEqual(
      [],
    );
    expect(
      await stores.associations.exists(
        { objectType: 'companies', id: company.id },
        {
          objectType: 'contacts',
          id: contact.id,
        },
      ),
    ).toBe(false);
    const log = await stores.changeLog.history('contacts', contact.id, { limit: 10 });
    expect(log.results.map((change) => change.change)).toEqual(['created', 'associated', 'dissociated']);
  });

  it('creates on an upsert whose holder is deleted in between', async () => {
    // Prepare: the holder of the email is deleted after the upsert found it, before it updates it.
    const { records } = fresh();
    const email = `gone-${table}@x.io`;
    const holder = await records.create('contacts', { email, firstname: 'Old' });
    const update = records.update.bind(records);
    let raced = false;
    records.update = async (...args: Parameters<typeof records.update>) => {
      if (!raced) {
        raced = true;
        await records.delete('contacts', holder.id);
      }
      return update(...args);
    };
    // Act
    const result = await records.upsert('contacts', 'email', { email, firstname: 'New' });
    // Assess
    expect(result.created).toBe(true);
    expect(result.record.id).not.toBe(holder.id);
    expect(result.record.properties).toMatchObject({ email, firstname: 'New' });
  });
});
