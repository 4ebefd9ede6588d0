import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../../../shared/core/errors/app-error.ts';
import type { EventEnvelope } from '../../../shared/core/events/event-envelope.ts';
import { createIngestTarget } from '../../../shared/core/events/ingest-target.ts';
import { createEmbeddedBus, type EmbeddedBusOptions } from '../../../shared/runtime/bus/embedded-bus.ts';

const dirs: string[] = [];
const buses: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(buses.splice(0).map((bus) => bus.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bus-'));
  dirs.push(dir);
  return dir;
};

const clock = { now: () => new Date('2027-01-04T08:00:00.123Z') };

const openBus = async (options: Partial<EmbeddedBusOptions> & Pick<EmbeddedBusOptions, 'targets'>) => {
  const bus = await createEmbeddedBus({
    dataDir: options.dataDir ?? tempDir(),
    clock,
    baseDelayMs: 1,
    maxDelayMs: 5,
    closeGraceMs: 50,
    log: () => undefined,
    ...options,
  });
  buses.push(bus);
  return bus;
};

const upsert = (email: string, source = 'shop') => ({
  Source: source,
  DetailType: 'Record Upsert',
  Detail: JSON.stringify({ objectType: 'contacts', idProperty: 'email', properties: { email } }),
});

const recordChanged = { source: 'crm.records', detailType: 'Record Changed', detail: { id: 'c1' } };

const queueFiles = (dataDir: string) => readdirSync(join(dataDir, 'bus', 'queue'));

describe('createEmbeddedBus', () => {
  it('answers PutEvents like EventBridge: an id per accepted entry, an ErrorCode per refused one', async () => {
    // Prepare
    const bus = await openBus({ targets: { ingest: async () => undefined } });
    // Act
    const result = await bus.putEvents([
      upsert('a@x.io'),
      { Source: 'shop', DetailType: 'Record Upsert' },
      { Source: 'shop', DetailType: 'Record Upsert', Detail: '{not json' },
      { Source: 'shop', DetailType: 'Record Upsert', Detail: '[1]' },
      upsert('b@x.io', 'crm.records'),
      { ...upsert('c@x.io'), EventBusName: 'other' },
      { Source: 'shop', DetailType: 'Big', Detail: JSON.stringify({ text: 'x'.repeat(256 * 1024) }) },
    ]);
    // Assess
    expect(result.FailedEntryCount).toBe(6);
    expect(result.Entries[0]).toEqual({ EventId: expect.any(String) });
    expect(result.Entries.slice(1).map((entry) => ('ErrorCode' in entry ? entry.ErrorCode : ''))).toEqual([
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'NotAuthorizedForSourceException',
      'InvalidArgument',
      'InvalidArgument',
    ]);
    expect(bus.metrics()).toMatchObject({ accepted: 1, failedEntries: 6 });
  });

  it('delivers each event to the targets of the rules it matches, in the EventBridge envelope', async () => {
    // Prepare
    const ingest = vi.fn(async (_event: EventEnvelope) => undefined);
    const enrollment = vi.fn(async (_event: EventEnvelope) => undefined);
    const bus = await openBus({ targets: { ingest, enrollment } });
    // Act
    await bus.putEvents([upsert('a@x.io'), { Source: 'shop', DetailType: 'Order Placed', Detail: '{}' }]);
    await bus.publish([recordChanged]);
    await bus.settle();
    // Assess
    expect(ingest).toHaveBeenCalledTimes(1);
    expect(ingest.mock.calls[0]![0]).toEqual({
      version: '0',
      id: expect.any(String),
      source: 'shop',
      'detail-type': 'Record Upsert',
      account: '000000000000',
      region: 'local',
      time: '2027-01-04T08:00:00Z',
      resources: [],
      detail: { objectType: 'contacts', idProperty: 'email', properties: { email: 'a@x.io' } },
    });
    expect(enrollment).toHaveBeenCalledTimes(1);
    expect(enrollment.mock.calls[0]![0]).toMatchObject({ source: 'crm.records', detail: { id: 'c1' } });
    expect(bus.metrics()).toMatchObject({ accepted: 3, delivered: 2, deadLettered: 0 });
  });

  it('retries a failing delivery with backoff until it succeeds', async () => {
    // Prepare
    let calls = 0;
    const ingest = vi.fn(async () => {
      calls += 1;
      if (calls < 3) throw new Error('the store is busy');
    });
    const bus = await openBus({ targets: { ingest } });
    // Act
    await bus.putEvents([upsert('a@x.io')]);
    await bus.settle();
    // Assess
    expect(ingest).toHaveBeenCalledTimes(3);
    expect(bus.metrics()).toMatchObject({ delivered: 1, retried: 2, deadLettered: 0 });
    expect(await bus.deadLetters()).toEqual([]);
  });

  it('dead-letters a poison event after every attempt, with error, target and attempts, and the next event still gets through', async () => {
    // Prepare
    const seen: string[] = [];
    const ingest = async (event: EventEnvelope) => {
      const email = (event.detail as { properties: { email: string } }).properties.email;
      seen.push(email);
      if (email === 'poison@x.io') throw new Error('cannot apply this one');
    };
    const dataDir = tempDir();
    const bus = await openBus({ dataDir, targets: { ingest }, maxAttempts: 4 });
    // Act
    await bus.putEvents([upsert('poison@x.io'), upsert('good@x.io')]);
    await bus.settle();
    // Assess
    expect(seen.filter((email) => email === 'poison@x.io')).toHaveLength(4);
    expect(seen).toContain('good@x.io');
    const letters = await bus.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      target: 'ingest',
      rule: 'inbound-to-ingest',
      attempts: 4,
      error: { name: 'Error', message: 'cannot apply this one' },
      event: { detail: { properties: { email: 'poison@x.io' } } },
    });
    expect(bus.metrics()).toMatchObject({ delivered: 1, deadLettered: 1, invalid: 0 });
    expect(queueFiles(dataDir)).toEqual([]);
  });

  it('dead-letters an invalid inbound event at once with its validation error, and counts it', async () => {
    // Prepare
    const records = {
      create: vi.fn(),
      update: vi.fn(),
      upsert: vi.fn(),
      delete: vi.fn(),
      associate: vi.fn(),
      dissociate: vi.fn(),
    };
    const bus = await openBus({ targets: { ingest: createIngestTarget({ records }) } });
    // Act
    await bus.putEvents([
      {
        Source: 'shop',
        DetailType: 'Record Upsert',
        Detail: JSON.stringify({ objectType: 'people', properties: {} }),
      },
    ]);
    await bus.settle();
    // Assess
    const [letter] = await bus.deadLetters();
    expect(letter).toMatchObject({
      attempts: 1,
      error: { code: 'VALIDATION_FAILED', details: [{ path: 'detail.objectType' }] },
    });
    expect(letter?.error.message).toMatch(/^the Record Upsert detail is not valid: detail\.objectType/);
    expect(records.upsert).not.toHaveBeenCalled();
    expect(bus.metrics()).toMatchObject({ deadLettered: 1, invalid: 1, retried: 0 });
  });

  it('does not retry a user mistake (a 4xx of the services): straight to the dead letters', async () => {
    // Prepare
    const ingest = vi.fn(async () => {
      throw new NotFoundError('contacts c9 not found');
    });
    const bus = await openBus({ targets: { ingest } });
    // Act
    await bus.putEvents([upsert('a@x.io')]);
    await bus.settle();
    // Assess
    expect(ingest).toHaveBeenCalledTimes(1);
    expect((await bus.deadLetters())[0]?.error).toEqual({
      name: 'NotFoundError',
      code: 'NOT_FOUND',
      message: 'contacts c9 not found',
    });
  });

  it('lists dead letters newest first', async () => {
    // Prepare
    const bus = await openBus({
      targets: {
        ingest: async (event) => {
          throw new NotFoundError((event.detail as { properties: { email: string } }).properties.email);
        },
      },
    });
    // Act
    for (const email of ['1@x.io', '2@x.io', '3@x.io']) {
      await bus.putEvents([upsert(email)]);
      await bus.settle();
    }
    // Assess
    expect((await bus.deadLetters()).map((letter) => letter.error.message)).toEqual([
      '3@x.io',
      '2@x.io',
      '1@x.io',
    ]);
    expect(await bus.deadLetters({ limit: 1 })).toHaveLength(1);
  });

  it('keeps what it accepted on disk: a new bus on the same directory delivers what was not delivered', async () => {
    // Prepare: a target that never answers, so nothing is delivered before the bus closes.
    const dataDir = tempDir();
    const first = await openBus({ dataDir, targets: { ingest: () => new Promise<void>(() => undefined) } });
    const { Entries } = await first.putEvents([upsert('a@x.io'), upsert('b@x.io')]);
    await first.close();
    const ingest = vi.fn(async (_event: EventEnvelope) => undefined);
    // Act
    const second = await openBus({ dataDir, targets: { ingest } });
    await second.settle();
    // Assess
    expect(ingest.mock.calls.map(([event]) => event.id).sort()).toEqual(
      Entries.map((entry) => ('EventId' in entry ? entry.EventId : '')).sort(),
    );
    expect(queueFiles(dataDir)).toEqual([]);
  });

  it('does not deliver again after a restart what it delivered', async () => {
    // Prepare
    const dataDir = tempDir();
    const first = await openBus({ dataDir, targets: { ingest: async () => undefined } });
    await first.putEvents([upsert('a@x.io')]);
    await first.settle();
    await first.close();
    const ingest = vi.fn(async () => undefined);
    // Act
    const second = await openBus({ dataDir, targets: { ingest } });
    await second.settle();
    // Assess
    expect(ingest).not.toHaveBeenCalled();
  });

  it('after a restart delivers an event only to the targets it had not reached yet', async () => {
    // Prepare: the enrollment target hangs, ingest answers.
    const dataDir = tempDir();
    const ingest = vi.fn(async () => undefined);
    const first = await openBus({
      dataDir,
      targets: { ingest, enrollment: () => new Promise<void>(() => undefined) },
      rules: [
        { name: 'to-ingest', description: '', eventPattern: { source: ['shop'] }, target: 'ingest' },
        { name: 'to-enrollment', description: '', eventPattern: { source: ['shop'] }, target: 'enrollment' },
      ],
    });
    await first.putEvents([upsert('a@x.io')]);
    await vi.waitFor(() => expect(ingest).toHaveBeenCalledTimes(1));
    await first.close();
    const enrollment = vi.fn(async () => undefined);
    const ingestAgain = vi.fn(async () => undefined);
    // Act
    const second = await openBus({ dataDir, targets: { ingest: ingestAgain, enrollment } });
    await second.settle();
    // Assess
    expect(enrollment).toHaveBeenCalledTimes(1);
    expect(ingestAgain).not.toHaveBeenCalled();
    expect(queueFiles(dataDir)).toEqual([]);
  });

  it('closes once the deliveries in flight have finished and been recorded', async () => {
    // Prepare
    const dataDir = tempDir();
    let finished = false;
    const ingest = () =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          finished = true;
          resolve();
        }, 20),
      );
    const bus = await openBus({ dataDir, targets: { ingest }, closeGraceMs: 5_000 });
    await bus.putEvents([upsert('a@x.io')]);
    // Act
    await bus.close();
    // Assess
    expect(finished).toBe(true);
    expect(queueFiles(dataDir)).toEqual([]);
    await expect(bus.putEvents([upsert('b@x.io')])).rejects.toThrow(/closed/);
  });

  it('publishes the system’s own events and refuses a batch with an invalid one', async () => {
    // Prepare
    const enrollment = vi.fn(async () => undefined);
    const bus = await openBus({ targets: { enrollment } });
    // Act
    const ids = await bus.publish([recordChanged]);
    const refused = bus.publish([recordChanged, { source: 'crm.records', detailType: '', detail: {} }]);
    // Assess
    await expect(refused).rejects.toThrow(/DetailType/);
    await bus.settle();
    expect(ids).toHaveLength(1);
    expect(enrollment).toHaveBeenCalledTimes(1);
  });

  it('ignores a rule whose target is not given, and keeps nothing for it', async () => {
    // Prepare
    const dataDir = tempDir();
    const bus = await openBus({ dataDir, targets: { ingest: async () => undefined } });
    // Act
    await bus.publish([recordChanged]);
    await bus.settle();
    // Assess
    expect(queueFiles(dataDir)).toEqual([]);
  });
});
