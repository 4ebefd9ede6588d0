import * as z from 'zod';
import type { ValidationIssue } from '../errors/validation-issue.ts';
import { BUILTIN_PROPERTIES, type CustomProperties } from '../records/builtin-properties.ts';
import { OBJECT_TYPES } from '../records/object-types.ts';
import { PropertyDefinitionSchema } from '../records/property.schema.ts';
import { limitIssues } from './validation/limit-issues.ts';
import { issuesFromZod, zodErrorMap } from './validation/zod-issues.ts';

/** Custom property definitions by object type, as a file or a request carries them. */
export const CustomPropertiesSchema = z
  .strictObject(
    Object.fromEntries(
      OBJECT_TYPES.map((type) => [type, z.array(PropertyDefinitionSchema).max(1000).optional()]),
    ),
  )
  .superRefine((catalogs, ctx) => {
    for (const [objectType, definitions] of Object.entries(catalogs)) {
      const builtins = new Set(
        BUILTIN_PROPERTIES[objectType as keyof typeof BUILTIN_PROPERTIES].map((p) => p.name),
      );
      const seen = new Map<string, number>();
      // Refinements may run on a partly invalid value: look only at well-formed names.
      if (!Array.isArray(definitions)) continue;
      definitions.forEach((definition, index) => {
        if (typeof definition?.name !== 'string') return;
        const path = [objectType, index, 'name'];
        if (builtins.has(definition.name)) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `"${definition.name}" is a built-in property of ${objectType}`,
          });
        } else if (seen.has(definition.name)) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `"${definition.name}" is already defined (${objectType}[${seen.get(definition.name)}])`,
          });
        } else seen.set(definition.name, index);
      });
    }
  });

export type CustomPropertiesValidation =
  | { readonly ok: true; readonly properties: CustomProperties }
  | { readonly ok: false; readonly errors: ValidationIssue[] };

/**
 * Validates custom property definitions (`{ "contacts": [{ "name": "plan", "type": "enumeration", … }] }`):
 * each well formed, none a built-in, none twice.
 */
export const validateCustomProperties = (json: unknown): CustomPropertiesValidation => {
  const parsed = CustomPropertiesSchema.safeParse(json, { error: zodErrorMap, reportInput: true });
  if (!parsed.success) {
    return { ok: false, errors: limitIssues(issuesFromZod(parsed.error.issues, 'the property definitions')) };
  }
  return { ok: true, properties: parsed.data as CustomProperties };
};
