import { sharedCompiledFilter, sharingKeyOf } from './compile-filter.ts';
import type { CriteriaDependencies } from './criteria-dependencies.ts';
import { type CriteriaChange, indexedDependencies, OrdinalCriteriaIndex } from './criteria-index.ts';
import { type FilterGroups, isPropertyFilter } from './filter.schema.ts';
import type { EvaluationContext, FilterInput } from './filter-input.ts';
import { type FilterInstruction, MEMO, runInstruction, verdictAt } from './filter-instruction.ts';
import { type FilterOptions, type PropertyTypes, typeOf } from './filter-options.ts';

/** One record (and change) read against the batch: each distinct filter evaluated at most once. */
export interface BatchReading {
  /** Whether `id`'s criteria match the record; false for an id the batch does not hold. */
  matches(id: string): boolean;
  /** The ids among `ids` whose criteria match, in the order given. */
  matching(ids: Iterable<string>): string[];
}

/**
 * Many criteria by id, compiled together: equal filters (of equal type) are one filter, evaluated at most once
 * per record, and each record value is normalised (lowercased, parsed) at most once. Results are those of
 * `matchFilters` for each criteria. Criteria are treated as immutable once given, as `matchFilters` does.
 */
export interface BatchMatcher {
  /** How many ids the batch holds. */
  readonly size: number;
  has(id: string): boolean;
  /** Adds `id`, or replaces its criteria (a workflow activated or edited); it keeps its place in the order. */
  set(id: string, criteria: FilterGroups): void;
  /** Removes `id` (a workflow deactivated or deleted); false when the batch did not hold it. */
  delete(id: string): boolean;
  /** The ids whose criteria the record (in the context of a change, if any) meets, in the batch's order. */
  match(input: FilterInput): string[];
  /**
   * The ids whose criteria result `change` could alter (as `createCriteriaIndex` over the same criteria), in the
   * batch's order: on creation every non-empty criteria, else those reading what the change touched.
   */
  affected(change: CriteriaChange): string[];
  /** `match`, among the ids `change` can affect only: the others are not evaluated at all. */
  matchAffected(input: FilterInput, change: CriteriaChange): string[];
  /**
   * A reading of one record for callers that ask id by id: each id's result and each filter's are memoised for
   * the record. `onEvaluate(id)` is told when an id's criteria are evaluated (once per id and reading).
   */
  read(input: FilterInput, options?: ReadingOptions): BatchReading;
}

/** How a reading reports its work. */
export interface ReadingOptions {
  readonly onEvaluate?: (id: string) => void;
}

interface Entry {
  readonly criteria: FilterGroups;
  /** Slots of each group's filters, cheapest first. */
  readonly groups: readonly (readonly number[])[];
  readonly dependencies: CriteriaDependencies | undefined;
}

/** The distinct compiled filters of a batch, each one slot. */
class Slots {
  readonly #byKey = new Map<string, number>();
  readonly instructions: FilterInstruction[] = [];
  readonly #costs: number[] = [];
  /** How many groups use each slot; one used by none is dead until the slots are compacted. */
  readonly #uses: number[] = [];
  #dead = 0;
  readonly #types: PropertyTypes | undefined;

  constructor(types: PropertyTypes | undefined) {
    this.#types = types;
  }

  get live(): number {
    return this.instructions.length - this.#dead;
  }

  get dead(): number {
    return this.#dead;
  }

