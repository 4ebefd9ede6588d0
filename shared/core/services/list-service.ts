import * as z from 'zod';
import { NotFoundError, ValidationError } from '../errors/app-error.ts';
import type { ListItem } from '../lists/list-repository.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { Page, PageRequest } from '../ports/page.ts';
import { ObjectTypeSchema } from '../records/object-types.ts';
import { issuesFromZod, zodErrorMap } from '../workflow/validation/zod-issues.ts';
import type { ListService, StaticList, WriteOptions } from './crm-services.ts';
import type { CrmRecordService } from './record-service.ts';
import type { RecordStores } from './record-stores.ts';
import { type RecoveryOptions, Sweep } from './recovery.ts';

/** The longest list name. */
export const MAX_LIST_NAME_LENGTH = 200;

/** `POST /lists` body. */
export const CreateListSchema = z.strictObject({
  name: z.string().trim().min(1).max(MAX_LIST_NAME_LENGTH),
  objectType: ObjectTypeSchema,
});

export interface ListServiceOptions {
  readonly stores: RecordStores;
  readonly records: CrmRecordService;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/** Static lists; a membership change is a change (`listed`, `unlisted`) of the member record. */
export class CrmListService implements ListService {
  readonly #options: ListServiceOptions;

  constructor(options: ListServiceOptions) {
    this.#options = options;
  }

  async create(body: unknown): Promise<StaticList> {
    const parsed = CreateListSchema.safeParse(body, { error: zodErrorMap, reportInput: true });
    if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error.issues, 'a list'));
    const list: ListItem = {
      id: this.#options.ids(),
      name: parsed.data.name,
      objectType: parsed.data.objectType,
      createdAt: this.#options.clock.now().toISOString(),
    };
    await this.#lists.create(list);
    return { id: list.id, name: list.name, objectType: list.objectType, size: 0 };
  }

  async page(page: PageRequest): Promise<Page<StaticList>> {
    const found = await this.#lists.page(page);
    return {
      results: await Promise.all(found.results.map((list) => this.#sized(list))),
      nextCursor: found.nextCursor,
    };
  }

  async get(id: string): Promise<StaticList> {
    return this.#sized(await this.#list(id));
  }

  /**
   * Tombstones the list, removes its memberships page by page — each member gets its `unlisted` change — then
   * deletes the list item. Cut short (a crash, a timeout), it is resumed by the same call on the tombstone (204)
   * or by `completeDeletions`.
   */
  async delete(id: string): Promise<void> {
    const list = await this.#lists.get(id);
    if (!list) throw new NotFoundError(`list ${id} not found`);
    if (!list.deleted) await this.#lists.markDeleted(id);
    await this.#removeMemberships(list);
    await this.#lists.remove(id);
  }

  /**
   * Finishes the deletions a crash or a timeout cut short (the recovery at start, the background function on AWS)
   * and returns how many. With `continueWhile`, a long one stops between pages of members once it answers false
   * (the list stays a tombstone; the next sweep goes on). Each on its own, as `completePendingChanges`.
   */
  async completeDeletions(options: RecoveryOptions = {}): Promise<number> {
    const sweep = new Sweep(options);
    let cursor: string | undefined;
    do {
      const page = await this.#lists.deleting({ limit: 100, ...(cursor ? { cursor } : {}) });
      for (const found of page.results) {
        if (!sweep.going) return sweep.end('list deletions');
        await sweep.item(async () => {
          // The index is eventually consistent: only a list that is still a tombstone is finished.
          const list = await this.#lists.get(found.id);
          if (!list?.deleted) return false;
          if (!(await this.#removeMemberships(list, () => sweep.going))) return false;
          await this.#lists.remove(list.id);
          return true;
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return sweep.end('list deletions');
  }

  async addMember(id: string, recordId: string, options: WriteOptions = {}): Promise<void> {
    await this.#membership(id, recordId, 'listed', options);
  }

  async removeMember(id: string, recordId: string, options: WriteOptions = {}): Promise<void> {
    await this.#membership(id, recordId, 'unlisted', options);
  }

  async members(id: string, page: PageRequest): Promise<Page<{ id: string }>> {
    await this.#list(id);
    return this.#lists.members(id, page);
  }

  get #lists() {
    return this.#options.stores.lists;
  }

  /** A live list: a tombstoned one is as absent. */
  async #list(id: string): Promise<ListItem> {
    const list = await this.#lists.get(id);
    if (!list || list.deleted) throw new NotFoundError(`list ${id} not found`);
    return list;
  }

  /**
   * Every membership of a tombstoned list, 100 at a time: a present one through the member's `unlisted` change
   * (its effect removes the items, the list being deleted), then both items removed in any case (a soft-deleted
   * membership, a member deleted meanwhile). Repeatable: a member already unlisted is not a member any more.
   * Page by page; false when `going` stopped it before the last page.
   */
  async #removeMemberships(list: ListItem, going: () => boolean = () => true): Promise<boolean> {
    let cursor: string | undefined;
    do {
      if (!going()) return false;
      const page = await this.#lists.memberItems(list.id, { limit: 100, ...(cursor ? { cursor } : {}) });
      for (const member of page.results) {
        if (member.present) await this.#unlist(list, member.id);
        await this.#lists.removeMember(list.id, { objectType: list.objectType, id: member.id });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return true;
  }

  async #unlist(list: ListItem, recordId: string): Promise<void> {
    try {
      await this.#options.records.changeMembership(
        list.objectType,
        recordId,
        'unlisted',
        { listId: list.id },
        () => this.#lists.isMember(list.id, recordId),
      );
    } catch (error) {
      // The member is gone: its deletion said it all.
      if (!(error instanceof NotFoundError)) throw error;
    }
  }

  async #sized(list: ListItem): Promise<StaticList> {
    return {
      id: list.id,
      name: list.name,
      objectType: list.objectType,
      size: await this.#lists.size(list.id),
    };
  }

  async #membership(
    id: string,
    recordId: string,
    kind: 'listed' | 'unlisted',
    options: WriteOptions,
  ): Promise<void> {
    const list = await this.#list(id);
    await this.#options.records.changeMembership(
      list.objectType,
      recordId,
      kind,
      { listId: id },
      async () => {
        const member = await this.#lists.isMember(id, recordId);
        return kind === 'listed' ? !member : member;
      },
      options,
    );
  }
}
