/*
 * EventBridge event patterns, the subset the rules use: exact values, `prefix`, `anything-but` (values or
 * `{ prefix }`), `exists`, nested objects. Pure and import-free, like the rules.
 */

export type PatternValue = string | number | boolean | null;

export type PatternMatcher =
  | PatternValue
  | { readonly prefix: string }
  | { readonly 'anything-but': PatternValue | readonly PatternValue[] | { readonly prefix: string } }
  | { readonly exists: boolean };

/** Each field lists the values it accepts (any of them), or is a nested pattern. */
export interface EventPattern {
  readonly [field: string]: readonly PatternMatcher[] | EventPattern;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const matchesScalar = (matcher: PatternMatcher, value: unknown): boolean => {
  if (!isObject(matcher)) return matcher === value;
  if ('prefix' in matcher) return typeof value === 'string' && value.startsWith(matcher.prefix);
  if ('exists' in matcher) return matcher.exists;
  const excluded = matcher['anything-but'];
  if (isObject(excluded)) return typeof value === 'string' && !value.startsWith(excluded.prefix);
  const values: readonly PatternValue[] = Array.isArray(excluded) ? excluded : [excluded as PatternValue];
  return !values.includes(value as PatternValue) && !isObject(value);
};

const matchesField = (matchers: readonly PatternMatcher[], value: unknown): boolean => {
  if (value === undefined) return matchers.some((m) => isObject(m) && 'exists' in m && m.exists === false);
  // An array in the event matches when one of its elements does (EventBridge's rule).
  const values = Array.isArray(value) ? value : [value];
  return matchers.some((matcher) => values.some((element) => matchesScalar(matcher, element)));
};

/**
 * True when the event matches every field of the pattern.
 * @example matchesEventPattern({ source: [{ 'anything-but': { prefix: 'crm.' } }] }, { source: 'shop' }) // true
 */
export const matchesEventPattern = (pattern: EventPattern, event: unknown): boolean =>
  Object.entries(pattern).every(([field, expected]) => {
    const value = isObject(event) ? event[field] : undefined;
    if (Array.isArray(expected)) return matchesField(expected, value);
    return isObject(value) && matchesEventPattern(expected as EventPattern, value);
  });
