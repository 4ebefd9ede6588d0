import { changedIn } from './changed-in.ts';
import { emptyRuleOf } from './compile-value-comparison.ts';
import type { PropertyFilter } from './filter.schema.ts';
import type { EvaluationContext, FilterInput, FilterTest } from './filter-input.ts';
import {
  isPropertyBag,
  isPrototypeKey,
  type PropertyReader,
  propertyKey,
  readerOf,
} from './property-reader.ts';
import { cellOf, type ValueCell } from './value-cell.ts';
import type { NumberOperator, SubstringPosition, ValueShape, ValueTest } from './value-comparison.ts';

/** Instruction kinds: a closure call, or one of the common comparisons evaluated in place. */
export const CLOSURE = 0;
export const NEVER = 1;
export const ABSENT = 2;
export const PRESENT = 3;
export const TEXT = 4;
export const TEXTS = 5;
export const NUMBER = 6;
export const NUMBERS = 7;
export const INSTANT = 8;
export const SUBSTRING = 9;
/** `changed`: the change touched the property, whatever its value. */
export const CHANGED = 10;
/** `inList` / `notInList`. */
export const LIST = 11;
/** `containsToken`: a whole-word match of the phrase's pattern. */
export const TOKEN = 12;

/** A memo slot's value before any comparison: no record value is this object. */
const NOTHING_YET: unknown = Object.freeze({});

/**
 * The last set value each property instruction compared, and its verdict on it, by the instruction's slot: side by
 * side in one array rather than on the instructions, so that a program whose verdicts are remembered reads its code
 * and this array, and none of its instructions (thousands of objects spread over the heap). A slot is the offset of
 * four entries — the instruction's property name, the value, the verdict, the property's cell id
 * (`FilterInstruction.ownProperty`) — the instruction's for its lifetime, and freed for another once the instruction
 * is garbage.
 */
class VerdictMemo {
  /** By slot, at `slot + MEMO_NAME`, `MEMO_VALUE`, `MEMO_VERDICT` and `MEMO_CELL`: see the class. */
  readonly entries: unknown[] = [];
  readonly #free: number[] = [];
  readonly #registry = new FinalizationRegistry<number>((slot) => {
    this.#set(slot, '', 0);
    this.#free.push(slot);
  });

  #set(slot: number, name: string, cell: number): void {
    this.entries[slot + MEMO_NAME] = name;
    this.entries[slot + MEMO_VALUE] = NOTHING_YET;
    this.entries[slot + MEMO_VERDICT] = false;
    this.entries[slot + MEMO_CELL] = cell;
  }

  /** A slot of `owner`'s own (on the property `name`, of the cell id `cell`), until it is garbage. */
  allocate(owner: object, name: string, cell: number): number {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.entries.length;
      this.entries.push(name, NOTHING_YET, false, cell);
    } else this.#set(slot, name, cell);
    this.#registry.register(owner, slot);
    return slot;
  }
}

// Where a memo slot's entries are, from the slot. The hot loops (`runProgram`, the batch matcher's) write these
// offsets as numbers: an imported binding would be read at each use.
const MEMO_NAME = 0;
const MEMO_VALUE = 1;
const MEMO_VERDICT = 2;
const MEMO_CELL = 3;

/** The verdicts every property instruction remembers (`verdictOn`), read in place by the hot loops. */
export const MEMO = new VerdictMemo();

const NUMBER_OPERATORS: readonly NumberOperator[] = ['eq', 'lt', 'lte', 'gt', 'gte', 'between'];
const SUBSTRING_POSITIONS: readonly SubstringPosition[] = ['anywhere', 'start', 'end'];
// Below this many texts a scan of the lowercase beats hashing it.
const SCAN_LIMIT = 4;

