import type { ValidationIssue } from '../errors/validation-issue.ts';
import { type FilterGroups, FilterGroupsSchema } from '../filters/filter.schema.ts';
import type { CustomProperties } from '../records/builtin-properties.ts';
import type { EnrollableObjectType } from '../records/object-types.ts';
import { checkFilterGroups } from './validation/filter-rules.ts';
import { limitIssues } from './validation/limit-issues.ts';
import { createRuleContext } from './validation/rule-context.ts';
import { issuesFromZod, zodErrorMap } from './validation/zod-issues.ts';

export interface ValidateFiltersOptions {
  /** The object type whose records the criteria test. */
  readonly objectType: EnrollableObjectType;
  /** Custom property definitions by object type, added to the built-ins. */
  readonly properties?: CustomProperties;
}

export type FiltersValidation =
  | { readonly ok: true; readonly criteria: FilterGroups }
  | { readonly ok: false; readonly errors: ValidationIssue[] };

/**
 * Validates a criteria (`FilterGroups`) on its own — shape, then properties, operators and values — as
 * validateWorkflow does for each criteria of a workflow. Paths start at the criteria (`[0].filters[1].value`).
 * @example validateFilters([{ filters: [{ property: 'score', operator: 'gte', value: 50 }] }], { objectType: 'contacts' })
 */
export const validateFilters = (json: unknown, options: ValidateFiltersOptions): FiltersValidation => {
  const parsed = FilterGroupsSchema.safeParse(json, { error: zodErrorMap, reportInput: true });
  if (!parsed.success)
    return { ok: false, errors: limitIssues(issuesFromZod(parsed.error.issues, 'a criteria')) };
  const context = createRuleContext(options.objectType, options.properties);
  checkFilterGroups(context, parsed.data, []);
  return context.issues.length === 0
    ? { ok: true, criteria: parsed.data }
    : { ok: false, errors: limitIssues(context.issues) };
};
