import type { FilterGroups } from './filter.schema.ts';

/** Property values as records hold them; typed `unknown` because the engine must survive odd data. */
export type PropertyBag = Readonly<Record<string, unknown>>;

/** What a set of criteria is evaluated against: one record, optionally in the context of a change. */
export interface FilterInput {
  /** The record's object type; informational — a `<objectType>.` prefix always addresses associated records. */
  readonly objectType: string;
  readonly properties: PropertyBag;
  /** The properties before the change being evaluated. */
  readonly before?: PropertyBag;
  /** Names of the properties the change being evaluated touched. */
  readonly changedProperties?: readonly string[];
  /** Associated records' properties by object type, for `<objectType>.<property>` filters. */
  readonly associated?: Readonly<Record<string, readonly PropertyBag[]>>;
  /** Ids of the static lists the record belongs to. */
  readonly lists?: readonly string[];
  /**
   * The instant time filters (`withinLast`, `notWithinLast`) compare with; read only when one needs it.
   * The core reads no clock: criteria with a time filter need it.
   */
  readonly now?: Date;
}

/** Per-evaluation state shared by the filters of one criteria: `now` is read at most once. */
export interface EvaluationContext {
  readonly input: FilterInput;
  nowMs: number | undefined;
}

/** One compiled filter's verdict on an input. */
export type FilterTest = (input: FilterInput, ctx: EvaluationContext) => boolean;

/** The evaluation instant in epoch milliseconds, read from the input on first use. */
export const nowOf = (ctx: EvaluationContext): number => {
  if (ctx.nowMs === undefined) {
    const { now } = ctx.input;
    if (now === undefined) {
      throw new TypeError(
        'a time filter (withinLast, notWithinLast) needs the evaluation instant: pass input.now',
      );
    }
    ctx.nowMs = now.getTime();
  }
  return ctx.nowMs;
};

/** One filter as the explanation shows it. */
export interface FilterExplanation {
  readonly filter: FilterGroups[number]['filters'][number];
  /** Where the filter sits in the criteria, e.g. `[0].filters[1]`. */
  readonly path: string;
  readonly property?: string;
  /** The value the filter saw; for associated filters, the values of every associated record. */
  readonly value: unknown;
  readonly result: boolean;
  readonly reason?: string;
}

/** Why criteria matched or not, filter by filter. */
export interface CriteriaExplanation {
  readonly matched: boolean;
  readonly groups: readonly { readonly matched: boolean; readonly filters: readonly FilterExplanation[] }[];
}
