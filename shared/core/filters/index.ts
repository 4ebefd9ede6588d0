export { type CompiledCriteria, compilationCount, compileFilterGroups } from './compile-filter-groups.ts';
export { type CriteriaDependencies, criteriaDependencies } from './criteria-dependencies.ts';
export { type CriteriaChange, type CriteriaIndex, createCriteriaIndex } from './criteria-index.ts';
export type { CriteriaExplanation, FilterExplanation, FilterInput, PropertyBag } from './filter-input.ts';
export type { FilterOptions, PropertyTypes } from './filter-options.ts';
export { compiledCriteria, explainFilters, matchFilters } from './match-filters.ts';
