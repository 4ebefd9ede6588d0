import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../../core/ports/page.ts';
import type { ObjectType } from '../../core/records/object-types.ts';
import type { CrmRecord } from '../../core/records/record.schema.ts';
import type { RecordChange } from '../../core/records/record-change.ts';
import type { RecordRepository, RecordWrite, StoredRecord } from '../../core/records/record-repository.ts';
import { PENDING_PARTITION, RECORD_SK, recordPk, typePartition } from './keys.ts';
import { indexPage } from './paging.ts';
import { conditionally, type StoreOptions } from './store-options.ts';
import { TABLE_KEYS } from './table.ts';

/** The record item: the record, and while its last change is not complete, that change (`pending`). */
interface RecordItem extends CrmRecord {
  readonly pk: string;
  readonly sk: string;
  readonly pending?: RecordChange;
  readonly deleted?: boolean;
}

const toStored = (item: RecordItem): StoredRecord => {
  const { pk: _pk, sk: _sk, pending, deleted, ...rest } = item;
  const record: CrmRecord = {
    id: rest.id,
    objectType: rest.objectType,
    properties: rest.properties,
    createdAt: rest.createdAt,
    updatedAt: rest.updatedAt,
    version: rest.version,
  };
  return { record, ...(pending ? { pending } : {}), ...(deleted ? { deleted: true } : {}) };
};

/** Records, one item each, written with a condition on their version. */
export class DynamoDBRecordRepository implements RecordRepository {
  readonly #options: StoreOptions;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  async get(objectType: ObjectType, id: string): Promise<StoredRecord | undefined> {
    const { Item } = await this.#options.client.send(
      new GetCommand({
        TableName: this.#options.tableName,
        Key: { pk: recordPk(objectType, id), sk: RECORD_SK },
        ConsistentRead: true,
      }),
    );
    return Item ? toStored(Item as RecordItem) : undefined;
  }

  async page(objectType: ObjectType, page: PageRequest): Promise<Page<CrmRecord>> {
    const partition = typePartition(objectType);
    const found = await indexPage<RecordItem>(this.#options, 'gsi1', partition, page);
    return { results: found.results.map((item) => toStored(item).record), nextCursor: found.nextCursor };
  }

  /**
   * Step (a) of the write protocol: one conditional put of the whole item, holding the change as `pending` and the
   * sparse gsi2 key that lists it for the recovery. Create: `attribute_not_exists(pk)`; otherwise the item must be
   * at the expected version with no pending change.
   */
  async write(write: RecordWrite): Promise<boolean> {
    const { record, change, deleted } = write;
    const item = {
      pk: recordPk(record.objectType, record.id),
      sk: RECORD_SK,
      kind: 'record',
      ...record,
      pending: change,
      ...(deleted
        ? { deleted: true }
        : {
            [TABLE_KEYS.gsi1.pk]: typePartition(record.objectType),
            [TABLE_KEYS.gsi1.sk]: `${record.createdAt}#${record.id}`,
          }),
      [TABLE_KEYS.gsi2.pk]: PENDING_PARTITION,
      [TABLE_KEYS.gsi2.sk]: `${change.at}#${record.objectType}#${record.id}`,
    };
    const condition =
      write.expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'version = :expected AND attribute_not_exists(pending)',
            ExpressionAttributeValues: { ':expected': write.expectedVersion },
          };
    return conditionally(() =>
      this.#options.client.send(
        new PutCommand({ TableName: this.#options.tableName, Item: item, ...condition }),
      ),
    );
  }

  /** Step (d): removes `pending` and its index key, only while the item is still at that version. */
  async clearPending(objectType: ObjectType, id: string, version: number): Promise<void> {
    await conditionally(() =>
      this.#options.client.send(
        new UpdateCommand({
          TableName: this.#options.tableName,
          Key: { pk: recordPk(objectType, id), sk: RECORD_SK },
          UpdateExpression: 'REMOVE pending, #gpk, #gsk',
          ConditionExpression: 'version = :version AND attribute_exists(pending)',
          ExpressionAttributeNames: { '#gpk': TABLE_KEYS.gsi2.pk, '#gsk': TABLE_KEYS.gsi2.sk },
          ExpressionAttributeValues: { ':version': version },
        }),
      ),
    );
  }

  /** Step (d) of a deletion: the tombstone goes once the deletion is logged. */
  async removeTombstone(objectType: ObjectType, id: string, version: number): Promise<void> {
    await conditionally(() =>
      this.#options.client.send(
        new DeleteCommand({
          TableName: this.#options.tableName,
          Key: { pk: recordPk(objectType, id), sk: RECORD_SK },
          ConditionExpression: 'version = :version AND deleted = :deleted',
          ExpressionAttributeValues: { ':version': version, ':deleted': true },
        }),
      ),
    );
  }

  async pending(page: PageRequest): Promise<Page<StoredRecord>> {
    const found = await indexPage<RecordItem>(this.#options, 'gsi2', PENDING_PARTITION, page);
    return { results: found.results.map(toStored), nextCursor: found.nextCursor };
  }
}
