import { z } from 'zod';

export const PropertyValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type PropertyValue = z.infer<typeof PropertyValueSchema>;

export const PropertiesSchema = z.record(z.string(), PropertyValueSchema);
export type Properties = Record<string, PropertyValue>;
