import type { PropertyType } from '../records/property.schema.ts';
import type { ValueCell } from './value-cell.ts';
import { incomparable, type TriTest, type ValueTest } from './value-comparison.ts';

/** `contains`, `notContains`, `startsWith`, `endsWith`, `containsToken`. */
export type TextOperator = 'contains' | 'notContains' | 'startsWith' | 'endsWith' | 'containsToken';

// Letters, digits and combining marks (so that a decomposed "é" stays inside its word).
const WORD_CHARACTER = '\\p{L}\\p{N}\\p{M}';
const WORDS = new RegExp(`[${WORD_CHARACTER}]+`, 'gu');

/**
 * The regular expression `containsToken` runs: the value's words as a phrase (any non-word characters between
 * them), each end on a word boundary, case-insensitive; `undefined` when the value holds no word at all.
 * @example tokenPattern('new york').test('Office: New-York') // true
 */
export const tokenPattern = (phrase: string): RegExp | undefined => {
  const words = phrase.match(WORDS);
  if (!words) return undefined;
  return new RegExp(
    `(?<![${WORD_CHARACTER}])${words.join(`[^${WORD_CHARACTER}]+`)}(?![${WORD_CHARACTER}])`,
    'iu',
  );
};

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

const substringTest = (
  operator: Exclude<TextOperator, 'containsToken'>,
  needle: string,
  cell: ValueCell,
): TriTest => {
  switch (operator) {
    case 'contains':
    case 'notContains':
      return (value) => (isText(value) ? cell.lower(value).includes(needle) : undefined);
    case 'startsWith':
      return (value) => (isText(value) ? cell.lower(value).startsWith(needle) : undefined);
    case 'endsWith':
      return (value) => (isText(value) ? cell.lower(value).endsWith(needle) : undefined);
  }
};

/** `containsToken`'s test: the phrase's pattern, or (a phrase without a word) false on every text. */
const tokenTest = (pattern: RegExp | undefined): TriTest =>
  pattern
    ? (value) => (isText(value) ? pattern.test(value) : undefined)
    : (value) => (isText(value) ? false : undefined);

/**
 * Case-insensitive substring and whole-word tests on text values (lowercased through `cell`). With a known
 * `type`, only a `string` property is text: on any other (an enumeration, a date) the operator matches nothing.
 */
export const compileText = (
  operator: TextOperator,
  value: string | number | boolean,
  type: PropertyType | undefined,
  cell: ValueCell,
): ValueTest => {
  if (type !== undefined && type !== 'string') {
    return incomparable(`a text ("${operator}" does not apply to a ${type} property)`);
  }
  const needle = String(value).toLowerCase();
  if (operator === 'containsToken') {
    // One pattern for the test and the in-place instruction.
    const pattern = tokenPattern(needle);
    return { test: tokenTest(pattern), expects: 'a text', shape: { kind: 'token', pattern } };
  }
  const at = operator === 'startsWith' ? 'start' : operator === 'endsWith' ? 'end' : 'anywhere';
  return {
    test: substringTest(operator, needle, cell),
    expects: 'a text',
    shape: { kind: 'substring', at, needle },
  };
};