  /** The slots of `criteria`'s groups (used once more each), each group's cheapest first. */
  take(criteria: FilterGroups): number[][] {
    return criteria.map((group) => {
      const slots = group.filters.map((filter) => {
        const type = isPropertyFilter(filter) ? typeOf(this.#types, filter.property) : undefined;
        const key = sharingKeyOf(filter, type);
        let slot = this.#byKey.get(key);
        if (slot === undefined) {
          const compiled = sharedCompiledFilter(filter, type);
          slot = this.instructions.push(compiled.instruction) - 1;
          this.#costs.push(compiled.cost);
          this.#uses.push(0);
          this.#byKey.set(key, slot);
        } else if (this.#uses[slot] === 0) {
          this.#dead -= 1;
        }
        this.#uses[slot]! += 1;
        return slot;
      });
      // AND is order-free and filters have no side effects: try cheap, selective filters first.
      return slots.sort((a, b) => this.#costs[a]! - this.#costs[b]! || a - b);
    });
  }

  /** Gives back the slots `take` returned. */
  release(groups: readonly (readonly number[])[]): void {
    for (const slots of groups) {
      for (const slot of slots) {
        this.#uses[slot]! -= 1;
        if (this.#uses[slot] === 0) this.#dead += 1;
      }
    }
  }
}

/** The batch laid out for evaluation: ordinals in the batch's order, every program end to end. */
interface Layout {
  readonly ids: readonly string[];
  readonly ordinals: ReadonlyMap<string, number>;
  /** Per ordinal, from `offsets[o]`: the number of groups, then each group's length and slots. */
  readonly code: Int32Array;
  readonly offsets: Int32Array;
  readonly instructions: readonly FilterInstruction[];
  /**
   * By slot: the memo slot (`FilterInstruction.slot`) of the comparison of an own property, `-1` for another
   * instruction: a remembered verdict is then read without reading the instruction.
   */
  readonly own: Int32Array;
  readonly index: OrdinalCriteriaIndex;
}

// Filter results in a memo of results by slot: not evaluated yet, false, true.
const UNKNOWN = 0;
const FALSE = 1;
const TRUE = 2;

/** Whether the program of `ordinal` matches: groups OR-ed, filters AND-ed, each slot's result memoised. */
const runProgram = (
  layout: Layout,
  ordinal: number,
  memo: Uint8Array,
  input: FilterInput,
  ctx: EvaluationContext,
): boolean => {
  const { code, instructions, own } = layout;
  // The memo's entries of a slot (`MEMO`): at `slot` the name, then the value, the verdict (and the cell id).
  const memoEntries = MEMO.entries;
  let at = layout.offsets[ordinal]!;
  let groups = code[at]!;
  at += 1;
  while (groups > 0) {
    groups -= 1;
    const end = at + 1 + code[at]!;
    at += 1;
    let passed = true;
    while (at < end) {
      const slot = code[at]!;
      let known = memo[slot]!;
      if (known === UNKNOWN) {
        const memoSlot = own[slot]!;
        let holds: boolean;
        if (memoSlot >= 0) {
          // The remembered verdict read here, so that the instruction is not read at all.
          const value = input.properties?.[memoEntries[memoSlot] as string];
          holds =
            value === memoEntries[memoSlot + 1]
              ? (memoEntries[memoSlot + 2] as boolean)
              : verdictAt(instructions[slot]!, memoSlot, value);
        } else holds = runInstruction(instructions[slot]!, input, ctx);
        known = holds ? TRUE : FALSE;
        memo[slot] = known;
      }
      if (known === FALSE) {
        passed = false;
        break;
      }
      at += 1;
    }
    if (passed) return true;
    at = end;
  }
  return false;
};

// Dead slots are dropped (every program recompiled) once there are this many and more than live ones.
const COMPACT_AFTER = 1_024;

class Batch implements BatchMatcher {
  readonly #types: PropertyTypes | undefined;
  readonly #entries = new Map<string, Entry>();
  #slots: Slots;
  #layout: Layout | undefined;
  /** The memo of `match` and `matchAffected`, zeroed before each use. */
  #scratch = new Uint8Array(0);

  constructor(types: PropertyTypes | undefined) {
    this.#types = types;
    this.#slots = new Slots(types);
  }

  get size(): number {
    return this.#entries.size;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  set(id: string, criteria: FilterGroups): void {
    const previous = this.#entries.get(id);
    if (previous?.criteria === criteria) return;
    const groups = this.#slots.take(criteria);
    if (previous) this.#slots.release(previous.groups);
    this.#entries.set(id, { criteria, groups, dependencies: indexedDependencies(criteria) });
    this.#layout = undefined;
  }

  delete(id: string): boolean {
    const previous = this.#entries.get(id);
    if (!previous) return false;
    this.#slots.release(previous.groups);
    this.#entries.delete(id);
    this.#layout = undefined;
    return true;
  }

  match(input: FilterInput): string[] {
    const layout = this.#laidOut();
    const memo = this.#zeroedScratch(layout);
    const ctx: EvaluationContext = { input, nowMs: undefined };
    const { ids } = layout;
    const matched: string[] = [];
    for (let ordinal = 0; ordinal < ids.length; ordinal += 1) {
      if (runProgram(layout, ordinal, memo, input, ctx)) matched.push(ids[ordinal]!);
    }
    return matched;
  }

  affected(change: CriteriaChange): string[] {
    const { index, ids } = this.#laidOut();
    return index.affected(change).map((ordinal) => ids[ordinal]!);
  }

  matchAffected(input: FilterInput, change: CriteriaChange): string[] {
    const layout = this.#laidOut();
    const memo = this.#zeroedScratch(layout);
    const ctx: EvaluationContext = { input, nowMs: undefined };
    const matched: string[] = [];
    for (const ordinal of layout.index.affected(change)) {
      if (runProgram(layout, ordinal, memo, input, ctx)) matched.push(layout.ids[ordinal]!);
    }
    return matched;
  }

  read(input: FilterInput, options?: ReadingOptions): BatchReading {
    const ctx: EvaluationContext = { input, nowMs: undefined };
    const onEvaluate = options?.onEvaluate;
    let layout: Layout | undefined;
    let memo = new Uint8Array(0);
    let results = new Uint8Array(0);
    const matches = (id: string): boolean => {
      // Laid out on first use; when the batch changed since, its slots may be numbered anew: the memo starts over.
      const current = this.#laidOut();
      if (current !== layout) {
        layout = current;
        memo = new Uint8Array(layout.instructions.length);
        results = new Uint8Array(layout.ids.length);
      }
      const ordinal = layout.ordinals.get(id);
      if (ordinal === undefined) return false;
      let known = results[ordinal]!;
      if (known === UNKNOWN) {
        onEvaluate?.(id);
        known = runProgram(layout, ordinal, memo, input, ctx) ? TRUE : FALSE;
        results[ordinal] = known;
      }
      return known === TRUE;
    };
    return {
      matches,
      matching: (ids) => {
        const matched: string[] = [];
        for (const id of ids) if (matches(id)) matched.push(id);
        return matched;
      },
    };
  }

  #zeroedScratch(layout: Layout): Uint8Array {
    if (this.#scratch.length < layout.instructions.length)
      this.#scratch = new Uint8Array(layout.instructions.length);
    else this.#scratch.fill(UNKNOWN, 0, layout.instructions.length);
    return this.#scratch;
  }

  #laidOut(): Layout {
    if (this.#layout) return this.#layout;
    if (this.#slots.dead >= COMPACT_AFTER && this.#slots.dead > this.#slots.live) this.#compact();
    const ids: string[] = [];
    const ordinals = new Map<string, number>();
    const dependencies: (CriteriaDependencies | undefined)[] = [];
    let length = 0;
    for (const [id, entry] of this.#entries) {
      ordinals.set(id, ids.push(id) - 1);
      dependencies.push(entry.dependencies);
      length += 1 + entry.groups.reduce((sum, slots) => sum + 1 + slots.length, 0);
    }
    const code = new Int32Array(length);
    const offsets = new Int32Array(ids.length + 1);
    let at = 0;
    let ordinal = 0;
    for (const entry of this.#entries.values()) {
      offsets[ordinal] = at;
      ordinal += 1;
      code[at++] = entry.groups.length;
      for (const slots of entry.groups) {
        code[at++] = slots.length;
        for (const slot of slots) code[at++] = slot;
      }
    }
    offsets[ordinal] = at;
    this.#layout = {
      ids,
      ordinals,
      code,
      offsets,
      instructions: this.#slots.instructions,
      own: Int32Array.from(this.#slots.instructions, (instruction) =>
        instruction.ownProperty !== 0 ? instruction.slot : -1,
      ),
      index: new OrdinalCriteriaIndex(dependencies),
    };
    return this.#layout;
  }

  /** Numbers the slots anew from the live criteria only. */
  #compact(): void {
    const slots = new Slots(this.#types);
    for (const [id, entry] of this.#entries) {
      this.#entries.set(id, { ...entry, groups: slots.take(entry.criteria) });
    }
    this.#slots = slots;
  }
}

/**
 * Compiles many criteria by id into one batch matcher: one record (and change) is then read against all of them,
 * each distinct filter evaluated at most once and each record value normalised at most once, groups combined
 * over flat arrays of filter numbers. `set` and `delete` keep it current as workflows are activated, edited or
 * deactivated; `affected` and `matchAffected` compose it with the criteria index. `options.types` as for
 * `matchFilters`: one types object per batch.
 * @example createBatchMatcher([{ id: 'wf_1', criteria }]).match({ objectType: 'contacts', properties }) // ['wf_1']
 */
export const createBatchMatcher = (
  entries: Iterable<{ readonly id: string; readonly criteria: FilterGroups }> = [],
  options?: FilterOptions,
): BatchMatcher => {
  const batch = new Batch(options?.types);
  for (const { id, criteria } of entries) batch.set(id, criteria);
  return batch;
};
