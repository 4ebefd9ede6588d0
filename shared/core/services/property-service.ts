import { ConflictError, ValidationError } from '../errors/app-error.ts';
import { BUILTIN_PROPERTIES, type CustomProperties } from '../records/builtin-properties.ts';
import { OBJECT_TYPES, type ObjectType } from '../records/object-types.ts';
import {
  type PropertyCatalog,
  type PropertyDefinition,
  PropertyDefinitionSchema,
} from '../records/property.schema.ts';
import type { PropertyRepository } from '../records/property-repository.ts';
import { issuesFromZod, zodErrorMap } from '../workflow/validation/zod-issues.ts';
import type { PropertyService } from './crm-services.ts';
import { assertObjectType } from './object-type-check.ts';

/** Fields of a definition the server owns: a custom property is never unique nor read-only. */
const SERVER_OWNED = ['unique', 'readOnly'] as const;

/** Property definitions: the built-ins (code) and the custom ones (the repository). */
export class CrmPropertyService implements PropertyService {
  readonly #repository: PropertyRepository;

  constructor(repository: PropertyRepository) {
    this.#repository = repository;
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

  /** Built-ins then custom definitions, by name: what record properties are validated against. */
  async catalog(objectType: ObjectType): Promise<PropertyCatalog> {
    return new Map((await this.list(objectType)).map((definition) => [definition.name, definition]));
  }

  async create(objectType: ObjectType, body: unknown): Promise<PropertyDefinition> {
    assertObjectType(objectType);
    const parsed = PropertyDefinitionSchema.safeParse(body, { error: zodErrorMap, reportInput: true });
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
    if (!(await this.#repository.create(objectType, definition))) throw exists();
    return definition;
  }
}
