import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../../core/ports/page.ts';
import type {
  AssociationRepository,
  ChangeGuard,
  RecordRef,
} from '../../core/records/association-repository.ts';
import type { ObjectType } from '../../core/records/object-types.ts';
import { setGuardedFlag } from './guarded-flag.ts';
import { associationPrefix, associationSk, recordPk } from './keys.ts';
import { queryAll, queryPage } from './paging.ts';
import type { StoreOptions } from './store-options.ts';

interface EdgeItem {
  readonly toObjectType: ObjectType;
  readonly toId: string;
}

/**
 * Associations as two edge items, one in each record's partition (`ASSOC#<toType>#<toId>`): either end lists
 * the other with one consistent query. A dissociation keeps the edge with `present = false` (and the guard
 * versions), so that a late repeat of an older association cannot bring it back.
 */
export class DynamoDBAssociationRepository implements AssociationRepository {
  readonly #options: StoreOptions;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  async exists(from: RecordRef, to: RecordRef): Promise<boolean> {
    const { Item } = await this.#options.client.send(
      new GetCommand({
        TableName: this.#options.tableName,
        Key: { pk: recordPk(from.objectType, from.id), sk: associationSk(to.objectType, to.id) },
        ConsistentRead: true,
      }),
    );
    return Item?.present === true;
  }

  async put(a: RecordRef, b: RecordRef, guard: ChangeGuard): Promise<void> {
    await this.#set(a, b, true, guard);
  }

  async delete(a: RecordRef, b: RecordRef, guard: ChangeGuard): Promise<void> {
    await this.#set(a, b, false, guard);
  }

  async page(from: RecordRef, toObjectType: ObjectType, page: PageRequest): Promise<Page<RecordRef>> {
    const pk = recordPk(from.objectType, from.id);
    const found = await queryPage<EdgeItem>(
      this.#options.client,
      this.#query(pk, associationPrefix(toObjectType)),
      page,
      ['pk', pk],
    );
    return { results: found.results.map(toRef), nextCursor: found.nextCursor };
  }

  async all(from: RecordRef): Promise<RecordRef[]> {
    const items = await queryAll<EdgeItem>(
      this.#options.client,
      this.#query(recordPk(from.objectType, from.id), associationPrefix()),
    );
    return items.map(toRef);
  }

  #query(pk: string, prefix: string) {
    return {
      TableName: this.#options.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'present = :present',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix, ':present': true },
      ConsistentRead: true,
    };
  }

  async #set(a: RecordRef, b: RecordRef, present: boolean, guard: ChangeGuard): Promise<void> {
    // The far end first: `a`'s own edge changes last, so that a deletion's cleanup cut short by a crash still
    // finds the edge in `a`'s partition (`all`) when it is completed again.
    for (const [from, to] of [
      [b, a],
      [a, b],
    ] as const) {
      await setGuardedFlag(
        this.#options,
        {
          key: { pk: recordPk(from.objectType, from.id), sk: associationSk(to.objectType, to.id) },
          present,
          attributes: { kind: 'association', toObjectType: to.objectType, toId: to.id },
        },
        guard,
      );
    }
  }
}

const toRef = (item: EdgeItem): RecordRef => ({ objectType: item.toObjectType, id: item.toId });
