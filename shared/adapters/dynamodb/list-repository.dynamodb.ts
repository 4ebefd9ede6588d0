import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ListItem, ListRepository, MemberItem } from '../../core/lists/list-repository.ts';
import type { Page, PageRequest } from '../../core/ports/page.ts';
import type { RecordRef } from '../../core/records/association-repository.ts';
import { setGuardedFlag } from './guarded-flag.ts';
import {
  DELETED_LISTS_PARTITION,
  IN_LIST_PREFIX,
  inListSk,
  LIST_SK,
  LISTS_PARTITION,
  listPk,
  MEMBER_PREFIX,
  memberSk,
  recordPk,
} from './keys.ts';
import { indexPage, queryAll, queryCount, queryPage } from './paging.ts';
import { conditionally, type StoreOptions } from './store-options.ts';
import { TABLE_KEYS } from './table.ts';

const toList = (item: Record<string, unknown>): ListItem => ({
  id: item.id as string,
  name: item.name as string,
  objectType: item.objectType as ListItem['objectType'],
  createdAt: item.createdAt as string,
  ...(item.deleted === true ? { deleted: true } : {}),
});

/**
 * Static lists: the list item (`LIST#<id>`, `#LIST`, in gsi1's `LISTS` partition) and each membership twice —
 * `MEM#<recordId>` in the list's partition and `INLIST#<listId>` in the record's — both soft-deleted and
 * guarded by the member's version. The size is counted from the list's partition. A deleted list is first a
 * tombstone (`deleted`, out of `LISTS`, in gsi2's `DELETEDLISTS` until its memberships are removed).
 */
export class DynamoDBListRepository implements ListRepository {
  readonly #options: StoreOptions;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  async create(list: ListItem): Promise<void> {
    await this.#options.client.send(
      new PutCommand({
        TableName: this.#options.tableName,
        Item: {
          pk: listPk(list.id),
          sk: LIST_SK,
          kind: 'list',
          ...list,
          [TABLE_KEYS.gsi1.pk]: LISTS_PARTITION,
          [TABLE_KEYS.gsi1.sk]: `${list.createdAt}#${list.id}`,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<ListItem | undefined> {
    const { Item } = await this.#options.client.send(
      new GetCommand({
        TableName: this.#options.tableName,
        Key: { pk: listPk(id), sk: LIST_SK },
        ConsistentRead: true,
      }),
    );
    return Item ? toList(Item) : undefined;
  }

  async page(page: PageRequest): Promise<Page<ListItem>> {
    const found = await indexPage<Record<string, unknown>>(this.#options, 'gsi1', LISTS_PARTITION, page);
    // The index may lag behind a tombstone for a moment.
    const live = found.results.map(toList).filter((list) => !list.deleted);
    return { results: live, nextCursor: found.nextCursor };
  }

  async markDeleted(id: string): Promise<void> {
    await conditionally(() =>
      this.#options.client.send(
        new UpdateCommand({
          TableName: this.#options.tableName,
          Key: { pk: listPk(id), sk: LIST_SK },
          UpdateExpression: 'SET deleted = :deleted, #g2pk = :g2pk, #g2sk = #g1sk REMOVE #g1pk, #g1sk',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deleted)',
          ExpressionAttributeNames: {
            '#g1pk': TABLE_KEYS.gsi1.pk,
            '#g1sk': TABLE_KEYS.gsi1.sk,
            '#g2pk': TABLE_KEYS.gsi2.pk,
            '#g2sk': TABLE_KEYS.gsi2.sk,
          },
          ExpressionAttributeValues: { ':deleted': true, ':g2pk': DELETED_LISTS_PARTITION },
        }),
      ),
    );
  }

  async deleting(page: PageRequest): Promise<Page<ListItem>> {
    const found = await indexPage<Record<string, unknown>>(
      this.#options,
      'gsi2',
      DELETED_LISTS_PARTITION,
      page,
    );
    return { results: found.results.map(toList), nextCursor: found.nextCursor };
  }

  async remove(id: string): Promise<void> {
    await this.#options.client.send(
      new DeleteCommand({ TableName: this.#options.tableName, Key: { pk: listPk(id), sk: LIST_SK } }),
    );
  }

  async memberItems(listId: string, page: PageRequest): Promise<Page<MemberItem>> {
    const pk = listPk(listId);
    const found = await queryPage<{ recordId: string; present?: boolean }>(
      this.#options.client,
      {
        TableName: this.#options.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': MEMBER_PREFIX },
        ConsistentRead: true,
      },
      page,
      ['pk', pk],
    );
    return {
      results: found.results.map((item) => ({ id: item.recordId, present: item.present === true })),
      nextCursor: found.nextCursor,
    };
  }

  /** The record's item first, so that a removal cut short still finds the list's item (`memberItems`). */
  async removeMember(listId: string, member: RecordRef): Promise<void> {
    const { client, tableName } = this.#options;
    await client.send(
      new DeleteCommand({
        TableName: tableName,
        Key: { pk: recordPk(member.objectType, member.id), sk: inListSk(listId) },
      }),
    );
    await client.send(
      new DeleteCommand({ TableName: tableName, Key: { pk: listPk(listId), sk: memberSk(member.id) } }),
    );
  }

  async isMember(listId: string, recordId: string): Promise<boolean> {
    const { Item } = await this.#options.client.send(
      new GetCommand({
        TableName: this.#options.tableName,
        Key: { pk: listPk(listId), sk: memberSk(recordId) },
        ConsistentRead: true,
      }),
    );
    return Item?.present === true;
  }

  putMember(listId: string, member: RecordRef, version: number): Promise<void> {
    return this.#set(listId, member, version, true);
  }

  deleteMember(listId: string, member: RecordRef, version: number): Promise<void> {
    return this.#set(listId, member, version, false);
  }

  async members(listId: string, page: PageRequest): Promise<Page<{ id: string }>> {
    const pk = listPk(listId);
    const found = await queryPage<{ recordId: string }>(this.#options.client, this.#members(listId), page, [
      'pk',
      pk,
    ]);
    return { results: found.results.map((item) => ({ id: item.recordId })), nextCursor: found.nextCursor };
  }

