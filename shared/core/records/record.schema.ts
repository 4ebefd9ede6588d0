import * as z from 'zod';
import { ObjectTypeSchema } from './object-types.ts';

export const PropertyValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type PropertyValue = z.infer<typeof PropertyValueSchema>;

export const PropertiesSchema = z.record(z.string(), PropertyValueSchema);
export type Properties = Record<string, PropertyValue>;

/**
 * Properties as a request sends them, documented as `PropertiesSchema` but taking any value: the record service
 * checks each against its property's type, and so can say what that property expects (`properties.score`: a
 * finite number), where a check of the values alone could only say they are none of text, number, boolean, null.
 */
export const SentPropertiesSchema = z.record(
  z.string(),
  z.unknown().meta({ type: ['string', 'number', 'boolean', 'null'] }),
);

/**
 * Sent properties as the services take them. Their values are not checked yet: every service taking `Properties`
 * from a request checks them against the type's catalogue (`propertyIssues`) before using any.
 */
export const uncheckedProperties = (sent: Record<string, unknown>): Properties => sent as Properties;

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