/** What a property filter compares, for its instruction. */
interface PropertyComparison {
  /** The property's name in its record (`industry` for `companies.industry`). */
  readonly name: string;
  /** The associated records' type (`companies`), `''` for an own property. */
  readonly objectType: string;
  readonly cell: ValueCell;
  readonly rule: 'negative' | 'absence' | 'positive';
  readonly includeEmpty: boolean;
  /** True when the filter fits no value: it matches nothing. */
  readonly matchesNothing: boolean;
  readonly shape: ValueShape | undefined;
  /** `changedTo` (`changed`: `onChange` without a comparison): true only for a change that touched the property. */
  readonly onChange: boolean;
  readonly changedOnly: boolean;
  /** Reads the property of a record's properties, for a change read from `before`. */
  readonly read: PropertyReader;
}

/**
 * One compiled filter as the hot loops run it. Every instruction has one shape (so that reading its fields stays
 * monomorphic), and the common comparisons — text equality and membership, substrings, number and date
 * comparisons, presence, on own or associated properties, on a change or not, and list membership — are
 * evaluated in place by `runInstruction`, without the closure calls of their compiled test; any other filter
 * calls its test. Both give the same answers: the test is the reference.
 */
export class FilterInstruction {
  /**
   * When the verdict is the comparison of the record's own property (`name`), not on a change: the id of the
   * property's cell, equal for filters on the same property as long as they share a cell (so that the hot loop
   * tells them apart by a number, without reading names); else `0`.
   */
  readonly ownProperty: number;
  /** The property's name in its record (`industry` for `companies.industry`), `''` for other filters. */
  readonly name: string;
  /**
   * Where `MEMO` keeps the last set value compared and the verdict on it (an instruction made with a property
   * comparison has one, whether it is compared in place or by its test); `-1` for a list filter or a bare closure.
   */
  readonly slot: number;
  readonly kind: number;
  readonly test: FilterTest;
  readonly objectType: string;
  readonly cell: ValueCell | undefined;
  /** A negative operator (`neq`, `notIn`, …, `notInList`): true on a comparable value that fails the comparison. */
  readonly negative: boolean;
  readonly includeEmpty: boolean;
  readonly onChange: boolean;
  readonly read: PropertyReader | undefined;
  /** The lowercase text of an equality, the needle of a substring, the list of a list filter. */
  readonly text: string;
  readonly texts: readonly string[];
  readonly textSet: ReadonlySet<string> | undefined;
  readonly numbers: ReadonlySet<number> | undefined;
  readonly operator: number;
  readonly low: number;
  readonly high: number;
  /** The whole-word pattern of `containsToken` (`undefined` when the phrase holds no word). */
  readonly pattern: RegExp | undefined;

  private constructor(
    kind: number,
    test: FilterTest,
    property?: PropertyComparison,
    list?: { readonly listId: string; readonly wanted: boolean },
  ) {
    this.kind = kind;
    this.test = test;
    this.name = propertyKey(property?.name ?? '');
    this.objectType = property?.objectType ?? '';
    this.cell = property?.cell;
    this.negative = property ? property.rule === 'negative' : list?.wanted === false;
    this.includeEmpty = property?.includeEmpty ?? false;
    this.onChange = property?.onChange ?? false;
    this.read = property?.read;
    const shape = property?.shape;
    this.text =
      shape?.kind === 'text'
        ? shape.lower
        : shape?.kind === 'substring'
          ? shape.needle
          : (list?.listId ?? '');
    const lowers = shape?.kind === 'texts' ? shape.lowers : [];
    this.texts = lowers;
    this.textSet = lowers.length > SCAN_LIMIT ? new Set(lowers) : undefined;
    this.numbers = shape?.kind === 'numbers' ? shape.members : undefined;
    this.operator =
      shape?.kind === 'number'
        ? NUMBER_OPERATORS.indexOf(shape.operator)
        : shape?.kind === 'substring'
          ? SUBSTRING_POSITIONS.indexOf(shape.at)
          : -1;
    this.low = shape?.kind === 'number' ? shape.low : shape?.kind === 'instant' ? shape.min : Number.NaN;
    this.high = shape?.kind === 'number' ? shape.high : shape?.kind === 'instant' ? shape.max : Number.NaN;
    this.pattern = shape?.kind === 'token' ? shape.pattern : undefined;
    const ownValue =
      kind !== CLOSURE &&
      kind !== NEVER &&
      kind !== LIST &&
      kind !== CHANGED &&
      this.objectType === '' &&
      !this.onChange;
    this.ownProperty = ownValue && property ? property.cell.id : 0;
    this.slot = property ? MEMO.allocate(this, this.name, this.ownProperty) : -1;
  }

