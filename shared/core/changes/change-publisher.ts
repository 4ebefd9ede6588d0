import type { ChangeLog } from '../records/change-log.ts';
import { type RecordChange, recordChangedDetail } from '../records/record-change.ts';

/** One event to put on the bus (EventBridge's PutEvents entry, before the bus gives it an id and a time). */
export interface OutgoingEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  /** The instant the event is about (EventBridge's `Time`). */
  readonly time: string;
}

/**
 * Puts events on the bus; resolves with the indexes of the entries the bus refused (EventBridge answers
 * PutEvents per entry), and rejects when the call failed as a whole.
 */
export type PublishEvents = (events: readonly OutgoingEvent[]) => Promise<readonly number[]>;

/** EventBridge takes at most 10 entries per PutEvents call. */
const PUT_EVENTS_BATCH = 10;

/** The `Record Changed` event of a committed change (events.md). */
export const recordChangedEvent = (change: RecordChange): OutgoingEvent => ({
  source: 'crm.records',
  detailType: 'Record Changed',
  detail: recordChangedDetail(change),
  time: change.at,
});

const recordKey = (change: RecordChange): string => `${change.objectType}#${change.id}`;

/** Oldest first overall, and a record's changes in version order whatever their instants say. */
const inRecordOrder = (changes: readonly RecordChange[]): RecordChange[] => {
  const versions = new Map<string, RecordChange[]>();
  for (const change of changes)
    versions.set(recordKey(change), [...(versions.get(recordKey(change)) ?? []), change]);
  for (const list of versions.values()) list.sort((a, b) => a.version - b.version);
  return changes.map((change) => versions.get(recordKey(change))!.shift()!);
};

/**
 * Splits changes into PutEvents calls of at most 10 entries and at most one change per record, so that a
 * change the bus refuses can hold back the later changes of its record.
 */
const batchesOf = (changes: readonly RecordChange[]): RecordChange[][] => {
  const batches: { records: Set<string>; changes: RecordChange[] }[] = [];
  const nextFree = new Map<string, number>();
  for (const change of changes) {
    const key = recordKey(change);
    let index = nextFree.get(key) ?? 0;
    while (
      batches[index] &&
      (batches[index]!.changes.length >= PUT_EVENTS_BATCH || batches[index]!.records.has(key))
    ) {
      index += 1;
    }
    batches[index] ??= { records: new Set(), changes: [] };
    batches[index]!.records.add(key);
    batches[index]!.changes.push(change);
    nextFree.set(key, index + 1);
  }
  return batches.map((batch) => batch.changes);
};

export interface PublishResult {
  readonly published: number;
  /** Changes the bus refused: left in the feed, tried again on the next run. */
  readonly refused: number;
}

/**
 * Publishes the change log's unpublished changes as `Record Changed` events, oldest first and in version order
 * per record, then takes each out of the feed. At least once: a crash between the bus's answer and
 * `markPublished` publishes that change again, and consumers recognise it by record id and version.
 * A record whose change the bus refused publishes nothing more in this run, so its order holds.
 * @example await publishChanges(changeLog, (events) => bus.publish(events))
 */
export const publishChanges = async (
  changeLog: ChangeLog,
  publish: PublishEvents,
  options: { readonly pageSize?: number; readonly maxPages?: number } = {},
): Promise<PublishResult> => {
  let published = 0;
  let refused = 0;
  const held = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < (options.maxPages ?? Number.POSITIVE_INFINITY); page++) {
    const { results, nextCursor } = await changeLog.unpublished({
      limit: options.pageSize ?? 100,
      ...(cursor ? { cursor } : {}),
    });
    for (const candidates of batchesOf(inRecordOrder(results))) {
      const batch = candidates.filter((change) => !held.has(recordKey(change)));
      if (batch.length === 0) continue;
      const failed = new Set(await publish(batch.map(recordChangedEvent)));
      for (const [index, change] of batch.entries()) {
        if (failed.has(index)) {
          held.add(recordKey(change));
          refused += 1;
        } else {
          await changeLog.markPublished(change);
          published += 1;
        }
      }
    }
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return { published, refused };
};
