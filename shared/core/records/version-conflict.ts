import { ConflictError } from '../errors/app-error.ts';
import type { CrmRecord } from './record.schema.ts';

/**
 * A write conditional on a version found the record at another (a concurrent writer won): nothing was written.
 * `current` is the record as it is now, read consistently, for the writer to compute its change again.
 */
export class RecordVersionConflict extends ConflictError {
  readonly current: CrmRecord;
  readonly expectedVersion: number;

  constructor(current: CrmRecord, expectedVersion: number) {
    super(
      `the ${current.objectType} record ${current.id} is at version ${current.version}, not ${expectedVersion}`,
    );
    this.current = current;
    this.expectedVersion = expectedVersion;
  }
}
