import { ConflictError, NotFoundError, ValidationError } from '../errors/app-error.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { Page, PageRequest } from '../ports/page.ts';
import type { ObjectType } from '../records/object-types.ts';
import type { CrmRecord, Properties } from '../records/record.schema.ts';
import { type ChangeKind, changedPropertyNames, type RecordChange } from '../records/record-change.ts';
import type { StoredRecord } from '../records/record-repository.ts';
import { type UniqueKey, uniqueKey } from '../records/unique-claims.ts';
import { RecordVersionConflict } from '../records/version-conflict.ts';
import type { CreateOptions, RecordService, UpdateOptions, WriteOptions } from './crm-services.ts';
import { assertObjectType } from './object-type-check.ts';
import type { CrmPropertyService } from './property-service.ts';
import {
  applyProperties,
  canonicalProperties,
  propertiesSizeIssue,
  propertyIssues,
} from './property-values.ts';
import { type RecordChanges, uniquePropertyNames, uniqueValues } from './record-changes.ts';
import type { RecordStores } from './record-stores.ts';

export interface RecordServiceOptions {
  readonly stores: RecordStores;
  readonly properties: CrmPropertyService;
  readonly changes: RecordChanges;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /**
   * How long a claim of a unique value protects a record that is not written yet (a create in flight). A claim
   * older than this whose record does not hold the value is stale (its writer crashed) and may be taken over.
   * Default 5 minutes: longer than any request may run.
   */
  readonly claimGraceMs?: number;
  /**
   * Read-modify-write attempts of a change that carries no version (PATCH, delete, associations). An attempt is lost
   * only to another writer's committed change, so `n` writers of one record at once all succeed within `n`
   * attempts: the bound (default 100) stops only a record under continuous writes, with a 409.
   */
  readonly attempts?: number;
}

const DEFAULT_CLAIM_GRACE_MS = 5 * 60_000;
const DEFAULT_ATTEMPTS = 100;
/** Records kept as last read (see `#recent`). */
const RECENT_RECORDS = 1_000;

/** Records, their associations and unique values, every change committed through the write protocol. */
export class CrmRecordService implements RecordService {
  readonly #stores: RecordStores;
  readonly #properties: CrmPropertyService;
  readonly #changes: RecordChanges;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #graceMs: number;
  readonly #attempts: number;
  /** Per record, the last write of it this service started: its writes take turns instead of racing each other. */
  readonly #turns = new Map<string, Promise<unknown>>();
  /**
   * The records `get` read last (at most `RECENT_RECORDS`, the oldest dropped), each taken by the next `update` of
   * it as its first guess of the current record instead of reading it again: its commit is conditional on the
   * guessed version, which every change moves, so a stale guess only costs the read after all; and an update the
   * guess shows changing nothing reads the record to be sure. A guess is never the sole ground of an outcome.
   */
  readonly #recent = new Map<string, CrmRecord>();

  constructor(options: RecordServiceOptions) {
    this.#stores = options.stores;
    this.#properties = options.properties;
    this.#changes = options.changes;
    this.#clock = options.clock;
    this.#ids = options.ids;
    this.#graceMs = options.claimGraceMs ?? DEFAULT_CLAIM_GRACE_MS;
    this.#attempts = options.attempts ?? DEFAULT_ATTEMPTS;
  }

