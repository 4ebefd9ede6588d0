import * as z from 'zod';
import { ObjectTypeSchema } from '../../../shared/core/records/object-types.ts';

/** An id in a path: what the API hands out, never empty, never longer than a key may be. */
export const IdSchema = z.string().min(1).max(256);

export const ObjectTypeParams = z.strictObject({ objectType: ObjectTypeSchema });
export const RecordParams = z.strictObject({ objectType: ObjectTypeSchema, id: IdSchema });
export const AssociationParams = z.strictObject({
  objectType: ObjectTypeSchema,
  id: IdSchema,
  toObjectType: ObjectTypeSchema,
  toId: IdSchema,
});
export const AssociationListParams = z.strictObject({
  objectType: ObjectTypeSchema,
  id: IdSchema,
  toObjectType: ObjectTypeSchema,
});
export const IdParams = z.strictObject({ id: IdSchema });
