export {
  type BatchMatcher,
  type BatchReading,
  createBatchMatcher,
  type ReadingOptions,
} from './batch-matcher.ts';
export { criteriaDependencies } from './criteria-dependencies.ts';
export { type CriteriaChange, type CriteriaIndex, createCriteriaIndex } from './criteria-index.ts';
export type { CriteriaExplanation, FilterExplanation, FilterInput } from './filter-input.ts';
export type { FilterOptions, PropertyTypes } from './filter-options.ts';
export { explainFilters, matchFilters } from './match-filters.ts';