  /** A filter that calls its compiled test. */
  static closure(test: FilterTest): FilterInstruction {
    return new FilterInstruction(CLOSURE, test);
  }

  /** `inList` (or, `wanted` false, `notInList`) of `listId`. */
  static list(test: FilterTest, listId: string, wanted: boolean): FilterInstruction {
    return new FilterInstruction(LIST, test, undefined, { listId, wanted });
  }

  /** A property filter: evaluated in place when its comparison has a shape, else through `test`. */
  static property(test: FilterTest, property: PropertyComparison): FilterInstruction {
    return new FilterInstruction(kindOf(property), test, property);
  }
}

const kindOf = (property: PropertyComparison): number => {
  // A change is one of the record's own properties: on associated records `changed`/`changedTo` are false.
  if (property.onChange && property.objectType !== '') return NEVER;
  if (property.changedOnly) return CHANGED;
  if (property.rule === 'absence') return ABSENT;
  if (property.matchesNothing) return NEVER;
  switch (property.shape?.kind) {
    case 'present':
      return property.rule === 'negative' ? CLOSURE : PRESENT;
    case 'text':
      return TEXT;
    case 'texts':
      return TEXTS;
    case 'number':
      return NUMBER;
    case 'numbers':
      return NUMBERS;
    case 'instant':
      return INSTANT;
    case 'substring':
      return SUBSTRING;
    case 'token':
      return TOKEN;
    default:
      return CLOSURE;
  }
};

/** A number compared as the `number` shape's operator (by its index) says. */
export const compareNumber = (operator: number, value: number, low: number, high: number): boolean => {
  switch (operator) {
    case 0:
      return value === low;
    case 1:
      return value < low;
    case 2:
      return value <= low;
    case 3:
      return value > low;
    case 4:
      return value >= low;
    default:
      return value >= low && value <= high;
  }
};

/** Whether a lowercase text holds `needle` where the `substring` shape's position (by its index) says. */
export const holdsSubstring = (position: number, lower: string, needle: string): boolean =>
  position === 0
    ? lower.includes(needle)
    : position === 1
      ? lower.startsWith(needle)
      : lower.endsWith(needle);

const isMember = (instruction: FilterInstruction, lower: string): boolean => {
  const set = instruction.textSet;
  if (set) return set.has(lower);
  for (const member of instruction.texts) if (member === lower) return true;
  return false;
};

/** The comparison of a set value: `undefined` when the value is of a kind the filter does not compare. */
const compare = (instruction: FilterInstruction, value: unknown): boolean | undefined => {
  switch (instruction.kind) {
    case TEXT:
      return typeof value === 'string' ? instruction.cell!.lower(value) === instruction.text : undefined;
    case TEXTS:
      return typeof value === 'string' ? isMember(instruction, instruction.cell!.lower(value)) : undefined;
    case NUMBER:
      return typeof value === 'number' && !Number.isNaN(value)
        ? compareNumber(instruction.operator, value, instruction.low, instruction.high)
        : undefined;
    case NUMBERS:
      return typeof value === 'number' && !Number.isNaN(value) ? instruction.numbers!.has(value) : undefined;
    case SUBSTRING:
      return typeof value === 'string'
        ? holdsSubstring(instruction.operator, instruction.cell!.lower(value), instruction.text)
        : undefined;
    case TOKEN:
      return typeof value === 'string' ? (instruction.pattern?.test(value) ?? false) : undefined;
    default: {
      if (typeof value !== 'string') return undefined;
      const ms = instruction.cell!.instant(value);
      return !Number.isNaN(ms) ? ms >= instruction.low && ms <= instruction.high : undefined;
    }
  }
};

