import type { Page, PageRequest } from '../ports/page.ts';
import type { RecordRef } from '../records/association-repository.ts';
import type { ObjectType } from '../records/object-types.ts';

/** A static list as stored (its size is counted from its members). */
export interface ListItem {
  readonly id: string;
  readonly name: string;
  readonly objectType: ObjectType;
  readonly createdAt: string;
  /** A list being deleted (its memberships are being removed): answered as absent by every route. */
  readonly deleted?: boolean;
}

/** A membership item of a list, present or soft-deleted. */
export interface MemberItem {
  readonly id: string;
  readonly present: boolean;
}

/** Static lists and their members, kept both ways: a list's members and a record's lists. */
export interface ListRepository {
  create(list: ListItem): Promise<void>;
  /** The list item, a tombstone (`deleted`) included. */
  get(id: string): Promise<ListItem | undefined>;
  /** Lists not being deleted. */
  page(page: PageRequest): Promise<Page<ListItem>>;
  /** Tombstones the list: out of `page`, in `deleting` until `remove`. */
  markDeleted(id: string): Promise<void>;
  /** Tombstoned lists whose deletion is not finished (the recovery's feed). */
  deleting(page: PageRequest): Promise<Page<ListItem>>;
  /** Deletes the list item itself: the last step of a deletion, once no membership is left. */
  remove(id: string): Promise<void>;
  /** The list's membership items, present or not, in a stable order (a deletion's cleanup). */
  memberItems(listId: string, page: PageRequest): Promise<Page<MemberItem>>;
  /** Deletes both items of a membership (the record's first): only for a deleted list, unguarded. */
  removeMember(listId: string, member: RecordRef): Promise<void>;
  isMember(listId: string, recordId: string): Promise<boolean>;
  /** Idempotent: applied only when the member item's last change of the record is older than `version`. */
  putMember(listId: string, member: RecordRef, version: number): Promise<void>;
  /** Idempotent, guarded by `version` as `putMember`. */
  deleteMember(listId: string, member: RecordRef, version: number): Promise<void>;
  members(listId: string, page: PageRequest): Promise<Page<{ id: string }>>;
  size(listId: string): Promise<number>;
  /** Ids of the live lists `member` is in (read consistently: a deletion's cleanup relies on it). */
  listsOf(member: RecordRef): Promise<string[]>;
}
