import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ListItem, ListRepository } from '../../core/lists/list-repository.ts';
import type { Page, PageRequest } from '../../core/ports/page.ts';
import type { RecordRef } from '../../core/records/association-repository.ts';
import { setGuardedFlag } from './guarded-flag.ts';
import {
  IN_LIST_PREFIX,
  inListSk,
  LIST_SK,
  LISTS_PARTITION,
  listPk,
  MEMBER_PREFIX,
  memberSk,
  recordPk,
} from './keys.ts';
import { queryAll, queryCount, queryPage } from './paging.ts';
import type { StoreOptions } from './store-options.ts';
import { TABLE_KEYS } from './table.ts';

const toList = (item: Record<string, unknown>): ListItem => ({
  id: item.id as string,
  name: item.name as string,
  objectType: item.objectType as ListItem['objectType'],
  createdAt: item.createdAt as string,
});

/**
 * Static lists: the list item (`LIST#<id>`, `#LIST`, in gsi1's `LISTS` partition) and each membership twice —
 * `MEM#<recordId>` in the list's partition and `INLIST#<listId>` in the record's — both soft-deleted and
 * guarded by the member's version. The size is counted from the list's partition.
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
    const found = await queryPage<Record<string, unknown>>(
      this.#options.client,
      {
        TableName: this.#options.tableName,
        IndexName: TABLE_KEYS.gsi1.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE_KEYS.gsi1.pk },
        ExpressionAttributeValues: { ':pk': LISTS_PARTITION },
      },
      page,
      [TABLE_KEYS.gsi1.pk, LISTS_PARTITION],
    );
    return { results: found.results.map(toList), nextCursor: found.nextCursor };
  }

  /** The list item first (the list is gone at once), then its member items. */
  async delete(id: string): Promise<void> {
    const { client, tableName } = this.#options;
    await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: listPk(id), sk: LIST_SK } }));
    const members = await queryAll<{ pk: string; sk: string; recordPk?: string }>(client, {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': listPk(id), ':prefix': MEMBER_PREFIX },
      ConsistentRead: true,
    });
    for (const member of members) {
      if (member.recordPk) {
        await client.send(
          new DeleteCommand({ TableName: tableName, Key: { pk: member.recordPk, sk: inListSk(id) } }),
        );
      }
      await client.send(new DeleteCommand({ TableName: tableName, Key: { pk: member.pk, sk: member.sk } }));
    }
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
    return items.map((item) => item.listId);
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
