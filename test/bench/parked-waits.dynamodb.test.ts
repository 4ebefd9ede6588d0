import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toDocumentClient } from '../../shared/adapters/dynamodb/index.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../shared/runtime/local-dynamodb.ts';
import { DEPLOYMENT_ENVIRONMENT } from '../helpers/deployment-environment.ts';
import { forwardedTo } from '../helpers/in-memory-table.ts';
import { parkedWaitsScenario } from './parked-waits.bench.ts';
import { expectParkedWaitsInvariants } from './parked-waits-invariants.ts';
import { type ParkedWaitsScenario, simulateParkedWaits } from './parked-waits-simulation.ts';

let db: LocalDynamoDB;
beforeAll(async () => {
  db = await startLocalDynamoDB({ tableName: DEPLOYMENT_ENVIRONMENT.TABLE_NAME });
});
afterAll(async () => {
  await db.close();
});

/**
 * Few resumer runs and batches (dynalite takes about 300 writes a second here): windowed and imported enrollments
 * only, the import within 20 s, a resumer of 5/s on a bucket of 8 refilled 5/s, other callers drawing 3/s for the
 * first minute of the import's due instants; every 7th start's first Task continues as new before its timer is
 * forgotten.
 */
const scenario: ParkedWaitsScenario = {
  ...parkedWaitsScenario(300),
  cohorts: { windowed: 0.6, steady: 0, imported: 0.4 },
  importMs: 20_000,
  ratePerSecond: 5,
  quota: { bucket: 8, refillPerSecond: 5 },
  // Wednesday 13 January 2027, 14:00 in Paris: the import's first stage comes due.
  otherLoad: [{ fromMs: (9 * 24 + 14) * 3_600_000, seconds: 60, perSecond: 3 }],
  taskBeforeForgetEvery: 7,
  forgetFaultEvery: 0,
};

describe('parked waits on AWS, simulated through the functions, with their table in dynalite', () => {
  it('300 enrollments keep the invariants, and go exactly as with the table in memory (the fake checked on dynalite)', async () => {
    // Act
    const table = await simulateParkedWaits({
      ...scenario,
      table: forwardedTo(toDocumentClient(db.client)),
    });
    const memory = await simulateParkedWaits(scenario);

    // Assess
    expectParkedWaitsInvariants(table);
    expect(table.peakBacklog).toBeGreaterThan(10 * scenario.ratePerSecond);
    const { wallMs: _wall, cpuMs: _cpu, ...tableFigures } = table;
    const { wallMs: _memoryWall, cpuMs: _memoryCpu, ...memoryFigures } = memory;
    expect(tableFigures).toEqual(memoryFigures);
  }, 120_000);
});
