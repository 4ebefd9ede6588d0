import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDocumentClient } from '../../../shared/adapters/dynamodb/index.ts';
import { NotFoundError } from '../../../shared/core/errors/app-error.ts';
import type { ObjectType } from '../../../shared/core/records/object-types.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { Crash, countingClient, crashingClient } from '../../helpers/crashing-client.ts';
import { type RecordWorld, recordWorld, sequentialIds } from '../../helpers/record-world.ts';

type Op = 'update' | 'email' | 'associate' | 'dissociate' | 'list' | 'unlist' | 'delete';
const OPS: Op[] = ['update', 'email', 'associate', 'dissociate', 'list', 'unlist', 'delete'];

let db: LocalDynamoDB;
let run = 0;
beforeAll(async () => {
  db = await startLocalDynamoDB({ tableName: 'crash-tests' });
});
afterAll(async () => {
  await db.close();
});

/** Ids of one run: the contact, the company and the list it creates first (the ids are drawn in that order). */
const runIds = (prefix: string) => ({
  contact: `${prefix}-0001`,
  company: `${prefix}-0002`,
  list: `${prefix}-0003`,
});

/** Creates a contact, a company and a list, then applies `ops`; stops at the first crash. */
const play = async (world: RecordWorld, prefix: string, ops: readonly Op[]) => {
  const ids = runIds(prefix);
  try {
    await world.records.create('contacts', { email: `${prefix}@x.io`, firstname: 'A' });
    await world.records.create('companies', { domain: `${prefix}.io` });
    await world.lists.create({ name: prefix, objectType: 'contacts' });
    for (const [n, op] of ops.entries()) {
      try {
        await apply(world, ids, op, `${prefix}-${n}`);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error; // after a delete
      }
    }
  } catch (error) {
    if (!(error instanceof Crash)) throw error;
  }
};

const apply = async (world: RecordWorld, ids: ReturnType<typeof runIds>, op: Op, tag: string) => {
  const { records, lists } = world;
  switch (op) {
    case 'update':
      return records.update('contacts', ids.contact, { firstname: tag });
    case 'email':
      return records.update('contacts', ids.contact, { email: `${tag}@x.io` });
    case 'associate':
      return records.associate('contacts', ids.contact, 'companies', ids.company);
    case 'dissociate':
      return records.dissociate('contacts', ids.contact, 'companies', ids.company);
    case 'list':
      return lists.addMember(ids.list, ids.contact);
    case 'unlist':
      return lists.removeMember(ids.list, ids.contact);
    case 'delete':
      return records.delete('contacts', ids.contact);
  }
};

/** Every change of a record, all pages. */
const historyOf = async (world: RecordWorld, objectType: ObjectType, id: string) =>
  (await world.stores.changeLog.history(objectType, id, { limit: 100 })).results;

/** After recovery: consecutive versions logged once each, nothing pending, effects as the last change left them. */
const assessRecovered = async (world: RecordWorld, prefix: string) => {
  const ids = runIds(prefix);
  for (const [objectType, id] of [
    ['contacts', ids.contact],
    ['companies', ids.company],
  ] as const) {
    const history = await historyOf(world, objectType, id);
    expect(history.map((change) => change.version)).toEqual(history.map((_, n) => n + 1));
    const stored = await world.stores.records.get(objectType, id);
    expect(stored?.pending).toBeUndefined();
    if (stored) expect(stored.record.version).toBe(history.length);
    else if (history.length > 0) expect(history.at(-1)?.change).toBe('deleted');
  }
  const contactLog = await historyOf(world, 'contacts', ids.contact);
  const deleted = contactLog.at(-1)?.change === 'deleted';
  const lastOf = (kinds: string[]) =>
    contactLog.filter((change) => kinds.includes(change.change)).at(-1)?.change;
  const associated = !deleted && lastOf(['associated', 'dissociated']) === 'associated';
  const contact = { objectType: 'contacts' as const, id: ids.contact };
  const company = { objectType: 'companies' as const, id: ids.company };
  expect(await world.stores.associations.exists(contact, company)).toBe(associated);
  expect(await world.stores.associations.exists(company, contact)).toBe(associated);
  const listed = !deleted && lastOf(['listed', 'unlisted']) === 'listed';
  expect(await world.stores.lists.isMember(ids.list, ids.contact)).toBe(listed);
  if (await world.stores.lists.get(ids.list))
    expect(await world.stores.lists.size(ids.list)).toBe(listed ? 1 : 0);
  // A unique value is held by the contact exactly when its current record holds it.
  const current = await world.stores.records.get('contacts', ids.contact);
  const email = current?.record.properties.email;
  if (typeof email === 'string') {
    const claim = await world.stores.claims.get({ objectType: 'contacts', property: 'email', value: email });
    expect(claim?.recordId).toBe(ids.contact);
  }
  return contactLog;
};

/** Plays `ops` with a crash before write `crashAt`, recovers with a fresh service, and checks the outcome. */
const crashAndRecover = async (ops: readonly Op[], crashAt: number) => {
  run += 1;
  const prefix = `c${run}`;
  const { client } = crashingClient(db.client, crashAt);
  await play(recordWorld(client, db.tableName, { ids: sequentialIds(prefix) }), prefix, ops);
  const healthy = recordWorld(db.client, db.tableName, { ids: sequentialIds(`${prefix}-after`) });
  await healthy.completePendingChanges();
  return { healthy, prefix, log: await assessRecovered(healthy, prefix) };
};

/** How many writes `ops` make without a crash. */
const writesOf = async (ops: readonly Op[]) => {
  run += 1;
  const prefix = `w${run}`;
  const { client, state } = countingClient(db.client);
  await play(recordWorld(client, db.tableName, { ids: sequentialIds(prefix) }), prefix, ops);
  return state.writes;
};

