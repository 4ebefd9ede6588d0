import type * as z from 'zod';
import { formatPath, type ValidationIssue } from '../../errors/validation-issue.ts';
import { describeValue, showValue } from './describe-value.ts';
import { allowedList, didYouMean, withChoices } from './suggest.ts';

type Issue = z.core.$ZodIssue;
type RawIssue = z.core.$ZodRawIssue;

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  null: 'null',
};
const expected = (name: string, inList = false): string =>
  inList && name === 'boolean' ? 'a boolean' : (EXPECTED[name] ?? `a ${name}`);

/** Names what a discriminated union tells apart, from the values it knows. */
const kindOf = (discriminator: string, options: readonly unknown[]): string => {
  if (discriminator === 'operator') return 'operator';
  if (options.includes('setProperty')) return 'action type';
  if (options.includes('fixedDate')) return 'anchor type';
  return `"${discriminator}"`;
};

const unknownFields = (issue: RawIssue & { code: 'unrecognized_keys' }): string => {
  const def = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  const known = Object.keys(def?.shape ?? {});
  // One line per key, in `keys` order: issuesFromZod splits them into one issue each. JSON.stringify escapes
  // any newline inside a key, so the lines stay aligned with the keys.
  return issue.keys.map((key) => `unknown field ${JSON.stringify(key)}${didYouMean(key, known)}`).join('\n');
};

const sizeMessage = (issue: RawIssue & { code: 'too_small' | 'too_big' }): string => {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case 'string':
      if (small && limit === 1) return 'must not be empty';
      return `must be at ${small ? 'least' : 'most'} ${limit} characters long`;
    case 'array':
    case 'set':
      if (small && limit === 1) return 'must not be empty';
      return small
        ? `needs at least ${limit} items`
        : `must have at most ${limit} items (found ${Array.isArray(issue.input) ? issue.input.length : '?'})`;
    default:
      if (issue.inclusive === false) return `must be ${small ? 'more' : 'less'} than ${limit}`;
      return `must be at ${small ? 'least' : 'most'} ${limit}`;
  }
};

/**
 * Our wording for zod's default messages; zod uses it only where a schema gives no message of its own.
 * Pass it as `safeParse(input, { error: zodErrorMap, reportInput: true })`.
 */
export const zodErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${expected(issue.expected)}, not ${describeValue(issue.input)}`;
    case 'too_small':
    case 'too_big':
      return sizeMessage(issue);
    case 'invalid_format':
      if (issue.format === 'url') return 'must be a URL';
      return issue.format === 'regex' ? 'has the wrong format' : `must be a valid ${issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return unknownFields(issue);
    case 'invalid_value': {
      const values = issue.values.map((value) => showValue(value));
      if (issue.input === undefined) return `is required: one of ${allowedList(values)}`;
      if (values.length === 1) return `must be ${values[0]}, not ${describeValue(issue.input)}`;
      if (typeof issue.input !== 'string')
        return `must be one of ${allowedList(values)}, not ${describeValue(issue.input)}`;
      const names = issue.values.map(String);
      return withChoices(`"${issue.input}" is not allowed here`, issue.input, names, 'allowed values');
    }
    case 'invalid_union': {
      // A discriminated union that knows no option for the value names its discriminator and tries no branch;
      // other unions carry their branches' errors, which issuesFromZod turns into a message.
      if (issue.discriminator === undefined || issue.errors.length > 0) return 'is not valid';
      const discriminator = String(issue.discriminator ?? 'type');
      const options = Array.isArray(issue.options) ? (issue.options as unknown[]) : [];
      const names = options.map(String);
      const kind = kindOf(discriminator, options);
      const value =
        typeof issue.input === 'object' && issue.input !== null
          ? (issue.input as Record<string, unknown>)[discriminator]
          : undefined;
      if (value === undefined) return `is required: the ${kind}, one of ${allowedList(names, 50)}`;
      if (typeof value !== 'string')
        return `must be one of ${allowedList(names, 50)}, not ${describeValue(value)}`;
      return withChoices(`unknown ${kind} "${value}"`, value, names, `${kind}s`);
    }
    case 'invalid_key':
      return `invalid name ${JSON.stringify(issue.input)}: ${issue.issues[0]?.message ?? 'not allowed here'}`;
    case 'invalid_element':
      return `invalid value for ${JSON.stringify(issue.key)}`;
    case 'custom':
      return 'is not valid';
    default:
      return undefined;
  }
};

const depth = (issues: readonly Issue[]): number => Math.max(0, ...issues.map((issue) => issue.path.length));

/** One line for a union none of whose branches got past the value itself: "must be A or B". */
const unionAlternatives = (issue: Issue & { code: 'invalid_union' }, input: unknown): string => {
  if (input === undefined) return 'is required';
  const alternatives = issue.errors.flatMap((branch) =>
    branch.map((inner) => {
      if (inner.code === 'invalid_type') return expected(inner.expected, true);
      if (inner.code === 'invalid_value') return inner.values.map((value) => showValue(value)).join(' or ');
      return inner.message;
    }),
  );
  const unique = [...new Set(alternatives)];
  const listed = unique.length > 1 ? `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)}` : unique[0];
  return `must be ${listed}, not ${describeValue(input)}`;
};

const flatten = (issue: Issue, prefix: readonly PropertyKey[], out: ValidationIssue[]): void => {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    const lines = issue.message.split('\n');
    issue.keys.forEach((key, index) => {
      out.push({
        path: formatPath([...path, key]),
        message: lines[index] ?? `unknown field ${JSON.stringify(key)}`,
      });
    });
    return;
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const input = (issue as { input?: unknown }).input;
    // The branch that got furthest into the value is the one the author meant: report its problems.
    const deepest = [...issue.errors].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0]!;
    if (input !== undefined && depth(deepest) > 0) {
      for (const inner of deepest) flatten(inner, path, out);
      return;
    }
    out.push({ path: formatPath(path), message: unionAlternatives(issue, input) });
    return;
  }
  out.push({ path: formatPath(path), message: issue.message });
};

/**
 * zod's issues as ours: a JSON path each, one issue per unknown field, and for a union the problems of the
 * branch the author meant (or the alternatives). `subject` names the whole input in a root-level message.
 */
export const issuesFromZod = (issues: readonly Issue[], subject = 'the input'): ValidationIssue[] => {
  const out: ValidationIssue[] = [];
  for (const issue of issues) flatten(issue, [], out);
  // Predicates ("must be an object…") read as sentences once the root has a name; others already are.
  const predicate = /^(must|is|needs) /;
  return out.map((issue) =>
    issue.path === '' && predicate.test(issue.message)
      ? { path: '', message: `${subject} ${issue.message}` }
      : issue,
  );
};
