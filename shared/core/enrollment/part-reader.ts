import type { FilterGroups } from '../filters/filter.schema.ts';
import type { FilterInput } from '../filters/filter-input.ts';
import type { PropertyTypes } from '../filters/filter-options.ts';
import { matchFilters } from '../filters/match-filters.ts';
import type { ChangeViews } from './change-views.ts';
import type { PartName } from './workflow-parts.ts';

/** One evaluation of one part of one workflow against one side of a change. */
export interface Evaluation {
  readonly workflowId: string;
  readonly part: PartName;
  readonly side: 'before' | 'after';
}

/** How decisions evaluate criteria: the property types, and an observer (tests count evaluations). */
export interface EvaluationOptions {
  readonly types?: PropertyTypes;
  readonly onEvaluate?: (evaluation: Evaluation) => void;
}

/** Reads a workflow's parts against the record before and after a change, each at most once per side. */
export interface PartReader {
  /** False when the record did not exist before (created). */
  before(part: PartName, criteria: FilterGroups): boolean;
  /** False when the record no longer exists (deleted). */
  after(part: PartName, criteria: FilterGroups): boolean;
}

export const partReader = (
  workflowId: string,
  views: ChangeViews,
  options: EvaluationOptions,
): PartReader => {
  const memo = new Map<string, boolean>();
  const filterOptions = options.types ? { types: options.types } : undefined;
  const read = (
    side: 'before' | 'after',
    input: FilterInput | undefined,
    part: PartName,
    criteria: FilterGroups,
  ): boolean => {
    // `[]` never matches and a missing side is no record: neither needs the engine.
    if (!input || criteria.length === 0) return false;
    const key = `${side}\u0000${part}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    options.onEvaluate?.({ workflowId, part, side });
    const result = matchFilters(criteria, input, filterOptions);
    memo.set(key, result);
    return result;
  };
  return {
    before: (part, criteria) => read('before', views.before, part, criteria),
    after: (part, criteria) => read('after', views.after, part, criteria),
  };
};
