import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../shared/core/errors/app-error.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { recordWorld, sequentialIds } from '../../helpers/record-world.ts';

let db: LocalDynamoDB;
let run = 0;
beforeAll(async () => {
  db = await startLocalDynamoDB({ tableName: 'lists-and-properties' });
});
afterAll(async () => {
  await db.close();
});
/** The outcome of a call, without an unhandled rejection while the test goes on. */
const settle = (promise: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
const fresh = () => {
  run += 1;
  return recordWorld(db.client, db.tableName, { ids: sequentialIds(`l${run}`) });
};

describe('CrmListService', () => {
  it('creates a list, adds members both ways and counts them', async () => {
    // Prepare
    const { lists, records, stores } = fresh();
    const list = await lists.create({ name: 'VIP', objectType: 'contacts' });
    const a = await records.create('contacts', {});
    const b = await records.create('contacts', {});
    // Act
    await lists.addMember(list.id, a.id);
    await lists.addMember(list.id, b.id);
    await lists.addMember(list.id, b.id);
    // Assess
    expect(list).toMatchObject({ name: 'VIP', objectType: 'contacts', size: 0 });
    expect(await lists.get(list.id)).toMatchObject({ size: 2 });
    expect((await lists.members(list.id, { limit: 10 })).results).toEqual([{ id: a.id }, { id: b.id }]);
    expect(await stores.lists.listsOf({ objectType: 'contacts', id: b.id })).toEqual([list.id]);
    const history = await stores.changeLog.history('contacts', b.id, { limit: 10 });
    expect(history.results.map((change) => [change.change, change.version, change.listId])).toEqual([
      ['created', 1, undefined],
      ['listed', 2, list.id],
    ]);
  });

  it('removes a member as an unlisted change, and a deleted record leaves its lists', async () => {
    // Prepare
    const { lists, records, stores } = fresh();
    const list = await lists.create({ name: 'L', objectType: 'contacts' });
    const a = await records.create('contacts', {});
    const b = await records.create('contacts', {});
    await lists.addMember(list.id, a.id);
    await lists.addMember(list.id, b.id);
    // Act
    await lists.removeMember(list.id, a.id);
    await records.delete('contacts', b.id);
    // Assess
    expect(await lists.get(list.id)).toMatchObject({ size: 0 });
    expect((await lists.members(list.id, { limit: 10 })).results).toEqual([]);
    const history = await stores.changeLog.history('contacts', a.id, { limit: 10 });
    expect(history.results.map((change) => change.change)).toEqual(['created', 'listed', 'unlisted']);
  });

  it('refuses a member of another object type, an unknown list and a bad body', async () => {
    // Prepare
    const { lists, records } = fresh();
    const list = await lists.create({ name: 'L', objectType: 'contacts' });
    const company = await records.create('companies', {});
    // Act
    const wrongType = await settle(lists.addMember(list.id, company.id));
    const unknown = await settle(lists.get('nope'));
    const bad = await settle(lists.create({ name: '', objectType: 'widgets' }));
    // Assess
    expect(wrongType.error).toBeInstanceOf(NotFoundError);
    expect(unknown.error).toBeInstanceOf(NotFoundError);
    expect(bad.error).toBeInstanceOf(ValidationError);
  });

  it('pages lists and deletes one', async () => {
    // Prepare
    const { lists } = fresh();
    const created = [];
    for (let n = 0; n < 3; n += 1) created.push(await lists.create({ name: `L${n}`, objectType: 'deals' }));
    // Act
    const first = await lists.page({ limit: 2 });
    await lists.delete(created[0]!.id);
    // Assess
    expect(first.results).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    await expect(lists.get(created[0]!.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers a list whose deletion was cut short as absent, and finishes it on the next DELETE', async () => {
    // Prepare: a deletion that got as far as the tombstone.
    const { lists, records, stores } = fresh();
    const list = await lists.create({ name: 'Cut', objectType: 'contacts' });
    const member = await records.create('contacts', {});
    await lists.addMember(list.id, member.id);
    await stores.lists.markDeleted(list.id);
    // Act
    const outcomes = await Promise.all([
      settle(lists.get(list.id)),
      settle(lists.members(list.id, { limit: 10 })),
      settle(lists.addMember(list.id, member.id)),
      settle(lists.removeMember(list.id, member.id)),
    ]);
    const listed = (await lists.page({ limit: 100 })).results.map((found) => found.id);
    const listsOf = await stores.lists.listsOf({ objectType: 'contacts', id: member.id });
    await lists.delete(list.id);
    // Assess
    for (const outcome of outcomes) expect(outcome.error).toBeInstanceOf(NotFoundError);
    expect(listed).not.toContain(list.id);
    expect(listsOf).toEqual([]);
    expect(await stores.lists.get(list.id)).toBeUndefined();
    expect(await stores.lists.isMember(list.id, member.id)).toBe(false);
    const history = await stores.changeLog.history('contacts', member.id, { limit: 10 });
    expect(history.results.map((change) => change.change)).toEqual(['created', 'listed', 'unlisted']);
    await expect(lists.delete(list.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('finishes a deletion cut short when the pending changes are completed', async () => {
    // Prepare
    const { lists, records, stores, completePendingChanges } = fresh();
    const list = await lists.create({ name: 'Resume', objectType: 'contacts' });
    const member = await records.create('contacts', {});
    await lists.addMember(list.id, member.id);
    await stores.lists.markDeleted(list.id);
    // Act
    await completePendingChanges();
    // Assess
    expect(await stores.lists.get(list.id)).toBeUndefined();
    const history = await stores.changeLog.history('contacts', member.id, { limit: 10 });
    expect(history.results.map((change) => change.change)).toEqual(['created', 'listed', 'unlisted']);
  });

  it('deletes a list of more than one page of members, each member unlisted once', async () => {
    // Prepare
    const { lists, records, stores } = fresh();
    const list = await lists.create({ name: 'Big', objectType: 'companies' });
    const ids: string[] = [];
    for (let n = 0; n < 105; n += 1) {
      const record = await records.create('companies', {});
      await lists.addMember(list.id, record.id);
      ids.push(record.id);
    }
    // Act
    await lists.delete(list.id);
    // Assess
    expect(await stores.lists.get(list.id)).toBeUndefined();
    for (const id of [ids[0]!, ids[99]!, ids[104]!]) {
      const history = await stores.changeLog.history('companies', id, { limit: 10 });
      expect(history.results.map((change) => change.change)).toEqual(['created', 'listed', 'unlisted']);
    }
  }, 60_000);
});

describe('CrmPropertyService', () => {
  it('adds a custom property, then validates records against it', async () => {
    // Prepare
    const { properties, records } = fresh();
    // Act
    const definition = await properties.create('deals', {
      name: 'tier',
      type: 'enumeration',
      options: ['a', 'b'],
    });
    const duplicate = await settle(properties.create('deals', { name: 'tier', type: 'string' }));
    const builtin = await settle(properties.create('deals', { name: 'amount', type: 'number' }));
    // Assess
    expect(definition).toEqual({ name: 'tier', label: 'tier', type: 'enumeration', options: ['a', 'b'] });
    expect(duplicate.error).toBeInstanceOf(ConflictError);
    expect(builtin.error).toBeInstanceOf(ConflictError);
    expect((await properties.list('deals')).map((p) => p.name)).toContain('tier');
    await expect(records.create('deals', { tier: 'b' })).resolves.toMatchObject({
      properties: { tier: 'b' },
    });
    await expect(records.create('deals', { tier: 'c' })).rejects.toMatchObject({
      details: [{ path: 'properties.tier' }],
    });
  });

  it('refuses a definition the caller may not set', async () => {
    // Prepare
    const { properties } = fresh();
    // Act
    const unique = await settle(
      properties.create('contacts', { name: 'code', type: 'string', unique: true }),
    );
    const noOptions = await settle(properties.create('contacts', { name: 'kind', type: 'enumeration' }));
    // Assess
    expect(unique.error).toMatchObject({ details: [{ path: 'unique' }] });
    expect(noOptions.error).toMatchObject({ details: [{ path: 'options' }] });
  });

  it('refuses an enumeration whose options repeat a value, naming each repeat', async () => {
    // Prepare
    const { properties } = fresh();
    // Act
    const repeated = await settle(
      properties.create('contacts', { name: 'x4', type: 'enumeration', options: ['a', 'a', 'b', 'B'] }),
    );
    // Assess
    expect(repeated.error).toBeInstanceOf(ValidationError);
    expect(repeated.error).toMatchObject({
      details: [
        {
          path: 'options[1]',
          message: '"a" is a duplicate of options[0] (options are compared case-insensitively)',
        },
        {
          path: 'options[3]',
          message: '"B" is a duplicate of options[2] (options are compared case-insensitively)',
        },
      ],
    });
    expect((await properties.list('contacts')).map((p) => p.name)).not.toContain('x4');
  });

  it('keeps a stored enumeration whose options repeat a value: listed, and records written with either option', async () => {
    // Prepare: a definition stored before create refused repeated options (not "tier": a test above adds it).
    const { properties, records, stores } = fresh();
    const stored = await stores.properties.create('deals', {
      name: 'grade',
      label: 'Grade',
      type: 'enumeration',
      options: ['Gold', 'gold'],
    });
    // Act
    const gold = await records.create('deals', { grade: 'gold' });
    const upper = await records.create('deals', { grade: 'Gold' });
    const other = await settle(records.create('deals', { grade: 'silver' }));
    // Assess
    expect(stored).toBe(true);
    expect((await properties.list('deals')).find((p) => p.name === 'grade')).toMatchObject({
      options: ['Gold', 'gold'],
    });
    expect([gold.properties.grade, upper.properties.grade]).toEqual(['gold', 'Gold']);
    expect(other.error).toBeInstanceOf(ValidationError);
  });
});