/**
 * The verdict of a property instruction on one value: presence, the empty-value rule (a positive operator is
 * false on an empty value, a negative one says `includeEmpty`), then the comparison.
 */
export const verdictOn = (instruction: FilterInstruction, value: unknown): boolean =>
  verdictAt(instruction, instruction.slot, value);

/**
 * `verdictOn` for a caller that holds the instruction's memo slot (`slot`, its `FilterInstruction.slot`): a
 * remembered verdict is read without reading the instruction.
 */
export const verdictAt = (instruction: FilterInstruction, slot: number, value: unknown): boolean => {
  // The verdict is a function of the value alone: equal filters shared by many criteria answer the same record
  // value once (`===`: another value, or NaN, is compared anew). Only set values compared below are remembered,
  // and a slot starts with a value no record holds, so a hit is one of them.
  const memo = MEMO.entries;
  if (value === memo[slot + MEMO_VALUE]) return memo[slot + MEMO_VERDICT] as boolean;
  const empty = value === null || value === undefined || value === '';
  const kind = instruction.kind;
  if (kind === ABSENT) return empty;
  if (kind === PRESENT) return !empty;
  if (empty) return instruction.negative && instruction.includeEmpty;
  const result = compare(instruction, value);
  const verdict = instruction.negative ? result === false : result === true;
  memo[slot + MEMO_VALUE] = value;
  memo[slot + MEMO_VERDICT] = verdict;
  return verdict;
};

/** The instruction's verdict on the input: what its compiled test answers. */
export const runInstruction = (
  instruction: FilterInstruction,
  input: FilterInput,
  ctx: EvaluationContext,
): boolean => (instruction.kind === CLOSURE ? instruction.test(input, ctx) : runInPlace(instruction, input));

/** The verdict of an instruction evaluated in place (any kind but `CLOSURE`): it needs no evaluation context. */
export const runInPlace = (instruction: FilterInstruction, input: FilterInput): boolean => {
  // The common case first, on one test: a comparison of the record's own property, not on a change.
  if (instruction.ownProperty !== 0) return verdictOn(instruction, input.properties?.[instruction.name]);
  const kind = instruction.kind;
  if (kind === NEVER) return false;
  if (kind === LIST) return (input.lists?.includes(instruction.text) ?? false) !== instruction.negative;
  if (instruction.objectType !== '') {
    // Any associated record of the type; none (or no list of them) is false for every operator.
    const records = input.associated?.[instruction.objectType];
    if (!Array.isArray(records)) return false;
    for (const record of records) {
      if (isPropertyBag(record) && verdictOn(instruction, record[instruction.name])) return true;
    }
    return false;
  }
  if (instruction.onChange && !changedIn(input, instruction.name, instruction.read!)) return false;
  if (kind === CHANGED) return true;
  return verdictOn(instruction, input.properties?.[instruction.name]);
};

/**
 * The instruction of a property filter on `name` (of the associated `objectType`, or `''` for an own property);
 * a name an Object.prototype member shares keeps its closure, which never reads inherited members.
 */
export const propertyInstruction = (
  test: FilterTest,
  filter: PropertyFilter,
  valueTest: ValueTest,
  name: string,
  objectType: string,
): FilterInstruction => {
  if (isPrototypeKey(name)) return FilterInstruction.closure(test);
  return FilterInstruction.property(test, {
    name,
    objectType,
    cell: cellOf(filter.property),
    rule: emptyRuleOf(filter),
    includeEmpty: 'includeEmpty' in filter && filter.includeEmpty === true,
    matchesNothing: valueTest.matchesNothing === true,
    shape: valueTest.shape,
    onChange: filter.operator === 'changed' || filter.operator === 'changedTo',
    changedOnly: filter.operator === 'changed',
    read: readerOf(name),
  });
};
