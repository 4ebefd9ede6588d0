import {
  type CompiledCriteria,
  type CriteriaProgram,
  compileFilterGroups,
  runProgram,
} from './compile-filter-groups.ts';
import type { FilterGroups } from './filter.schema.ts';
import type { CriteriaExplanation, FilterInput } from './filter-input.ts';
import type { FilterOptions, PropertyTypes } from './filter-options.ts';

// Keyed by the criteria array itself: callers that keep their workflow objects compile each criteria once,
// and a dropped workflow takes its compiled form with it. Criteria are treated as immutable once seen.
const cache = new WeakMap<FilterGroups, CompiledCriteria>();
// matchFilters's hot path: the program of criteria compiled without types is also found on the criteria array
// itself, under a non-enumerable symbol, as reading a property costs less than a WeakMap lookup (which hashes the
// array and probes a table far from it in memory) and the program is then one object away. JSON, spreads,
// Object.keys, structured clones and deep equality do not see the symbol; a frozen (non-extensible) array is found
// in the cache alone.
const PROGRAM = Symbol('criteriaProgram');
type WithProgram = { readonly [PROGRAM]?: CriteriaProgram };
// Criteria compiled with property types, by criteria and then by the types object: the same criteria compile
// differently under different types. Types are treated as immutable once seen, like criteria.
const typedCache = new WeakMap<FilterGroups, WeakMap<PropertyTypes, CompiledCriteria>>();

const typedCriteria = (groups: FilterGroups, types: PropertyTypes): CompiledCriteria => {
  let byTypes = typedCache.get(groups);
  if (!byTypes) {
    byTypes = new WeakMap();
    typedCache.set(groups, byTypes);
  }
  let compiled = byTypes.get(types);
  if (!compiled) {
    compiled = compileFilterGroups(groups, { types });
    byTypes.set(types, compiled);
  }
  return compiled;
};

/** The compiled form of `groups` (under `options.types`), compiled on first use and then reused for those objects. */
export const compiledCriteria = (groups: FilterGroups, options?: FilterOptions): CompiledCriteria => {
  const types = options?.types;
  if (types !== undefined) return typedCriteria(groups, types);
  let compiled = cache.get(groups);
  if (!compiled) {
    compiled = compileFilterGroups(groups);
    cache.set(groups, compiled);
    if (Object.isExtensible(groups)) Object.defineProperty(groups, PROGRAM, { value: compiled.program });
  }
  return compiled;
};

/**
 * True when the record (in the context of a change, if any) meets the criteria: any group whose filters all hold.
 * `[]` means "no criteria" and never matches: a workflow without criteria never enrolls automatically.
 * `options.types` gives the properties' types (`{ jobtitle: 'string' }`): a typed property compares as its type
 * says, an untyped one as its values suggest. Keep one types object per property catalog: it keys the cache.
 * @example matchFilters([{ filters: [{ property: 'country', operator: 'eq', value: 'FR' }] }], { objectType: 'contacts', properties: { country: 'fr' } }) // true
 */
export const matchFilters = (groups: FilterGroups, input: FilterInput, options?: FilterOptions): boolean => {
  const program = options?.types === undefined ? (groups as WithProgram)[PROGRAM] : undefined;
  return program !== undefined ? runProgram(program, input) : compiledCriteria(groups, options).match(input);
};

/** Every filter's result, value seen and reason, so that a user sees why the criteria matched or not. */
export const explainFilters = (
  groups: FilterGroups,
  input: FilterInput,
  options?: FilterOptions,
): CriteriaExplanation => compiledCriteria(groups, options).explain(input);
