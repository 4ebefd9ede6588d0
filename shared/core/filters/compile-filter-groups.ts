import { sharedCompiledFilter } from './compile-filter.ts';
import type { CompiledFilter } from './compiled-filter.ts';
import { type FilterGroups, isPropertyFilter } from './filter.schema.ts';
import type { CriteriaExplanation, EvaluationContext, FilterInput } from './filter-input.ts';
import { CLOSURE, type FilterInstruction, MEMO, runInPlace, verdictAt } from './filter-instruction.ts';
import { type FilterOptions, type PropertyTypes, typeOf } from './filter-options.ts';

// Cheap filters first; among equally cheap ones, by name, so that the filters on one own property sit side by side
// and the property is read once for all of them (a read by name costs more than the comparison its verdict is
// remembered by). Other instructions sort by their name too (an associated property's bare name, `''` for a list or
// a closure), which only places them.
const byCostThenProperty = (a: CompiledFilter, b: CompiledFilter): number =>
  a.cost - b.cost || compareNames(a.instruction.name, b.instruction.name);
const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A program's code at a group's end: reached with every filter of the group true, the criteria match. */
const GROUP_END = -1;
/** A program's code for an instruction that is not the comparison of an own property. */
const OTHER = -2;

/**
 * Criteria as `runProgram` evaluates them: each group's instructions (cheap ones first) followed by a group end,
 * every group end to end, as one flat array of two entries a position: a code — the memo slot of the comparison of
 * an own property (`FilterInstruction.ownProperty` not `0`), else `OTHER`, or `GROUP_END` — then the instruction
 * (`undefined` at a group's end). What the hot loop reads for the comparison of an own property is the code, then
 * the memo's entries at its slot (`MEMO`: the property's cell id and name, the value last compared and the verdict
 * on it); it reads the instruction object only when the verdict is not the one remembered. No groups (no criteria)
 * is the empty program, which never matches.
 */
export type CriteriaProgram = readonly (number | FilterInstruction | undefined)[];

const programOf = (groups: readonly (readonly FilterInstruction[])[]): CriteriaProgram => {
  const program: (number | FilterInstruction | undefined)[] = [];
  for (const group of groups) {
    for (const instruction of group) {
      program.push(instruction.ownProperty !== 0 ? instruction.slot : OTHER, instruction);
    }
    program.push(GROUP_END, undefined);
  }
  // A fresh copy of its exact size: the array and its elements allocated together, side by side in memory.
  return program.slice();
};

/**
 * True when the program's criteria hold for the input: any group whose instructions all hold. One loop over the
 * program's code, with no closure call for the common comparison of an own property, and no read of its
 * instruction when the property holds the value it was last compared on; a failed filter skips to its group's end.
 * An own property is read once per call for the instructions on it that follow one another, across groups too (the
 * record does not change during a call).
 */
export const runProgram = (program: CriteriaProgram, input: FilterInput): boolean => {
  const properties = input.properties;
  // The memo's entries of a slot (`MEMO`): at `slot` the name, then the value, the verdict and the cell id.
  const memo = MEMO.entries;
  // Only closures read the context (the evaluation instant, read once): made when the first one runs.
  let ctx: EvaluationContext | undefined;
  // The own property read last (by its cell's id): its neighbours on the same property compare it without reading
  // it again. Ids are compared, not names: a number, where names may be equal texts.
  let property = 0;
  let value: unknown;
  const length = program.length;
  for (let f = 0; f < length; f += 2) {
    const slot = program[f] as number;
    let holds: boolean;
    if (slot >= 0) {
      const cell = memo[slot + 3] as number;
      if (cell !== property) {
        property = cell;
        value = properties?.[memo[slot] as string];
      }
      // The remembered verdict read here, so that the instruction is not read at all.
      holds =
        value === memo[slot + 1]
          ? (memo[slot + 2] as boolean)
          : verdictAt(program[f + 1] as FilterInstruction, slot, value);
    } else if (slot === GROUP_END) return true;
    else {
      const instruction = program[f + 1] as FilterInstruction;
      if (instruction.kind !== CLOSURE) holds = runInPlace(instruction, input);
      else {
        ctx ??= { input, nowMs: undefined };
        holds = instruction.test(input, ctx);
      }
    }
    if (!holds) {
      // The group fails: on to its end (every group has one), and past it to the next group, if any.
      while (f < length && program[f] !== GROUP_END) f += 2;
    }
  }
  return false;
};

/** Criteria compiled once into closures, evaluated many times. */
export class CompiledCriteria {
  readonly groups: FilterGroups;
  /** The property types the criteria were compiled with; `undefined` when every type was inferred. */
  readonly types: PropertyTypes | undefined;
  readonly #compiled: readonly (readonly CompiledFilter[])[];
  /** The criteria as `runProgram` evaluates them (their order within groups fixed here, at compilation). */
  readonly program: CriteriaProgram;

  constructor(groups: FilterGroups, types?: PropertyTypes) {
    this.groups = groups;
    this.types = types;
    this.#compiled = groups.map((group) =>
      group.filters.map((filter) =>
        sharedCompiledFilter(filter, isPropertyFilter(filter) ? typeOf(types, filter.property) : undefined),
      ),
    );
    // AND is order-free and filters have no side effects: try cheap, selective filters first.
    this.program = programOf(
      this.#compiled.map((filters) =>
        filters.toSorted(byCostThenProperty).map((filter) => filter.instruction),
      ),
    );
  }

  /** True when any group has all its filters true; `[]` (no criteria) never matches. */
  match(input: FilterInput): boolean {
    return runProgram(this.program, input);
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
