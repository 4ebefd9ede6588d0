import { lowerCase } from './lower-case.ts';
import type { TriTest, ValueTest } from './value-comparison.ts';

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

const textTest = (operator: TextOperator, needle: string): TriTest => {
  switch (operator) {
    case 'contains':
    case 'notContains':
      return (value) => (isText(value) ? lowerCase(value).includes(needle) : undefined);
    case 'startsWith':
      return (value) => (isText(value) ? lowerCase(value).startsWith(needle) : undefined);
    case 'endsWith':
      return (value) => (isText(value) ? lowerCase(value).endsWith(needle) : undefined);
    case 'containsToken': {
      const pattern = tokenPattern(needle);
      if (!pattern) return (value) => (isText(value) ? false : undefined);
      return (value) => (isText(value) ? pattern.test(value) : undefined);
    }
  }
};

/** Case-insensitive substring and whole-word tests on text values. */
export const compileText = (operator: TextOperator, value: string | number | boolean): ValueTest => ({
  test: textTest(operator, String(value).toLowerCase()),
  expects: 'a text',
});
