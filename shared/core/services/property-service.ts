import { ConflictError, ValidationError } from '../errors/app-error.ts';
import type { Clock } from '../ports/clock.ts';
import { BUILTIN_PROPERTIES, type CustomProperties } from '../records/builtin-properties.ts';
import { OBJECT_TYPES, type ObjectType } from '../records/object-types.ts';
import {
  NewPropertyDefinitionSchema,
  type PropertyCatalog,
  type PropertyDefinition,
} from '../records/property.schema.ts';
import type { PropertyRepository } from '../records/property-repository.ts';
import { issuesFromZod, zodErrorMap } from '../workflow/validation/zod-issues.ts';
import type { PropertyService } from './crm-services.ts';
import { assertObjectType } from './object-type-check.ts';

/** Fields of a definition the server owns: a custom property is never unique nor read-only. */
const SERVER_OWNED = ['unique', 'readOnly'] as const;

/** How long a type's catalogue is kept before it is read again, on the injected clock. */
export const DEFAULT_PROPERTY_CATALOG_TTL_MS = 10_000;

export interface PropertyServiceOptions {
  /** What `ttlMs` is measured on (the workflow clock); without it, a catalogue is kept until a definition is added. */
  readonly clock?: Clock;
  /** How long a catalogue is kept (default 10 s). */
  readonly ttlMs?: number;
}

interface KeptCatalog {
  readonly loadedAt: number;
  readonly catalog: Promise<PropertyCatalog>;
}

/**
 * Property definitions: the built-ins (code) and the custom ones (the repository). Record writes validate against
 * the type's catalogue, which is kept in memory: custom definitions are only ever added (never changed nor
 * deleted), so a kept catalogue that has every property a write names answers as a fresh read would. A write
 * naming a property the kept catalogue lacks reads it again at once (a definition another process added); adding
 * a definition through this service drops the kept one; and a catalogue is read again after `ttlMs` on the clock.
 * `list` and `custom` (the API, workflow validation) read the repository each time.
 */
export class CrmPropertyService implements PropertyService {
  readonly #repository: PropertyRepository;
  readonly #clock: Clock | undefined;
  readonly #ttlMs: number;
  readonly #kept = new Map<ObjectType, KeptCatalog>();

  constructor(repository: PropertyRepository, options: PropertyServiceOptions = {}) {
    this.#repository = repository;
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? DEFAULT_PROPERTY_CATALOG_TTL_MS;
  }

  async list(objectType: ObjectType): Promise<PropertyDefinition[]> {
    assertObjectType(objectType);
    return [...BUILTIN_PROPERTIES[objectType], ...(await this.#repository.list(objectType))];
  }

  /** The custom definitions of every object type, as `validateWorkflow` takes them. */
  async custom(): Promise<CustomProperties> {
    const entries = await Promise.all(
      OBJECT_TYPES.map(async (objectType) => [objectType, await this.#repository.list(objectType)] as const),
    );
    return Object.fromEntries(entries.filter(([, definitions]) => definitions.length > 0));
  }

  /**
   * Built-ins then custom definitions, by name: what record properties are validated against. Kept in memory; read
   * again when it lacks one of `names` (the properties a write names), or once kept `ttlMs`.
   */
  async catalog(objectType: ObjectType, names: Iterable<string> = []): Promise<PropertyCatalog> {
    assertObjectType(objectType);
    const now = this.#clock?.now().getTime() ?? 0;
    const kept = this.#kept.get(objectType);
    // A clock set back (never, but cheap to guard) reads again too.
    if (kept && now >= kept.loadedAt && now - kept.loadedAt < this.#ttlMs) {
      const catalog = await kept.catalog;
      if ([...names].every((name) => catalog.has(name))) return catalog;
    }
    return this.#read(objectType, now);
  }

  /** Reads the type's catalogue and keeps it; a failed read is not kept. */
  #read(objectType: ObjectType, now: number): Promise<PropertyCatalog> {
    const catalog = this.list(objectType).then(
      (definitions) => new Map(definitions.map((definition) => [definition.name, definition])),
    );
    const kept: KeptCatalog = { loadedAt: now, catalog };
    this.#kept.set(objectType, kept);
    catalog.catch(() => {
      if (this.#kept.get(objectType) === kept) this.#kept.delete(objectType);
    });
    return catalog;
  }

  async create(objectType: ObjectType, body: unknown): Promise<PropertyDefinition> {
    assertObjectType(objectType);
    // Only a definition being created is refused repeated options: stored ones (older than the rule) are kept.
    const parsed = NewPropertyDefinitionSchema.safeParse(body, { error: zodErrorMap, reportInput: true });
    if (!parsed.success)
      throw new ValidationError(issuesFromZod(parsed.error.issues, 'a property definition'));
    const owned = SERVER_OWNED.filter((field) => parsed.data[field] !== undefined);
    if (owned.length > 0) {
      throw new ValidationError(
        owned.map((field) => ({ path: field, message: `"${field}" is set by the server only` })),
      );
    }
    const definition: PropertyDefinition = { ...parsed.data, label: parsed.data.label ?? parsed.data.name };
    const exists = () => new ConflictError(`the ${objectType} property "${definition.name}" exists`);
    if (BUILTIN_PROPERTIES[objectType].some((builtin) => builtin.name === definition.name)) throw exists();
    try {
      if (!(await this.#repository.create(objectType, definition))) throw exists();
    } finally {
      this.#kept.delete(objectType);
    }
    return definition;
  }
}
