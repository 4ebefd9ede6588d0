import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { z } from 'zod';
import { ValidationError } from '../../../shared/core/errors/app-error.ts';
import type { ValidationIssue } from '../../../shared/core/errors/validation-issue.ts';
import { formatPath } from '../../../shared/core/errors/validation-issue.ts';
import type { Route } from './route.ts';

/** The issues of a failed parse, each at its path (the body's paths as written: `properties.email`). */
const issuesOf = (error: z.ZodError, prefix: readonly PropertyKey[]): ValidationIssue[] =>
  error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]) || (prefix.length > 0 ? formatPath(prefix) : 'body'),
    message: issue.message,
  }));

const parsePart = <T>(
  schema: z.ZodType<T> | undefined,
  value: unknown,
  prefix: readonly PropertyKey[],
  issues: ValidationIssue[],
): T | undefined => {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  issues.push(...issuesOf(result.error, prefix));
  return undefined;
};

/** Parses a route's path parameters, query and body with its schemas: one 400 naming every problem. */
export const parseRouteInput = (route: Route, event: APIGatewayProxyEvent) => {
  const issues: ValidationIssue[] = [];
  const params = parsePart(route.params, event.pathParameters ?? {}, [], issues);
  const query = parsePart(route.query, event.queryStringParameters ?? {}, [], issues);
  const body = parsePart(route.body, event.body ?? undefined, [], issues);
  if (issues.length > 0) throw new ValidationError(issues);
  return { params, query, body };
};
