import * as z from 'zod';

export const PROPERTY_TYPES = ['string', 'number', 'bool', 'date', 'datetime', 'enumeration'] as const;
const PropertyTypeSchema = z.enum(PROPERTY_TYPES);
export type PropertyType = z.infer<typeof PropertyTypeSchema>;

/** A property name: a letter, then letters, digits and underscores (no dots: dots address associations). */
const PropertyNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'must start with a letter and hold only letters, digits and _');

/**
 * A property definition, as stored and as workflows and record writes are checked against. It does not refuse
 * repeated options: definitions stored before that rule may hold some (`["Gold", "gold"]`), and they must keep
 * working. A definition being created is checked with `NewPropertyDefinitionSchema`.
 */
export const PropertyDefinitionSchema = z
  .strictObject({
    name: PropertyNameSchema,
    label: z.string().min(1).max(200).optional(),
    type: PropertyTypeSchema,
    options: z.array(z.string().min(1)).min(1).max(1000).optional(),
    unique: z.boolean().optional(),
    readOnly: z.boolean().optional(),
  })
  .superRefine((definition, ctx) => {
    if (definition.type === 'enumeration' && !definition.options) {
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'an enumeration property needs its options',
      });
    }
    if (definition.type !== 'enumeration' && definition.options) {
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'only an enumeration property takes options',
      });
    }
  });

/**
 * A definition `POST /properties/{objectType}` creates: a property definition whose options do not repeat a value.
 * Filters and value branches match options case-insensitively: two options differing only in case could not be
 * told apart, so they are duplicates as much as two equal ones. Applied at creation only, never to stored ones.
 */
export const NewPropertyDefinitionSchema = PropertyDefinitionSchema.superRefine((definition, ctx) => {
  const first = new Map<string, number>();
  for (const [index, option] of (definition.options ?? []).entries()) {
    const seen = first.get(option.toLowerCase());
    if (seen === undefined) {
      first.set(option.toLowerCase(), index);
      continue;
    }
    ctx.addIssue({
      code: 'custom',
      path: ['options', index],
      message: `"${option}" is a duplicate of options[${seen}] (options are compared case-insensitively)`,
    });
  }
});

export type PropertyDefinition = z.infer<typeof PropertyDefinitionSchema>;

/** Property definitions keyed by property name. */
export type PropertyCatalog = ReadonlyMap<string, PropertyDefinition>;
