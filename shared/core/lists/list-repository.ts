import type { Page, PageRequest } from '../ports/page.ts';
import type { RecordRef } from '../records/association-repository.ts';
import type { ObjectType } from '../records/object-types.ts';

/** A static list as stored (its size is counted from its members). */
export interface ListItem {
  readonly id: string;
  readonly name: string;
  readonly objectType: ObjectType;
  readonly createdAt: string;
}

/** Static lists and their members, kept both ways: a list's members and a record's lists. */
export interface ListRepository {
  create(list: ListItem): Promise<void>;
  get(id: string): Promise<ListItem | undefined>;
  page(page: PageRequest): Promise<Page<ListItem>>;
  /** Deletes the list and its member items. */
  delete(id: string): Promise<void>;
  isMember(listId: string, recordId: string): Promise<boolean>;
  /** Idempotent: applied only when the member item's last change of the record is older than `version`. */
  putMember(listId: string, member: RecordRef, version: number): Promise<void>;
  /** Idempotent, guarded by `version` as `putMember`. */
  deleteMember(listId: string, member: RecordRef, version: number): Promise<void>;
  members(listId: string, page: PageRequest): Promise<Page<{ id: string }>>;
  size(listId: string): Promise<number>;
  /** Ids of the lists `member` is in (read consistently: a deletion's cleanup relies on it). */
  listsOf(member: RecordRef): Promise<string[]>;
}
