import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../../../shared/core/errors/app-error.ts';
import { DEFAULT_PROPERTY_CATALOG_TTL_MS } from '../../../shared/core/services/property-service.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { manualClock, recordWorld, sequentialIds } from '../../helpers/record-world.ts';

let db: LocalDynamoDB;
let run = 0;
beforeAll(async () => {
  db = await startLocalDynamoDB({ tableName: 'property-catalog-cache' });
});
afterAll(async () => {
  await db.close();
});

/** The record services over the table, with their custom definitions' reads counted. */
const world = (clock = manualClock()) => {
  run += 1;
  const services = recordWorld(db.client, db.tableName, { clock, ids: sequentialIds(`p${run}`) });
  const reads = vi.spyOn(services.stores.properties, 'list');
  return { ...services, reads };
};

describe('CrmPropertyService catalogue kept in memory', () => {
  it('reads the custom definitions once for record writes naming known properties', async () => {
    // Prepare
    const { records, reads } = world();
    // Act
    const created = await records.create('contacts', { firstname: 'Ada', score: 1 });
    await records.update('contacts', created.id, { score: 2 });
    await records.update('contacts', created.id, { lastname: 'Lovelace' });
    // Assess
    expect(reads).toHaveBeenCalledTimes(1);
    expect((await records.get('contacts', created.id)).properties).toMatchObject({
      firstname: 'Ada',
      lastname: 'Lovelace',
      score: 2,
    });
  });

  it('sees a definition added through the service at the next record write', async () => {
    // Prepare
    const { properties, records, reads } = world();
    const created = await records.create('companies', { name: 'Engines' });
    // Act
    await properties.create('companies', { name: 'segment', type: 'enumeration', options: ['smb', 'ent'] });
    const updated = await records.update('companies', created.id, { segment: 'ent' });
    // Assess
    expect(updated.properties.segment).toBe('ent');
    expect(reads).toHaveBeenCalledTimes(2);
    await expect(records.update('companies', created.id, { segment: 'other' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('sees a definition another process added at the next record write naming it', async () => {
    // Prepare: two processes over one table; the first has kept the deals catalogue.
    const first = world();
    const second = world();
    const deal = await first.records.create('deals', { dealname: 'Big' });
    // Act
    await second.properties.create('deals', { name: 'region', type: 'string' });
    const updated = await first.records.update('deals', deal.id, { region: 'EMEA' });
    // Assess
    expect(updated.properties.region).toBe('EMEA');
    expect(first.reads).toHaveBeenCalledTimes(2);
  });

  it('still refuses an unknown property, read again to be sure', async () => {
    // Prepare
    const { records, reads } = world();
    const created = await records.create('tickets', { subject: 'Broken' });
    // Act
    const refused = records.update('tickets', created.id, { nosuchproperty: 'x' });
    // Assess
    await expect(refused).rejects.toMatchObject({ details: [{ path: 'properties.nosuchproperty' }] });
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('reads the catalogue again once it has been kept the TTL on the clock', async () => {
    // Prepare
    const clock = manualClock();
    const { records, reads } = world(clock);
    const created = await records.create('contacts', { firstname: 'Grace' });
    // Act
    clock.advance(DEFAULT_PROPERTY_CATALOG_TTL_MS - 1);
    await records.update('contacts', created.id, { score: 1 });
    const beforeExpiry = reads.mock.calls.length;
    clock.advance(1);
    await records.update('contacts', created.id, { score: 2 });
    // Assess
    expect(beforeExpiry).toBe(1);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failed read', async () => {
    // Prepare
    const { records, reads } = world();
    reads.mockRejectedValueOnce(new Error('the table is unreachable'));
    // Act
    const failed = records.create('contacts', { firstname: 'Alan' });
    await expect(failed).rejects.toThrow('the table is unreachable');
    const created = await records.create('contacts', { firstname: 'Alan' });
    // Assess
    expect(created.properties.firstname).toBe('Alan');
    expect(reads).toHaveBeenCalledTimes(2);
  });
});
