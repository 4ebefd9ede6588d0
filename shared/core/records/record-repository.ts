import type { Page, PageRequest } from '../ports/page.ts';
import type { ObjectType } from './object-types.ts';
import type { CrmRecord } from './record.schema.ts';
import type { RecordChange } from './record-change.ts';

/**
 * A record as stored: the record, the change that made its current version while that change is not yet complete
 * (`pending`: not yet in the change log or its effects not yet applied), and `deleted` for a tombstone kept until
 * its deletion is logged.
 */
export interface StoredRecord {
  readonly record: CrmRecord;
  readonly pending?: RecordChange;
  readonly deleted?: boolean;
}

/** How a record item is written: `expectedVersion` null creates it (refused when it exists). */
export interface RecordWrite {
  readonly record: CrmRecord;
  /** The change that makes `record.version`; kept on the item as pending until it is complete. */
  readonly change: RecordChange;
  readonly expectedVersion: number | null;
  /** Writes a tombstone: the record leaves its type's pages. */
  readonly deleted?: boolean;
}

/** The records port: one item per record, written conditionally on its version (optimistic concurrency). */
export interface RecordRepository {
  /** The record item, tombstones included; undefined when there is none. */
  get(objectType: ObjectType, id: string): Promise<StoredRecord | undefined>;
  /** Live records of a type, oldest first. */
  page(objectType: ObjectType, page: PageRequest): Promise<Page<CrmRecord>>;
  /** False (nothing written) when the item is not at `expectedVersion`, holds a pending change, or exists on create. */
  write(write: RecordWrite): Promise<boolean>;
  /** Removes the pending change of `version` (a no-op when the item moved on or has none). */
  clearPending(objectType: ObjectType, id: string, version: number): Promise<void>;
  /** Deletes a tombstone at `version` once its deletion is complete (a no-op otherwise). */
  removeTombstone(objectType: ObjectType, id: string, version: number): Promise<void>;
  /** Items holding a pending change, oldest change first (the recovery's feed). */
  pending(page: PageRequest): Promise<Page<StoredRecord>>;
}