  async create(
    objectType: ObjectType,
    properties: Properties,
    options: CreateOptions = {},
  ): Promise<CrmRecord> {
    const values = applyProperties({}, await this.#validated(objectType, properties));
    if (options.id !== undefined) {
      const earlier = await this.#createdAs(objectType, options.id);
      if (earlier) return earlier;
    }
    const now = this.#now();
    const id = options.id ?? this.#ids();
    const record: CrmRecord = {
      id,
      objectType,
      properties: { ...values, createdate: now, lastmodifieddate: now },
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    assertStorable(record.properties);
    const taken = await this.#claimAll(objectType, id, 1, new Map(), record.properties);
    const change = this.#change(record, 'created', null, options);
    let committed: boolean;
    try {
      committed = await this.#changes.commit({ record, change, expectedVersion: null });
    } catch (error) {
      await this.#releaseUnwritten(record, taken);
      throw error;
    }
    if (committed || options.id === undefined) return record;
    // A create of the same chosen id won the race: answer the record it made.
    const winner = await this.#createdAs(objectType, options.id);
    if (!winner) throw new ConflictError(`the ${objectType} record ${options.id} keeps changing; try again`);
    return winner;
  }

  /**
   * The record created with `id` before, if any: the record item (a tombstone included), else the creation its
   * change log keeps (the record was deleted since).
   */
  async #createdAs(objectType: ObjectType, id: string): Promise<CrmRecord | undefined> {
    const stored = await this.#changes.load(objectType, id);
    if (stored) return stored.record;
    const [creation] = (await this.#stores.changeLog.history(objectType, id, { limit: 1 })).results;
    if (!creation?.after) return undefined;
    return {
      id,
      objectType,
      properties: creation.after.properties,
      createdAt: creation.at,
      updatedAt: creation.at,
      version: creation.version,
    };
  }

  async upsert(
    objectType: ObjectType,
    idProperty: string,
    properties: Properties,
    options: WriteOptions = {},
  ): Promise<{ record: CrmRecord; created: boolean }> {
    assertObjectType(objectType);
    const unique = uniquePropertyNames(objectType);
    if (!unique.includes(idProperty)) {
      const allowed =
        unique.length > 0 ? `for ${objectType} it is ${unique.join(', ')}` : `${objectType} have none`;
      throw new ValidationError([{ path: 'idProperty', message: `must be a unique property: ${allowed}` }]);
    }
    // The values first: one of the wrong type (an object for the email) is told what its property expects.
    await this.#validated(objectType, properties);
    const value = properties[idProperty];
    if (typeof value !== 'string' || value === '') {
      throw new ValidationError([
        { path: `properties.${idProperty}`, message: 'the upsert needs this value' },
      ]);
    }
    for (let attempt = 0; attempt < this.#attempts; attempt += 1) {
      const holder = await this.#holder(uniqueKey(objectType, idProperty, value));
      if (holder) {
        try {
          return {
            record: await this.update(objectType, holder.record.id, properties, options),
            created: false,
          };
        } catch (error) {
          // The holder was deleted in between: the value is free (or about to be), so create.
          if (!(error instanceof NotFoundError)) throw error;
          continue;
        }
      }
      try {
        return { record: await this.create(objectType, properties, options), created: true };
      } catch (error) {
        // Another upsert of the same value created it in between: update that one.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    throw new ConflictError(
      `the ${objectType} record with ${idProperty} "${value}" keeps changing; try again`,
    );
  }

  async get(objectType: ObjectType, id: string): Promise<CrmRecord> {
    assertObjectType(objectType);
    const { record } = await this.#changes.loadLive(objectType, id);
    const key = `${objectType}#${id}`;
    this.#recent.delete(key);
    this.#recent.set(key, record);
    if (this.#recent.size > RECENT_RECORDS) this.#recent.delete(this.#recent.keys().next().value as string);
    return record;
  }

  /** The record `get` read last, if kept, no longer kept. */
  #takeRecent(objectType: ObjectType, id: string): CrmRecord | undefined {
    const key = `${objectType}#${id}`;
    const recent = this.#recent.get(key);
    this.#recent.delete(key);
    return recent;
  }

  async page(objectType: ObjectType, page: PageRequest): Promise<Page<CrmRecord>> {
    assertObjectType(objectType);
    return this.#stores.records.page(objectType, page);
  }

  async update(
    objectType: ObjectType,
    id: string,
    properties: Properties,
    options: UpdateOptions = {},
  ): Promise<CrmRecord> {
    const canonical = await this.#validated(objectType, properties);
    let guessed: CrmRecord | undefined;
    const guess = () => {
      guessed = this.#takeRecent(objectType, id);
      return guessed;
    };
    const { expectedVersion, effectKey } = options;
    return this.#retry(
      objectType,
      id,
      async (stored) => {
        const current = stored.record;
        if (expectedVersion !== undefined && current.version !== expectedVersion) {
          // A guess may be stale: only the record read now refuses the write.
          if (current === guessed) return undefined;
          if (effectKey !== undefined && (await this.#madeBy(objectType, id, effectKey, expectedVersion))) {
            return current;
          }
          throw new RecordVersionConflict(current, expectedVersion);
        }
        const values = applyProperties(current.properties, canonical);
        // Nothing to write by the guess: read the record to be sure.
        if (changedPropertyNames(current.properties, values).length === 0) {
          return current === guessed ? undefined : current;
        }
        const now = this.#now();
        const record: CrmRecord = {
          ...current,
          properties: { ...values, lastmodifieddate: now },
          updatedAt: now,
          version: current.version + 1,
        };
        assertStorable(record.properties);
        const before = uniqueValues(objectType, current.properties);
        await this.#claimAll(objectType, id, record.version, before, record.properties);
        const change = this.#change(record, 'updated', current, options);
        // On a lost race the claims stay: the next attempt needs them, and a claim its record never came to hold
        // is stale after the grace period (releasing could drop the winner's claim of the same value).
        return (await this.#changes.commit({ record, change, expectedVersion: current.version }))
          ? record
          : undefined;
      },
      guess,
    );
  }

  async delete(objectType: ObjectType, id: string, options: WriteOptions = {}): Promise<void> {
    assertObjectType(objectType);
    await this.#retry(objectType, id, async (stored) => {
      const record = { ...stored.record, version: stored.record.version + 1 };
      const change: RecordChange = {
        ...this.#change(record, 'deleted', stored.record, options),
        after: null,
        changedProperties: Object.keys(stored.record.properties).sort(),
      };
      const written = await this.#changes.commit({
        record,
        change,
        expectedVersion: stored.record.version,
        deleted: true,
      });
      return written ? true : undefined;
    });
  }

