import type { APIGatewayProxyEvent } from 'aws-lambda';
import type * as z from 'zod';
import { ValidationError } from '../../../shared/core/errors/app-error.ts';
import type { ValidationIssue } from '../../../shared/core/errors/validation-issue.ts';
import { formatPath } from '../../../shared/core/errors/validation-issue.ts';
import { describeValue } from '../../../shared/core/workflow/validation/describe-value.ts';
import type { Route } from './route.ts';

/**
 * The issues of a failed parse, each at its path (the body's paths as written: `properties.email`); an unknown
 * field or query parameter is named by its own path, one issue each.
 */
const issuesOf = (error: z.ZodError, part: 'params' | 'query' | 'body', value: unknown): ValidationIssue[] =>
  error.issues.flatMap((issue) => {
    const paths =
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
    return paths.map((path) => ({
      path: formatPath(path) || part,
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown field "${String(path.at(-1))}"`
          : (wholeBodyMessage(issue, part, value) ?? issue.message),
    }));
  });

/** A body that is no JSON object at all (every route's body is one), said so with what was received. */
const wholeBodyMessage = (
  issue: z.core.$ZodIssue,
  part: 'params' | 'query' | 'body',
  value: unknown,
): string | undefined => {
  if (part !== 'body' || issue.path.length > 0 || issue.code !== 'invalid_type') return undefined;
  return value === undefined
    ? 'the body is required: a JSON object'
    : `the body must be a JSON object, not ${describeValue(value)}`;
};

const parsePart = <T>(
  schema: z.ZodType<T> | undefined,
  value: unknown,
  part: 'params' | 'query' | 'body',
  issues: ValidationIssue[],
): T | undefined => {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  issues.push(...issuesOf(result.error, part, value));
  return undefined;
};

/** Parses a route's path parameters, query and body with its schemas: one 400 naming every problem. */
export const parseRouteInput = (route: Route, event: APIGatewayProxyEvent) => {
  const issues: ValidationIssue[] = [];
  const params = parsePart(route.params, event.pathParameters ?? {}, 'params', issues);
  const query = parsePart(route.query, event.queryStringParameters ?? {}, 'query', issues);
  // The parsed body: `undefined` when none was sent, JSON `null` as sent.
  const body = parsePart(route.body, event.body as unknown, 'body', issues);
  if (issues.length > 0) throw new ValidationError(issues);
  return { params, query, body };
};
