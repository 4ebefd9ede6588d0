import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDBRepositories } from '../../shared/adapters/dynamodb/index.ts';
import {
  createRecordServices,
  type RecordServices,
} from '../../shared/core/services/create-record-services.ts';
import type { RecordStores } from '../../shared/core/services/record-stores.ts';

/** A clock the test moves by hand. */
export const manualClock = (start = '2026-03-01T09:00:00.000Z') => {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
};

/** Ids `<prefix>-1`, `<prefix>-2`, … */
export const sequentialIds = (prefix = 'id') => {
  let next = 0;
  return () => {
    next += 1;
    return `${prefix}-${String(next).padStart(4, '0')}`;
  };
};

export interface RecordWorld extends RecordServices {
  readonly stores: RecordStores;
  readonly clock: ReturnType<typeof manualClock>;
}

/** The records slice's services over dynalite. */
export const recordWorld = (
  client: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
  options: { clock?: ReturnType<typeof manualClock>; ids?: () => string; claimGraceMs?: number } = {},
): RecordWorld => {
  const stores = createDynamoDBRepositories({ client, tableName });
  const clock = options.clock ?? manualClock();
  const services = createRecordServices({
    stores,
    clock,
    ids: options.ids ?? sequentialIds(),
    ...(options.claimGraceMs === undefined ? {} : { claimGraceMs: options.claimGraceMs }),
  });
  return { ...services, stores, clock };
};
