import { NotFoundError } from '../errors/app-error.ts';
import type { RecordRef } from '../records/association-repository.ts';
import { BUILTIN_PROPERTIES } from '../records/builtin-properties.ts';
import type { ObjectType } from '../records/object-types.ts';
import type { Properties } from '../records/record.schema.ts';
import type { RecordChange } from '../records/record-change.ts';
import type { RecordWrite, StoredRecord } from '../records/record-repository.ts';
import { uniqueKey } from '../records/unique-claims.ts';
import type { RecordStores } from './record-stores.ts';
import { type RecoveryOptions, Sweep } from './recovery.ts';

/** Names of the unique properties of a type (`email` of contacts, `domain` of companies). */
export const uniquePropertyNames = (objectType: ObjectType): string[] =>
  BUILTIN_PROPERTIES[objectType]
    .filter((definition) => definition.unique)
    .map((definition) => definition.name);

/** The lower-cased unique values a set of properties holds, by property name. */
export const uniqueValues = (
  objectType: ObjectType,
  properties: Properties | undefined,
): Map<string, string> => {
  const values = new Map<string, string>();
  for (const name of uniquePropertyNames(objectType)) {
    const value = properties?.[name];
    if (typeof value === 'string' && value !== '') values.set(name, value.toLowerCase());
  }
  return values;
};

/**
 * The write protocol of record changes (docs/storage.md, "Write protocol"), without transactions:
 * (a) the record item is written conditionally on its version, holding the change as `pending`;
 * (b) the change's effects (association, membership, released claims) are applied, each guarded by the version;
 * (c) the change is appended to the change log (idempotent by record and version);
 * (d) `pending` is removed (a deletion's tombstone is deleted) conditionally on the version.
 * Whoever finds a pending change — the next writer of the record, a reader about to write, the recovery —
 * completes (b)–(d) for it first, so a crash after (a) loses nothing and a repeat duplicates nothing.
 */
export class RecordChanges {
  readonly #stores: RecordStores;

  constructor(stores: RecordStores) {
    this.#stores = stores;
  }

  /** Step (a) then the completion; false when the item moved on (a concurrent write): nothing was written. */
  async commit(write: RecordWrite): Promise<boolean> {
    if (!(await this.#stores.records.write(write))) return false;
    await this.complete(write.change, write.deleted === true);
    return true;
  }

  /** Steps (b)–(d) of a change whose step (a) is done; safe to repeat and to run concurrently. */
  async complete(change: RecordChange, deleted: boolean): Promise<void> {
    await this.#applyEffects(change);
    await this.#stores.changeLog.append(change);
    if (deleted) await this.#stores.records.removeTombstone(change.objectType, change.id, change.version);
    else await this.#stores.records.clearPending(change.objectType, change.id, change.version);
  }

  /** The record item with any pending change completed first: what a writer reads before it writes. */
  async load(objectType: ObjectType, id: string): Promise<StoredRecord | undefined> {
    const stored = await this.#stores.records.get(objectType, id);
    if (!stored?.pending) return stored;
    await this.complete(stored.pending, stored.deleted === true);
    return this.#stores.records.get(objectType, id);
  }

  /** The live record (pending change completed); NotFoundError when there is none or it is being deleted. */
  async loadLive(objectType: ObjectType, id: string): Promise<StoredRecord> {
    const stored = await this.load(objectType, id);
    if (!stored || stored.deleted) throw new NotFoundError(`${objectType} record ${id} not found`);
    return stored;
  }

  /**
   * Completes the pending changes the table holds (the embedded runtime calls it at start, the background function
   * on AWS every minute) and returns how many: those committed before `committedBefore` when given, until
   * `continueWhile` answers false. Each on its own: one that fails is passed by, and the failures are thrown
   * together at the end (`RecoveryError`).
   */
  async completePendingChanges(options: RecoveryOptions = {}): Promise<number> {
    const sweep = new Sweep(options);
    let cursor: string | undefined;
    do {
      const page = await this.#stores.records.pending({ limit: 100, ...(cursor ? { cursor } : {}) });
      for (const found of page.results) {
        if (!sweep.going) return sweep.end('pending changes');
        await sweep.item(async () => {
          // The index is eventually consistent: read the item itself, and complete only what it still holds.
          const stored = await this.#stores.records.get(found.record.objectType, found.record.id);
          if (!stored?.pending) return false;
          if (options.committedBefore !== undefined && stored.pending.at >= options.committedBefore)
            return false;
          await this.complete(stored.pending, stored.deleted === true);
          return true;
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return sweep.end('pending changes');
  }

  async #applyEffects(change: RecordChange): Promise<void> {
    const { associations, lists, claims } = this.#stores;
    const ref = { objectType: change.objectType, id: change.id };
    const guard = { ref, version: change.version };
    switch (change.change) {
      case 'associated':
        if (change.association) await associations.put(ref, toRef(change.association), guard);
        return;
      case 'dissociated':
        if (change.association) await associations.delete(ref, toRef(change.association), guard);
        return;
      case 'listed':
      case 'unlisted':
        if (change.listId)
          await this.#setMembership(change.listId, ref, change.version, change.change === 'listed');
        return;
      case 'deleted':
        for (const other of await associations.all(ref)) await associations.delete(ref, other, guard);
        for (const listId of await lists.listsOf(ref)) {
          await this.#setMembership(listId, ref, change.version, false);
        }
        break;
      case 'created':
      case 'updated':
        break;
    }
    // Claims of unique values the record gave up.
    const kept = uniqueValues(change.objectType, change.after?.properties);
    for (const [property, value] of uniqueValues(change.objectType, change.before?.properties)) {
      if (kept.get(property) !== value) {
        await claims.release(uniqueKey(change.objectType, property, value), change.id, change.version);
      }
    }
  }

  /**
   * A membership effect. On a deleted (tombstoned or gone) list it removes the membership's items instead, so that
   * a change completed late never brings a membership of a deleted list back; and it checks the list again after
   * writing, because the deletion's cleanup may have passed this member between the check and the write.
   */
  async #setMembership(listId: string, ref: RecordRef, version: number, present: boolean): Promise<void> {
    const { lists } = this.#stores;
    if (await this.#listLive(listId)) {
      if (present) await lists.putMember(listId, ref, version);
      else await lists.deleteMember(listId, ref, version);
      if (await this.#listLive(listId)) return;
    }
    await lists.removeMember(listId, ref);
  }

  async #listLive(listId: string): Promise<boolean> {
    const list = await this.#stores.lists.get(listId);
    return list !== undefined && list.deleted !== true;
  }
}

const toRef = (association: NonNullable<RecordChange['association']>) => ({
  objectType: association.toObjectType,
  id: association.toId,
});
