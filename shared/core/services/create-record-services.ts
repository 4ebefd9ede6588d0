import type { Clock, IdGenerator } from '../ports/clock.ts';
import { CrmListService } from './list-service.ts';
import { CrmPropertyService } from './property-service.ts';
import { RecordChanges } from './record-changes.ts';
import { CrmRecordService } from './record-service.ts';
import type { RecordStores } from './record-stores.ts';
import { RecoveryError, type RecoveryOptions } from './recovery.ts';

export interface RecordServicesOptions {
  readonly stores: RecordStores;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** See `RecordServiceOptions.claimGraceMs`. */
  readonly claimGraceMs?: number;
}

/** The records slice's services over its ports, and the recovery of changes a crash left pending. */
export interface RecordServices {
  readonly properties: CrmPropertyService;
  readonly records: CrmRecordService;
  readonly lists: CrmListService;
  /**
   * Completes the pending changes, then the list deletions cut short (call at start, or on a schedule, with its
   * options); returns how many it completed. Both run whatever the other met; their failures are thrown together
   * at the end (`RecoveryError`).
   */
  readonly completePendingChanges: (options?: RecoveryOptions) => Promise<number>;
}

/**
 * @example createRecordServices({ stores: createDynamoDBRepositories({ client, tableName }), clock, ids })
 */
export const createRecordServices = (options: RecordServicesOptions): RecordServices => {
  const { stores, clock, ids } = options;
  const properties = new CrmPropertyService(stores.properties, { clock });
  const changes = new RecordChanges(stores);
  const records = new CrmRecordService({
    stores,
    properties,
    changes,
    clock,
    ids,
    ...(options.claimGraceMs === undefined ? {} : { claimGraceMs: options.claimGraceMs }),
  });
  const lists = new CrmListService({ stores, records, clock, ids });
  // Pending record changes first, then the list deletions a crash cut short (their cleanup makes changes).
  const completePendingChanges = async (recovery: RecoveryOptions = {}) => {
    let completed = 0;
    const errors: unknown[] = [];
    for (const sweep of [
      () => changes.completePendingChanges(recovery),
      () => lists.completeDeletions(recovery),
    ]) {
      try {
        completed += await sweep();
      } catch (error) {
        if (error instanceof RecoveryError) {
          completed += error.completed;
          errors.push(...error.errors);
        } else errors.push(error);
      }
    }
    if (errors.length > 0) throw new RecoveryError(errors, completed, 'pending changes and list deletions');
    return completed;
  };
  return { properties, records, lists, completePendingChanges };
};
