import type { EvaluationContext, FilterExplanation, FilterInput, FilterTest } from './filter-input.ts';
import type { FilterInstruction } from './filter-instruction.ts';

/** What one filter's explanation says, apart from the filter and its path. */
type FilterOutcome = Omit<FilterExplanation, 'filter' | 'path'>;

/** One filter compiled: its test and its explanation, both pure functions of the input. */
export interface CompiledFilter {
  /** Rough evaluation cost, so that a group tries its cheap (and selective) filters first. */
  readonly cost: number;
  readonly test: FilterTest;
  /** The test as the hot loops run it (`runInstruction`): the same answers, common comparisons in place. */
  readonly instruction: FilterInstruction;
  readonly explain: (input: FilterInput, ctx: EvaluationContext) => FilterOutcome;
}
