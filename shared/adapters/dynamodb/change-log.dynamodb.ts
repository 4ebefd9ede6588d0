import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../../core/ports/page.ts';
import type { ChangeLog } from '../../core/records/change-log.ts';
import type { ObjectType } from '../../core/records/object-types.ts';
import type { RecordChange } from '../../core/records/record-change.ts';
import { CHANGE_PREFIX, changeSk, recordPk, UNPUBLISHED_PARTITION } from './keys.ts';
import { indexPage, queryPage } from './paging.ts';
import { conditionally, type StoreOptions } from './store-options.ts';
import { TABLE_KEYS } from './table.ts';

/** The greatest sort key a change can have (versions have 10 digits). */
const LAST_CHANGE_SK = `${CHANGE_PREFIX}9999999999`;

const stripKeys = (item: Record<string, unknown>): RecordChange => {
  const { pk: _pk, sk: _sk, kind: _kind, gsi2pk: _gpk, gsi2sk: _gsk, ...change } = item;
  return change as unknown as RecordChange;
};

/**
 * The change log: one item per record and version in the record's own partition (`CHG#<version>`, so a query
 * reads a record's history in version order), listed in gsi2's sparse `UNPUBLISHED` partition until published.
 */
export class DynamoDBChangeLog implements ChangeLog {
  readonly #options: StoreOptions;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  /** `attribute_not_exists`: a repeated append (a completion run twice) neither duplicates nor republishes. */
  async append(change: RecordChange): Promise<void> {
    const version = String(change.version).padStart(10, '0');
    await conditionally(() =>
      this.#options.client.send(
        new PutCommand({
          TableName: this.#options.tableName,
          Item: {
            ...change,
            pk: recordPk(change.objectType, change.id),
            sk: changeSk(change.version),
            kind: 'change',
            [TABLE_KEYS.gsi2.pk]: UNPUBLISHED_PARTITION,
            [TABLE_KEYS.gsi2.sk]: `${change.at}#${change.objectType}#${change.id}#${version}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async history(objectType: ObjectType, id: string, page: PageRequest): Promise<Page<RecordChange>> {
    const pk = recordPk(objectType, id);
    const found = await queryPage<Record<string, unknown>>(
      this.#options.client,
      {
        TableName: this.#options.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': CHANGE_PREFIX },
        ConsistentRead: true,
      },
      page,
      ['pk', pk],
    );
    return { results: found.results.map(stripKeys), nextCursor: found.nextCursor };
  }

  /** `sk BETWEEN CHG#<version + 1> AND CHG#9999999999`: the record's later entries only, in version order. */
  async since(
    objectType: ObjectType,
    id: string,
    version: number,
    page: PageRequest,
  ): Promise<Page<RecordChange>> {
    const pk = recordPk(objectType, id);
    const found = await queryPage<Record<string, unknown>>(
      this.#options.client,
      {
        TableName: this.#options.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': changeSk(version + 1), ':to': LAST_CHANGE_SK },
        ConsistentRead: true,
      },
      page,
      ['pk', pk],
    );
    return { results: found.results.map(stripKeys), nextCursor: found.nextCursor };
  }

  async unpublished(page: PageRequest): Promise<Page<RecordChange>> {
    const found = await indexPage<Record<string, unknown>>(
      this.#options,
      'gsi2',
      UNPUBLISHED_PARTITION,
      page,
    );
    return { results: found.results.map(stripKeys), nextCursor: found.nextCursor };
  }

  async markPublished(change: Pick<RecordChange, 'objectType' | 'id' | 'version'>): Promise<void> {
    await conditionally(() =>
      this.#options.client.send(
        new UpdateCommand({
          TableName: this.#options.tableName,
          Key: { pk: recordPk(change.objectType, change.id), sk: changeSk(change.version) },
          UpdateExpression: 'REMOVE #gpk, #gsk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#gpk': TABLE_KEYS.gsi2.pk, '#gsk': TABLE_KEYS.gsi2.sk },
        }),
      ),
    );
  }
}
