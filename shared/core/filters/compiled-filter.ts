import type { EvaluationContext, FilterExplanation, FilterInput } from './filter-input.ts';

/** What one filter's explanation says, apart from the filter and its path. */
type FilterOutcome = Omit<FilterExplanation, 'filter' | 'path'>;

/** One filter compiled: its test and its explanation, both pure functions of the input. */
export interface CompiledFilter {
  /** Rough evaluation cost, so that a group tries its cheap (and selective) filters first. */
  readonly cost: number;
  readonly test: (input: FilterInput, ctx: EvaluationContext) => boolean;
  readonly explain: (input: FilterInput, ctx: EvaluationContext) => FilterOutcome;
}
