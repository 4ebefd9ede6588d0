import type { Clock, IdGenerator } from '../ports/clock.ts';
import { CrmListService } from './list-service.ts';
import { CrmPropertyService } from './property-service.ts';
import { RecordChanges } from './record-changes.ts';
import { CrmRecordService } from './record-service.ts';
import type { RecordStores } from './record-stores.ts';

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
   * Completes every pending change, then every list deletion cut short (call at start, or on a schedule); returns
   * how many it completed.
   */
  readonly completePendingChanges: () => Promise<number>;
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
  const completePendingChanges = async () =>
    (await changes.completePendingChanges()) + (await lists.completeDeletions());
  return { properties, records, lists, completePendingChanges };
};
