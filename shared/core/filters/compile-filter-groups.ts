import { sharedCompiledFilter } from './compile-filter.ts';
import type { CompiledFilter } from './compiled-filter.ts';
import { type FilterGroups, isPropertyFilter } from './filter.schema.ts';
import type { CriteriaExplanation, EvaluationContext, FilterInput } from './filter-input.ts';
import { CLOSURE, type FilterInstruction, runInPlace, verdictOn } from './filter-instruction.ts';
import { type FilterOptions, type PropertyTypes, typeOf } from './filter-options.ts';

const byCost = (a: CompiledFilter, b: CompiledFilter): number => a.cost - b.cost;

/** Criteria compiled once into closures, evaluated many times. */
export class CompiledCriteria {
  readonly groups: FilterGroups;
  /** The property types the criteria were compiled with; `undefined` when every type was inferred. */
  readonly types: PropertyTypes | undefined;
  readonly #compiled: readonly (readonly CompiledFilter[])[];
  /** Every group's instructions end to end (cheap ones first within a group), and where each group ends. */
  readonly #instructions: readonly FilterInstruction[];
  readonly #groupEnds: readonly number[];

  constructor(groups: FilterGroups, types?: PropertyTypes) {
    this.groups = groups;
    this.types = types;
    this.#compiled = groups.map((group) =>
      group.filters.map((filter) =>
        sharedCompiledFilter(filter, isPropertyFilter(filter) ? typeOf(types, filter.property) : undefined),
      ),
    );
    // AND is order-free and filters have no side effects: try cheap, selective filters first.
    this.#instructions = this.#compiled.flatMap((filters) =>
      filters.toSorted(byCost).map((filter) => filter.instruction),
    );
    let end = 0;
    this.#groupEnds = this.#compiled.map((filters) => {
      end += filters.length;
      return end;
    });
  }

  /** True when any group has all its filters true; `[]` (no criteria) never matches. */
  match(input: FilterInput): boolean {
    // Only closures read the context (the evaluation instant, read once): made when the first one runs.
    let ctx: EvaluationContext | undefined;
    const instructions = this.#instructions;
    const properties = input.properties;
    let start = 0;
    for (const end of this.#groupEnds) {
      let f = start;
      while (f < end) {
        const instruction = instructions[f]!;
        let holds: boolean;
        if (instruction.ownValue) holds = verdictOn(instruction, properties?.[instruction.name]);
        else if (instruction.kind !== CLOSURE) holds = runInPlace(instruction, input);
        else {
          ctx ??= { input, nowMs: undefined };
          holds = instruction.test(input, ctx);
        }
        if (!holds) break;
        f += 1;
      }
      if (f === end) return true;
      start = end;
    }
    return false;
  }

  /** Every filter evaluated (no short-circuit), so that a user sees why the criteria matched or not. */
  explain(input: FilterInput): CriteriaExplanation {
    const ctx: EvaluationContext = { input, nowMs: undefined };
    const groups = this.#compiled.map((filters, g) => {
      const results = filters.map((compiled, f) => ({
        filter: this.groups[g]!.filters[f]!,
        path: `[${g}].filters[${f}]`,
        ...compiled.explain(input, ctx),
      }));
      return { matched: results.every((result) => result.result), filters: results };
    });
    return { matched: groups.some((group) => group.matched), groups };
  }
}

let compilations = 0;

/** How many times criteria have been compiled since the process started (the cache's effect is visible here). */
export const compilationCount = (): number => compilations;

/**
 * Compiles filter groups (OR of ANDs) into closures: strings lowercased, dates and durations parsed, `in` values
 * in Sets and token patterns built once. `[]` — no criteria — compiles to criteria that never match, so a
 * workflow without criteria never enrolls automatically. With `options.types`, a typed property compares as its
 * type says (a `string` as text, even when it reads as a date); the others as their values suggest.
 */
export const compileFilterGroups = (groups: FilterGroups, options?: FilterOptions): CompiledCriteria => {
  compilations += 1;
  return new CompiledCriteria(groups, options?.types);
};
