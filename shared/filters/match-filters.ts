import { type CompiledCriteria, compileFilterGroups } from './compile-filter-groups.ts';
import type { FilterGroups } from './filter.schema.ts';
import type { CriteriaExplanation, FilterInput } from './filter-input.ts';

// Keyed by the criteria array itself: callers that keep their workflow objects compile each criteria once,
// and a dropped workflow takes its compiled form with it. Criteria are treated as immutable once seen.
const cache = new WeakMap<FilterGroups, CompiledCriteria>();

/** The compiled form of `groups`, compiled on first use and then reused for that same array object. */
export const compiledCriteria = (groups: FilterGroups): CompiledCriteria => {
  let compiled = cache.get(groups);
  if (!compiled) {
    compiled = compileFilterGroups(groups);
    cache.set(groups, compiled);
  }
  return compiled;
};

/**
 * True when the record (in the context of a change, if any) meets the criteria: any group whose filters all hold.
 * `[]` means "no criteria" and never matches: a workflow without criteria never enrolls automatically.
 * @example matchFilters([{ filters: [{ property: 'country', operator: 'eq', value: 'FR' }] }], { objectType: 'contacts', properties: { country: 'fr' } }) // true
 */
export const matchFilters = (groups: FilterGroups, input: FilterInput): boolean =>
  compiledCriteria(groups).match(input);

/** Every filter's result, value seen and reason, so that a user sees why the criteria matched or not. */
export const explainFilters = (groups: FilterGroups, input: FilterInput): CriteriaExplanation =>
  compiledCriteria(groups).explain(input);
