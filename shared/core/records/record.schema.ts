import * as z from 'zod';
import { ObjectTypeSchema } from './object-types.ts';

export const PropertyValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type PropertyValue = z.infer<typeof PropertyValueSchema>;

export const PropertiesSchema = z.record(z.string(), PropertyValueSchema);
export type Properties = Record<string, PropertyValue>;

/** A stored record as the API returns it. */
export const CrmRecordSchema = z.object({
  id: z.string().min(1),
  objectType: ObjectTypeSchema,
  properties: PropertiesSchema,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int().nonnegative(),
});
export type CrmRecord = z.infer<typeof CrmRecordSchema>;
