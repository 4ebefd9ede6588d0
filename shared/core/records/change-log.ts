import type { Page, PageRequest } from '../ports/page.ts';
import type { ObjectType } from './object-types.ts';
import type { RecordChange } from './record-change.ts';

/** Every committed change, one entry per record and version, and the feed of those not yet published. */
export interface ChangeLog {
  /** Idempotent: appending an entry that exists (same record and version) changes nothing. */
  append(change: RecordChange): Promise<void>;
  /** The changes of one record in version order. */
  history(objectType: ObjectType, id: string, page: PageRequest): Promise<Page<RecordChange>>;
  /** The changes of one record after `version` (not included), in version order. */
  since(objectType: ObjectType, id: string, version: number, page: PageRequest): Promise<Page<RecordChange>>;
  /** Changes not yet published, oldest first. */
  unpublished(page: PageRequest): Promise<Page<RecordChange>>;
  /** Takes the change out of the unpublished feed (idempotent). */
  markPublished(change: Pick<RecordChange, 'objectType' | 'id' | 'version'>): Promise<void>;
}
