import type { ObjectType } from '../../core/records/object-types.ts';
import type { UniqueKey } from '../../core/records/unique-claims.ts';

/**
 * Keys of the records slice's items in the single table (docs/storage.md, "Items"). Every prefix is this
 * file's: `REC#`, `UNIQ#`, `PROP#`, `LIST#` and the index partitions `TYPE#`, `LISTS`, `PENDING`, `UNPUBLISHED`,
 * `DELETEDLISTS`.
 */
export const recordPk = (objectType: ObjectType, id: string) => `REC#${objectType}#${id}`;
export const RECORD_SK = '#RECORD';
export const changeSk = (version: number) => `CHG#${String(version).padStart(10, '0')}`;
export const CHANGE_PREFIX = 'CHG#';
export const associationSk = (toObjectType: ObjectType, toId: string) => `ASSOC#${toObjectType}#${toId}`;
export const associationPrefix = (toObjectType?: ObjectType) =>
  toObjectType ? `ASSOC#${toObjectType}#` : 'ASSOC#';
export const inListSk = (listId: string) => `INLIST#${listId}`;
export const IN_LIST_PREFIX = 'INLIST#';

export const claimPk = (key: UniqueKey) => `UNIQ#${key.objectType}#${key.property}#${key.value}`;
export const CLAIM_SK = '#UNIQ';

export const propertyPk = (objectType: ObjectType) => `PROP#${objectType}`;
export const propertySk = (name: string) => `PROP#${name}`;

export const listPk = (listId: string) => `LIST#${listId}`;
export const LIST_SK = '#LIST';
export const memberSk = (recordId: string) => `MEM#${recordId}`;
export const MEMBER_PREFIX = 'MEM#';

/** gsi1 partitions: records of a type, all lists. */
export const typePartition = (objectType: ObjectType) => `TYPE#${objectType}`;
export const LISTS_PARTITION = 'LISTS';
/** gsi2 partitions (sparse): record items holding a pending change, change-log entries not yet published. */
export const PENDING_PARTITION = 'PENDING';
export const UNPUBLISHED_PARTITION = 'UNPUBLISHED';
/** gsi2 partition (sparse): tombstoned lists whose deletion is not finished. */
export const DELETED_LISTS_PARTITION = 'DELETEDLISTS';

/** The attribute keeping, on an effect item, the version of the last change of `objectType`/`id` applied to it. */
export const guardAttribute = (objectType: ObjectType, id: string) => `v#${objectType}#${id}`;
