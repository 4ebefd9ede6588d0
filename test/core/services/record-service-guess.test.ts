import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../../../shared/core/errors/app-error.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { manualClock, recordWorld, sequentialIds } from '../../helpers/record-world.ts';

let db: LocalDynamoDB;
let run = 0;
beforeAll(async () => {
  db = await startLocalDynamoDB({ tableName: 'record-service-guess' });
});
afterAll(async () => {
  await db.close();
});

/** Two processes' record services over one table (one clock), the first one's record reads counted. */
const twoProcesses = () => {
  run += 1;
  const clock = manualClock();
  const first = recordWorld(db.client, db.tableName, { clock, ids: sequentialIds(`g${run}`) });
  const second = recordWorld(db.client, db.tableName, { clock, ids: sequentialIds(`h${run}`) });
  return { first, second, reads: vi.spyOn(first.stores.records, 'get') };
};

describe('CrmRecordService update after a get of the same record', () => {
  it('takes the record it just read instead of reading it again', async () => {
    // Prepare
    const { first, reads } = twoProcesses();
    const created = await first.records.create('contacts', { firstname: 'Ada' });
    await first.records.get('contacts', created.id);
    reads.mockClear();
    // Act
    const updated = await first.records.update('contacts', created.id, { leadstatus: 'open' });
    // Assess
    expect(reads).not.toHaveBeenCalled();
    expect(updated).toMatchObject({ version: 2, properties: { firstname: 'Ada', leadstatus: 'open' } });
    expect(await first.records.get('contacts', created.id)).toEqual(updated);
  });

  it('applies the update to the record as it is now when another process changed it after the get', async () => {
    // Prepare
    const { first, second } = twoProcesses();
    const created = await first.records.create('contacts', { firstname: 'Ada' });
    await first.records.get('contacts', created.id);
    await second.records.update('contacts', created.id, { score: 5 });
    // Act
    const updated = await first.records.update('contacts', created.id, { lastname: 'Lovelace' });
    // Assess
    expect(updated).toMatchObject({
      version: 3,
      properties: { firstname: 'Ada', score: 5, lastname: 'Lovelace' },
    });
    const history = await first.stores.changeLog.history('contacts', created.id, { limit: 10 });
    const own = (names: readonly string[]) => names.filter((name) => name !== 'lastmodifieddate');
    expect(history.results.map((change) => [change.version, own(change.changedProperties)])).toEqual([
      [1, ['createdate', 'firstname']],
      [2, ['score']],
      [3, ['lastname']],
    ]);
  });

  it('writes a value the record it read already held once another process changed it meanwhile', async () => {
    // Prepare
    const { first, second } = twoProcesses();
    const created = await first.records.create('contacts', { leadstatus: 'open' });
    await first.records.get('contacts', created.id);
    await second.records.update('contacts', created.id, { leadstatus: 'connected' });
    // Act
    const updated = await first.records.update('contacts', created.id, { leadstatus: 'open' });
    // Assess
    expect(updated).toMatchObject({ version: 3, properties: { leadstatus: 'open' } });
    expect((await second.records.get('contacts', created.id)).properties.leadstatus).toBe('open');
  });

  it('writes nothing when the record as it is now already holds the values', async () => {
    // Prepare
    const { first } = twoProcesses();
    const created = await first.records.create('contacts', { leadstatus: 'open' });
    await first.records.get('contacts', created.id);
    // Act
    const updated = await first.records.update('contacts', created.id, { leadstatus: 'open' });
    // Assess
    expect(updated.version).toBe(1);
    const history = await first.stores.changeLog.history('contacts', created.id, { limit: 10 });
    expect(history.results).toHaveLength(1);
  });

  it('answers not found when another process deleted the record after the get', async () => {
    // Prepare
    const { first, second } = twoProcesses();
    const created = await first.records.create('contacts', { firstname: 'Ada' });
    await first.records.get('contacts', created.id);
    await second.records.delete('contacts', created.id);
    // Act
    const updating = first.records.update('contacts', created.id, { lastname: 'Lovelace' });
    // Assess
    await expect(updating).rejects.toBeInstanceOf(NotFoundError);
  });
});