const SEQUENCE: Op[] = [
  'update',
  'associate',
  'list',
  'email',
  'unlist',
  'list',
  'dissociate',
  'associate',
  'delete',
];

describe('the change log across crashes', () => {
  it('logs every committed change exactly once, whatever write the process dies before', async () => {
    // Prepare
    const total = await writesOf(SEQUENCE);
    const logged: number[] = [];
    // Act
    for (let crashAt = 0; crashAt <= total; crashAt += 1) {
      const { log } = await crashAndRecover(SEQUENCE, crashAt);
      logged.push(log.length);
    }
    // Assess: the logs grow with the crash point, and the run without a crash logs the whole sequence.
    expect(total).toBeGreaterThan(20);
    expect(logged).toEqual([...logged].sort((a, b) => a - b));
    expect(logged.at(-1)).toBe(1 + SEQUENCE.length);
  }, 120_000);

  it('lets the service go on after recovery, at the next version', async () => {
    // Prepare: a crash right after the update's record write (its completion never ran).
    const total = await writesOf(['update']);
    const { healthy, prefix } = await crashAndRecover(['update'], total - 2);
    const { contact } = runIds(prefix);
    // Act
    const updated = await healthy.records.update('contacts', contact, { city: 'Oslo' });
    // Assess
    const history = await historyOf(healthy, 'contacts', contact);
    expect(history.map((change) => change.change)).toEqual(['created', 'updated', 'updated']);
    expect(updated.version).toBe(3);
  });

  it('holds for any sequence of changes and any crash point (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...OPS), { maxLength: 6 }),
        fc.nat({ max: 60 }),
        async (ops, crashAt) => {
          await crashAndRecover(ops, crashAt);
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});

/** Items of a partition whose sort key begins with `prefix`, read raw (soft-deleted ones included). */
const rawItems = async (pk: string, prefix: string) => {
  const output = await toDocumentClient(db.client).send(
    new QueryCommand({
      TableName: db.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      ConsistentRead: true,
    }),
  );
  return output.Items ?? [];
};

/** A list of 3 contacts, deleted by a process that dies before write `crashAt`, then recovered. */
const deleteListCrashing = async (crashAt: number) => {
  run += 1;
  const prefix = `d${run}`;
  const setup = recordWorld(db.client, db.tableName, { ids: sequentialIds(prefix) });
  const list = await setup.lists.create({ name: prefix, objectType: 'contacts' });
  const members: string[] = [];
  for (let n = 0; n < 3; n += 1) {
    const member = await setup.records.create('contacts', { firstname: `m${n}` });
    await setup.lists.addMember(list.id, member.id);
    members.push(member.id);
  }
  const crashing = crashingClient(db.client, crashAt);
  const dying = recordWorld(crashing.client, db.tableName, { ids: sequentialIds(`${prefix}-dying`) });
  await dying.lists.delete(list.id).catch((error: unknown) => {
    if (!(error instanceof Crash)) throw error;
  });
  const healthy = recordWorld(db.client, db.tableName, { ids: sequentialIds(`${prefix}-after`) });
  await healthy.lists.delete(list.id).catch((error: unknown) => {
    if (!(error instanceof NotFoundError)) throw error; // the dying process finished it
  });
  await healthy.completePendingChanges();
  return { healthy, list, members, writes: crashing.state.writes };
};

describe('deleting a list across crashes', () => {
  it('removes every membership and logs one unlisted change per member, whatever write it dies before', async () => {
    // Prepare
    const total = (await deleteListCrashing(Number.POSITIVE_INFINITY)).writes;
    // Act
    for (let crashAt = 0; crashAt <= total; crashAt += 1) {
      const { healthy, list, members } = await deleteListCrashing(crashAt);
      // Assess
      expect(await healthy.stores.lists.get(list.id)).toBeUndefined();
      expect(await rawItems(`LIST#${list.id}`, '')).toEqual([]);
      for (const id of members) {
        expect(await rawItems(`REC#contacts#${id}`, `INLIST#${list.id}`)).toEqual([]);
        expect(await healthy.stores.lists.listsOf({ objectType: 'contacts', id })).toEqual([]);
        const history = await historyOf(healthy, 'contacts', id);
        expect(history.map((change) => change.change)).toEqual(['created', 'listed', 'unlisted']);
        expect(history.at(-1)?.listId).toBe(list.id);
        expect((await healthy.stores.records.get('contacts', id))?.pending).toBeUndefined();
      }
    }
    expect(total).toBeGreaterThan(10);
  }, 120_000);

  it('does not bring a membership back when a listed change pending at the deletion completes after it', async () => {
    // Prepare: the membership's record write (a) lands, then the process dies before its effects.
    run += 1;
    const prefix = `p${run}`;
    const setup = recordWorld(db.client, db.tableName, { ids: sequentialIds(prefix) });
    const list = await setup.lists.create({ name: prefix, objectType: 'contacts' });
    const member = await setup.records.create('contacts', {});
    const dying = recordWorld(crashingClient(db.client, 1).client, db.tableName);
    await dying.lists.addMember(list.id, member.id).catch((error: unknown) => {
      if (!(error instanceof Crash)) throw error;
    });
    // Act
    await setup.lists.delete(list.id);
    await setup.completePendingChanges();
    // Assess
    expect(await rawItems(`REC#contacts#${member.id}`, `INLIST#${list.id}`)).toEqual([]);
    expect(await rawItems(`LIST#${list.id}`, '')).toEqual([]);
    expect(await setup.stores.lists.listsOf({ objectType: 'contacts', id: member.id })).toEqual([]);
  });
});
