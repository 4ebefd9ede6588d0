import * as z from 'zod';
import { FilterDurationSchema } from '../time/time.schema.ts';

/** A property path: `name`, or `<objectType>.<name>` for associated records. */
const FilterPropertySchema = z
  .string()
  .regex(/^([a-z]+\.)?[A-Za-z][A-Za-z0-9_]*$/, 'must be a property name, or "<objectType>.<property>"');

const ScalarSchema = z.union([z.string(), z.number(), z.boolean()]);

const COMPARISON_OPERATORS = ['eq', 'lt', 'lte', 'gt', 'gte'] as const;
const TEXT_OPERATORS = ['contains', 'startsWith', 'endsWith', 'containsToken'] as const;

const valueFilter = z.strictObject({
  property: FilterPropertySchema,
  operator: z.enum([...COMPARISON_OPERATORS, ...TEXT_OPERATORS, 'changedTo']),
  value: ScalarSchema,
});
const negativeValueFilter = z.strictObject({
  property: FilterPropertySchema,
  operator: z.enum(['neq', 'notContains']),
  value: ScalarSchema,
  includeEmpty: z.boolean().optional(),
});
const betweenFilter = z.strictObject({
  property: FilterPropertySchema,
  operator: z.literal('between'),
  value: z.union([z.string(), z.number()]),
  highValue: z.union([z.string(), z.number()]),
});
const inFilter = z.strictObject({
  property: FilterPropertySchema,
  operator: z.literal('in'),
  values: z
    .array(z.union([z.string(), z.number()]))
    .min(1)
    .max(1000),
});
const notInFilter = z.strictObject({
  property: FilterPropertySchema,
  operator: z.literal('notIn'),
  values: z
    .array(z.union([z.string(), z.number()]))
    .min(1)
    .max(1000),
  includeEmpty: z.boolean().optional(),
});
const presenceFilter = z.strictObject({
  property: FilterPropertySchema,
  operator: z.enum(['hasProperty', 'notHasProperty', 'changed']),
});
const withinLastFilter = z.strictObject({
  property: FilterPropertySchema,
  operator: z.literal('withinLast'),
  value: FilterDurationSchema,
});
const notWithinLastFilter = z.strictObject({
  property: FilterPropertySchema,
  operator: z.literal('notWithinLast'),
  value: FilterDurationSchema,
  includeEmpty: z.boolean().optional(),
});
const listFilter = z.strictObject({
  operator: z.enum(['inList', 'notInList']),
  listId: z.string().min(1).max(200),
});

/** One filter (workflow.md, "Filters"). */
export const FilterSchema = z.discriminatedUnion('operator', [
  valueFilter,
  negativeValueFilter,
  betweenFilter,
  inFilter,
  notInFilter,
  presenceFilter,
  withinLastFilter,
  notWithinLastFilter,
  listFilter,
]);
export type Filter = z.infer<typeof FilterSchema>;
export type PropertyFilter = Exclude<Filter, { operator: 'inList' | 'notInList' }>;

const MAX_FILTER_GROUPS = 50;
const MAX_FILTERS = 250;

const FilterGroupSchema = z.strictObject({
  filters: z.array(FilterSchema).min(1, 'a filter group needs at least one filter'),
});

/** Groups OR-ed, filters in a group AND-ed; `[]` means "no criteria". */
export const FilterGroupsSchema = z
  .array(FilterGroupSchema)
  .max(MAX_FILTER_GROUPS, `at most ${MAX_FILTER_GROUPS} filter groups`)
  .superRefine((groups, ctx) => {
    const count = groups.reduce((total, group) => total + group.filters.length, 0);
    if (count > MAX_FILTERS) {
      ctx.addIssue({ code: 'custom', message: `at most ${MAX_FILTERS} filters in all (found ${count})` });
    }
  });
export type FilterGroup = z.infer<typeof FilterGroupSchema>;
export type FilterGroups = z.infer<typeof FilterGroupsSchema>;

/** True when the filter reads a property (every operator but the list ones). */
export const isPropertyFilter = (filter: Filter): filter is PropertyFilter => 'property' in filter;
