import type { Page, PageRequest } from '../ports/page.ts';
import type { ObjectType } from './object-types.ts';

/** One end of an association. */
export interface RecordRef {
  readonly objectType: ObjectType;
  readonly id: string;
}

/**
 * The change an effect belongs to: an effect item keeps, per record, the version of the last change that wrote it,
 * and an effect of an older (or the same) version is not applied again — so a change completed twice, or late,
 * never undoes a later one.
 */
export interface ChangeGuard {
  readonly ref: RecordRef;
  readonly version: number;
}

/** Associations between records, kept both ways so that either end lists the other. */
export interface AssociationRepository {
  exists(from: RecordRef, to: RecordRef): Promise<boolean>;
  /** Both directions; idempotent under `guard`. */
  put(a: RecordRef, b: RecordRef, guard: ChangeGuard): Promise<void>;
  /** Both directions; idempotent under `guard`. */
  delete(a: RecordRef, b: RecordRef, guard: ChangeGuard): Promise<void>;
  /** Records of `toObjectType` associated with `from`. */
  page(from: RecordRef, toObjectType: ObjectType, page: PageRequest): Promise<Page<RecordRef>>;
  /** Every record associated with `from`, any type (for a deletion's cleanup). */
  all(from: RecordRef): Promise<RecordRef[]>;
}
