import { ValidationError } from '../errors/app-error.ts';
import { isObjectType, OBJECT_TYPES, type ObjectType } from '../records/object-types.ts';

/**
 * The services check object types themselves (a 400 naming `objectType`), whatever the caller parsed: an
 * inbound event or a workflow action reaches them without the HTTP layer's zod.
 */
export function assertObjectType(value: string, path = 'objectType'): asserts value is ObjectType {
  if (!isObjectType(value)) {
    throw new ValidationError([
      { path, message: `"${value}" is not an object type (one of ${OBJECT_TYPES.join(', ')})` },
    ]);
  }
}
