import type { EnrollmentRef } from '../contract/task-contract.ts';
import { NotFoundError } from '../errors/app-error.ts';
import type { RecordRef } from '../records/association-repository.ts';
import { isObjectType, type ObjectType } from '../records/object-types.ts';
import type { Properties } from '../records/record.schema.ts';
import type { RecordService } from '../services/crm-services.ts';
import type { Target } from '../workflow/action.schema.ts';

/** A record an action writes or reads, with its properties and version as read. */
export interface ReadRecord extends RecordRef {
  readonly properties: Properties;
  readonly version: number;
}

/** How the executor reads records: the enrolled one, those associated with it, those an action's target names. */
export interface RecordReads {
  /** The record's properties; undefined once it is deleted. */
  properties(ref: RecordRef): Promise<Properties | undefined>;
  /** The record, its properties and version; undefined once it is deleted. */
  record(ref: RecordRef): Promise<ReadRecord | undefined>;
  /** The live records of `objectType` associated with `ref` (none when `ref` is gone). */
  associated(ref: RecordRef, objectType: ObjectType): Promise<ReadRecord[]>;
  /** The records `target` names for the enrolled record: itself, or every associated record of a type. */
  targets(ref: RecordRef, target: Target): Promise<ReadRecord[]>;
}

const ASSOCIATION_PAGE = 100;

/** The enrolled record as a reference; an enrollment names a CRM object type. */
export const enrolledRecord = (enrollment: EnrollmentRef): RecordRef => {
  if (!isObjectType(enrollment.objectType)) {
    throw new Error(`enrollment ${enrollment.enrollmentId} names no object type: ${enrollment.objectType}`);
  }
  return { objectType: enrollment.objectType, id: enrollment.recordId };
};

const absentWhenNotFound = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
  try {
    return await read();
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
};

/**
 * Record reads through the record service: a record is read with `get` (a pending change completed first), the
 * associations page by page, 100 at a time.
 */
export const recordReads = (records: Pick<RecordService, 'get' | 'associations'>): RecordReads => {
  const record = async (ref: RecordRef): Promise<ReadRecord | undefined> => {
    const found = await absentWhenNotFound(() => records.get(ref.objectType, ref.id));
    return found && { ...ref, properties: found.properties, version: found.version };
  };
  const properties = async (ref: RecordRef) => (await record(ref))?.properties;

  const associatedIds = async (ref: RecordRef, objectType: ObjectType): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await absentWhenNotFound(() =>
        records.associations(ref.objectType, ref.id, objectType, {
          limit: ASSOCIATION_PAGE,
          ...(cursor === undefined ? {} : { cursor }),
        }),
      );
      if (!page) return ids;
      ids.push(...page.results.map((found) => found.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    return ids;
  };

  const associated = async (ref: RecordRef, objectType: ObjectType): Promise<ReadRecord[]> => {
    const found: ReadRecord[] = [];
    for (const id of await associatedIds(ref, objectType)) {
      const read = await record({ objectType, id });
      if (read) found.push(read);
    }
    return found;
  };

  return {
    properties,
    record,
    associated,
    async targets(ref, target) {
      if (target !== 'self') return associated(ref, target.associated);
      const read = await record(ref);
      return read ? [read] : [];
    },
  };
};
