import type { EvaluationContext } from './filter-input.ts';

/**
 * A compiled comparison of one record value with a filter's value: `true`/`false`, or `undefined` when the
 * record value is empty (null, undefined, "") or cannot be compared with it (wrong type). Returning `undefined`
 * for empties lets a positive operator be just `test(value) === true`, with no extra layer on the hot path.
 */
export type TriTest = (value: unknown, ctx: EvaluationContext) => boolean | undefined;

/** A compiled comparison and, for explanations, what kind of value it can compare with. */
export interface ValueTest {
  readonly test: TriTest;
  readonly expects: string;
  /**
   * True when no value at all can be compared (an operator or filter value that does not fit the property's
   * type): the filter then matches nothing — an empty value included, whatever `includeEmpty` says.
   */
  readonly matchesNothing?: true;
}

/** True when a value counts as "not set": null, undefined or the empty string. */
export const isEmptyValue = (value: unknown): boolean =>
  value === null || value === undefined || value === '';

/** A test no record value can pass, for filters the engine cannot compare with anything: they match nothing. */
export const incomparable = (expects: string): ValueTest => ({
  test: () => undefined,
  expects,
  matchesNothing: true,
});

/** A filter value as a number when it is one or reads as one (`"42"`), else `undefined`. */
export const numberOf = (value: string | number | boolean): number | undefined => {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isNaN(parsed) ? undefined : parsed;
};