  async associate(
    objectType: ObjectType,
    id: string,
    toObjectType: ObjectType,
    toId: string,
    options: WriteOptions = {},
  ): Promise<void> {
    await this.#changeAssociation('associated', objectType, id, toObjectType, toId, options);
  }

  async dissociate(
    objectType: ObjectType,
    id: string,
    toObjectType: ObjectType,
    toId: string,
    options: WriteOptions = {},
  ): Promise<void> {
    await this.#changeAssociation('dissociated', objectType, id, toObjectType, toId, options);
  }

  async associations(
    objectType: ObjectType,
    id: string,
    toObjectType: ObjectType,
    page: PageRequest,
  ): Promise<Page<{ id: string }>> {
    assertObjectType(objectType);
    assertObjectType(toObjectType, 'toObjectType');
    await this.#changes.loadLive(objectType, id);
    const found = await this.#stores.associations.page({ objectType, id }, toObjectType, page);
    return { results: found.results.map((ref) => ({ id: ref.id })), nextCursor: found.nextCursor };
  }

  /**
   * A change of the record that leaves its properties as they are (an association, a list membership): one
   * version, committed only when `applies` says the change is real (an existing association is not one).
   */
  async changeMembership(
    objectType: ObjectType,
    id: string,
    kind: 'associated' | 'dissociated' | 'listed' | 'unlisted',
    target: Pick<RecordChange, 'association' | 'listId'>,
    applies: () => Promise<boolean>,
    options: WriteOptions = {},
  ): Promise<void> {
    await this.#retry(objectType, id, async (stored) => {
      if (!(await applies())) return true;
      const record = { ...stored.record, version: stored.record.version + 1 };
      const change: RecordChange = { ...this.#change(record, kind, stored.record, options), ...target };
      return (await this.#changes.commit({ record, change, expectedVersion: stored.record.version }))
        ? true
        : undefined;
    });
  }

