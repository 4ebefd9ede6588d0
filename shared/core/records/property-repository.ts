import type { ObjectType } from './object-types.ts';
import type { PropertyDefinition } from './property.schema.ts';

/** Custom property definitions per object type (the built-ins are code, not data). */
export interface PropertyRepository {
  list(objectType: ObjectType): Promise<PropertyDefinition[]>;
  /** False (nothing written) when a definition of that name exists. */
  create(objectType: ObjectType, definition: PropertyDefinition): Promise<boolean>;
}
