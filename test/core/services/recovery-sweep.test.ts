import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDocumentClient } from '../../../shared/adapters/dynamodb/index.ts';
import { recordPk } from '../../../shared/adapters/dynamodb/keys.ts';
import { RecoveryError } from '../../../shared/core/services/recovery.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { Crash, crashingClient } from '../../helpers/crashing-client.ts';
import { manualClock, recordWorld, sequentialIds } from '../../helpers/record-world.ts';

let db: LocalDynamoDB;
let run = 0;
beforeAll(async () => {
  db = await startLocalDynamoDB({ tableName: 'recovery-sweeps' });
});
afterAll(async () => {
  await db.close();
});

/** A document client refusing every write to the partition `pk` (a record whose completion keeps failing). */
const refusingWritesTo = (pk: string): DynamoDBDocumentClient => {
  const doc = toDocumentClient(db.client);
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  doc.send = (async (command: {
    constructor: { name: string };
    input: { Item?: { pk?: string }; Key?: { pk?: string } };
  }) => {
    const target = command.input.Item?.pk ?? command.input.Key?.pk;
    if (command.constructor.name !== 'GetCommand' && target === pk)
      throw new Error(`throttled writing ${pk}`);
    return send(command);
  }) as typeof doc.send;
  return doc;
};

/** A `continueWhile` answering true `times` times, then false. */
const allowing = (times: number) => {
  let asked = 0;
  return () => {
    asked += 1;
    return asked <= times;
  };
};

/** Three contacts, each updated by a writer that stops right after its commit: three changes left pending. */
const threePending = async () => {
  run += 1;
  const clock = manualClock('2027-01-18T09:00:00.000Z');
  const healthy = recordWorld(db.client, db.tableName, { clock, ids: sequentialIds(`r${run}`) });
  const ids: string[] = [];
  for (const name of ['Ada', 'Grace', 'Edsger']) {
    ids.push((await healthy.records.create('contacts', { firstname: name })).id);
  }
  for (const id of ids) {
    const dying = recordWorld(crashingClient(db.client, 1).client, db.tableName, { clock });
    await expect(dying.records.update('contacts', id, { lastname: 'Pending' })).rejects.toThrow(Crash);
  }
  const pending = async () => {
    const left: string[] = [];
    for (const id of ids) if ((await healthy.stores.records.get('contacts', id))?.pending) left.push(id);
    return left;
  };
  expect(await pending()).toEqual(ids);
  return { clock, ids, healthy, pending };
};

describe('a recovery sweep', () => {
  it('passes by a change that keeps failing, completes the others, then throws the failure with the count', async () => {
    const { clock, ids, healthy, pending } = await threePending();
    const refusing = recordWorld(refusingWritesTo(recordPk('contacts', ids[0]!)), db.tableName, { clock });
    const failure = await refusing.completePendingChanges().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RecoveryError);
    expect((failure as RecoveryError).completed).toBeGreaterThanOrEqual(2);
    expect((failure as RecoveryError).errors.map((error) => (error as Error).message)).toEqual([
      `throttled writing ${recordPk('contacts', ids[0]!)}`,
    ]);
    expect(await pending()).toEqual([ids[0]]);
    // Once the writes go through again, the next sweep completes it.
    await healthy.completePendingChanges();
    expect(await pending()).toEqual([]);
  });

  it('leaves the changes committed since committedBefore to their writers', async () => {
    const { clock, ids, healthy, pending } = await threePending();
    const committed = clock.now().toISOString();
    expect(await healthy.completePendingChanges({ committedBefore: committed })).toBe(0);
    expect(await pending()).toEqual(ids);
    clock.advance(1);
    expect(
      await healthy.completePendingChanges({ committedBefore: new Date(clock.now()).toISOString() }),
    ).toBeGreaterThanOrEqual(3);
    expect(await pending()).toEqual([]);
  });

  it('stops once continueWhile answers false, and the next sweep takes the rest', async () => {
    const { ids, healthy, pending } = await threePending();
    // Room for one change (the earlier tests left none pending).
    const first = await healthy.completePendingChanges({ continueWhile: allowing(1) });
    expect(first).toBe(1);
    expect((await pending()).length).toBe(ids.length - 1);
    await healthy.completePendingChanges();
    expect(await pending()).toEqual([]);
  });
});

describe('a list deletion left unfinished', () => {
  it('is finished by the sweep, and a sweep out of time stops between pages of its members', async () => {
    run += 1;
    const world = recordWorld(db.client, db.tableName, { ids: sequentialIds(`l${run}`) });
    const list = await world.lists.create({ name: `big-${run}`, objectType: 'contacts' });
    for (let n = 0; n < 101; n += 1) {
      const contact = await world.records.create('contacts', { firstname: `m${n}` });
      await world.lists.addMember(list.id, contact.id);
    }
    await world.completePendingChanges();
    // A deletion cut short right after its tombstone.
    await world.stores.lists.markDeleted(list.id);

    // Asked before the list, then before each page of its members: room for the list and its first page.
    const stopped = await world.lists.completeDeletions({ continueWhile: allowing(2) });
    expect(stopped).toBe(0);
    expect((await world.stores.lists.get(list.id))?.deleted).toBe(true);
    expect(await world.stores.lists.size(list.id)).toBe(1);

    expect(await world.lists.completeDeletions()).toBe(1);
    expect(await world.stores.lists.get(list.id)).toBeUndefined();
  });
});