  async #changeAssociation(
    kind: 'associated' | 'dissociated',
    objectType: ObjectType,
    id: string,
    toObjectType: ObjectType,
    toId: string,
    options: WriteOptions,
  ): Promise<void> {
    assertObjectType(objectType);
    assertObjectType(toObjectType, 'toObjectType');
    if (objectType === toObjectType && id === toId) {
      throw new ValidationError([{ path: 'toId', message: 'a record is not associated with itself' }]);
    }
    const from = { objectType, id };
    const to = { objectType: toObjectType, id: toId };
    const association = { association: { toObjectType, toId } };
    if (kind === 'associated') await this.#changes.loadLive(toObjectType, toId);
    await this.changeMembership(
      objectType,
      id,
      kind,
      association,
      async () => {
        const exists = await this.#stores.associations.exists(from, to);
        return kind === 'associated' ? !exists : exists;
      },
      options,
    );
    if (kind === 'dissociated' || (await this.#isLive(toObjectType, toId))) return;
    // The far record was deleted between the check and the commit: its cleanup may have run before the far edge
    // was written. Undo through a dissociation (logged like any), so that no edge names a deleted record.
    await this.changeMembership(
      objectType,
      id,
      'dissociated',
      association,
      () => this.#stores.associations.exists(from, to),
      options,
    );
    throw new NotFoundError(`${toObjectType} record ${toId} not found`);
  }

  /** Whether the record exists and is not being deleted (a pending change completed first). */
  async #isLive(objectType: ObjectType, id: string): Promise<boolean> {
    const stored = await this.#changes.load(objectType, id);
    return stored !== undefined && stored.deleted !== true;
  }

  /**
   * Runs a read-modify-write on the live record until `step` returns a result (undefined: a concurrent write). The
   * writes of one record through this service take turns; only a writer elsewhere (another process) can win a race.
   */
  /**
   * Runs `step` on the record read live until it answers; `guess` may give the first attempt's record instead (its
   * turn come): the step then answers only what a conditional write confirms.
   */
  async #retry<T>(
    objectType: ObjectType,
    id: string,
    step: (stored: StoredRecord) => Promise<T | undefined>,
    guess?: () => CrmRecord | undefined,
  ) {
    assertObjectType(objectType);
    return this.#inTurn(`${objectType}#${id}`, async () => {
      const guessed = guess?.();
      for (let attempt = 0; attempt < this.#attempts; attempt += 1) {
        const stored =
          attempt === 0 && guessed ? { record: guessed } : await this.#changes.loadLive(objectType, id);
        const result = await step(stored);
        if (result !== undefined) return result;
      }
      throw new ConflictError(`the ${objectType} record ${id} keeps changing concurrently; try again`);
    });
  }

  /**
   * True when a change of the record after `version` carries `effectKey`. Read after the record was loaded live
   * (its pending change completed, so in the log): every change up to the version read is there.
   */
  async #madeBy(objectType: ObjectType, id: string, effectKey: string, version: number): Promise<boolean> {
    let cursor: string | undefined;
    do {
      const page = await this.#stores.changeLog.since(objectType, id, version, {
        limit: 100,
        ...(cursor === undefined ? {} : { cursor }),
      });
      if (page.results.some((change) => change.effectKey === effectKey)) return true;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return false;
  }

  /** Runs `write` once the writes of the same key started before it are done (whatever their outcome). */
  async #inTurn<T>(key: string, write: () => Promise<T>): Promise<T> {
    const mine = (this.#turns.get(key) ?? Promise.resolve()).then(write);
    const settled = mine.catch(() => undefined);
    this.#turns.set(key, settled);
    try {
      return await mine;
    } finally {
      if (this.#turns.get(key) === settled) this.#turns.delete(key);
    }
  }

  #change(
    record: CrmRecord,
    kind: ChangeKind,
    before: CrmRecord | null,
    options: UpdateOptions,
  ): RecordChange {
    const changed =
      kind === 'created' || kind === 'updated'
        ? changedPropertyNames(before?.properties, record.properties)
        : [];
    return {
      objectType: record.objectType,
      id: record.id,
      change: kind,
      version: record.version,
      before: before ? { properties: before.properties } : null,
      after: { properties: record.properties },
      changedProperties: changed,
      ...(options.cause ? { cause: options.cause } : {}),
      at: this.#now(),
      ...(options.effectKey === undefined ? {} : { effectKey: options.effectKey }),
    };
  }

  /** The properties checked against the type's catalogue, dates and datetimes in their canonical form. */
  async #validated(objectType: ObjectType, properties: Properties): Promise<Properties> {
    assertObjectType(objectType);
    const names = typeof properties === 'object' && properties !== null ? Object.keys(properties) : [];
    const catalog = await this.#properties.catalog(objectType, names);
    const issues = propertyIssues(catalog, properties);
    if (issues.length > 0) throw new ValidationError(issues);
    return canonicalProperties(catalog, properties);
  }

  #now(): string {
    return this.#clock.now().toISOString();
  }

  /** The live record holding a unique value, if any. */
  async #holder(key: UniqueKey): Promise<StoredRecord | undefined> {
    const claim = await this.#stores.claims.get(key);
    if (!claim) return undefined;
    const stored = await this.#changes.load(key.objectType, claim.recordId);
    return stored && !stored.deleted && holds(stored, key) ? stored : undefined;
  }

  /**
   * Claims the unique values of `properties` that `held` does not already hold for record `id`; ConflictError
   * (and the claims just taken released) when another record holds one. Returns the keys taken.
   */
  async #claimAll(
    objectType: ObjectType,
    id: string,
    version: number,
    held: Map<string, string>,
    properties: Properties,
  ): Promise<UniqueKey[]> {
    const taken: UniqueKey[] = [];
    for (const [property, value] of uniqueValues(objectType, properties)) {
      if (held.get(property) === value) continue;
      const key = uniqueKey(objectType, property, value);
      if (!(await this.#claim(key, id, version))) {
        await this.#releaseAll(objectType, id, version + 1, taken);
        throw new ConflictError(`a ${objectType} record with ${property} "${properties[property]}" exists`);
      }
      taken.push(key);
    }
    return taken;
  }

  async #claim(key: UniqueKey, recordId: string, version: number): Promise<boolean> {
    const claim = { recordId, claimedAt: this.#now(), version };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (await this.#stores.claims.claim(key, claim)) return true;
      const current = await this.#stores.claims.get(key);
      if (!current) continue; // released in between: claim again
      const age = this.#clock.now().getTime() - Date.parse(current.claimedAt);
      if (age < this.#graceMs) return false; // held, or a create in flight
      const stored = await this.#changes.load(key.objectType, current.recordId);
      if (stored && !stored.deleted && holds(stored, key)) return false;
      if (await this.#stores.claims.takeOver(key, current, claim)) return true;
    }
    return false;
  }

  /**
   * After a failed create: the claims it took go, unless its record item was written after all (then the record
   * holds them, and its completion or the recovery finishes the change). A failing read keeps them: stale after
   * the grace period, as when the process dies.
   */
  async #releaseUnwritten(record: CrmRecord, taken: UniqueKey[]): Promise<void> {
    if (taken.length === 0) return;
    try {
      if (await this.#stores.records.get(record.objectType, record.id)) return;
      await this.#releaseAll(record.objectType, record.id, record.version + 1, taken);
    } catch {
      // The original error is the one to report.
    }
  }

  async #releaseAll(objectType: ObjectType, id: string, version: number, keys: UniqueKey[]): Promise<void> {
    for (const key of keys) await this.#stores.claims.release({ ...key, objectType }, id, version);
  }
}

/** ValidationError at `properties` when a record's properties are too heavy for its item (step (a)). */
const assertStorable = (properties: Properties): void => {
  const issue = propertiesSizeIssue(properties);
  if (issue) throw new ValidationError([issue]);
};

const holds = (stored: StoredRecord, key: UniqueKey): boolean => {
  const value = stored.record.properties[key.property];
  return typeof value === 'string' && value.toLowerCase() === key.value;
};
