import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors/app-error.ts';
import type { ListItem } from '../lists/list-repository.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { Page, PageRequest } from '../ports/page.ts';
import { ObjectTypeSchema } from '../records/object-types.ts';
import { issuesFromZod, zodErrorMap } from '../workflow/validation/zod-issues.ts';
import type { ListService, StaticList } from './crm-services.ts';
import type { CrmRecordService } from './record-service.ts';
import type { RecordStores } from './record-stores.ts';

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

  async delete(id: string): Promise<void> {
    await this.#list(id);
    await this.#lists.delete(id);
  }

  async addMember(id: string, recordId: string): Promise<void> {
    await this.#membership(id, recordId, 'listed');
  }

  async removeMember(id: string, recordId: string): Promise<void> {
    await this.#membership(id, recordId, 'unlisted');
  }

  async members(id: string, page: PageRequest): Promise<Page<{ id: string }>> {
    await this.#list(id);
    return this.#lists.members(id, page);
  }

  get #lists() {
    return this.#options.stores.lists;
  }

  async #list(id: string): Promise<ListItem> {
    const list = await this.#lists.get(id);
    if (!list) throw new NotFoundError(`list ${id} not found`);
    return list;
  }

  async #sized(list: ListItem): Promise<StaticList> {
    return {
      id: list.id,
      name: list.name,
      objectType: list.objectType,
      size: await this.#lists.size(list.id),
    };
  }

  async #membership(id: string, recordId: string, kind: 'listed' | 'unlisted'): Promise<void> {
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
    );
  }
}