  size(listId: string): Promise<number> {
    return queryCount(this.#options.client, this.#members(listId));
  }

  async listsOf(member: RecordRef): Promise<string[]> {
    const items = await queryAll<{ listId: string }>(this.#options.client, {
      TableName: this.#options.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'present = :present',
      ExpressionAttributeValues: {
        ':pk': recordPk(member.objectType, member.id),
        ':prefix': IN_LIST_PREFIX,
        ':present': true,
      },
      ConsistentRead: true,
    });
    const lists = await Promise.all(items.map((item) => this.get(item.listId)));
    return items.map((item) => item.listId).filter((_, index) => lists[index] && !lists[index].deleted);
  }

  #members(listId: string) {
    return {
      TableName: this.#options.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'present = :present',
      ExpressionAttributeValues: { ':pk': listPk(listId), ':prefix': MEMBER_PREFIX, ':present': true },
      ConsistentRead: true,
    };
  }

  async #set(listId: string, member: RecordRef, version: number, present: boolean): Promise<void> {
    const guard = { ref: member, version };
    const ownerPk = recordPk(member.objectType, member.id);
    const attributes = { kind: 'membership', listId, recordId: member.id, recordPk: ownerPk };
    await setGuardedFlag(
      this.#options,
      { key: { pk: listPk(listId), sk: memberSk(member.id) }, present, attributes },
      guard,
    );
    // The record's own item last, so that a deletion's cleanup cut short by a crash still finds it (`listsOf`).
    await setGuardedFlag(
      this.#options,
      { key: { pk: ownerPk, sk: inListSk(listId) }, present, attributes },
      guard,
    );
  }
}
