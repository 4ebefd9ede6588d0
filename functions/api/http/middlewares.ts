import { createHash, timingSafeEqual } from 'node:crypto';
import type middy from '@middy/core';
import jsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  PayloadTooLargeError,
  UnauthorizedError,
  ValidationError,
} from '../../../shared/core/errors/app-error.ts';
import { formatPath, type ValidationIssue } from '../../../shared/core/errors/validation-issue.ts';
import { toHttpError } from './http-errors.ts';

type HttpMiddleware = middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

/** api.md: bodies over 1 MiB are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** How the API knows its caller: on AWS, API Gateway's IAM or Cognito authorizer; embedded, a bearer token. */
export type ApiAuth = { readonly kind: 'gateway' } | { readonly kind: 'bearer'; readonly token: string };

// Digests of equal length: comparing them in constant time says nothing of the token's length either.
const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(digest(given), digest(expected));

/** True when the request carries the bearer token (headers already lower-cased). */
export const hasBearerToken = (headers: Record<string, string | undefined>, token: string): boolean => {
  const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return match !== null && sameSecret(match[1]!.trim(), token);
};

/**
 * Checks the caller before anything is read: a missing or wrong token is a 401 and the request goes
 * no further. `isPublic` names the routes that answer anyone (`/health`, `/openapi.json`).
 */
export const authenticate = (
  auth: ApiAuth,
  isPublic: (event: APIGatewayProxyEvent) => boolean,
): HttpMiddleware => ({
  before: async ({ event }) => {
    if (auth.kind === 'gateway' || isPublic(event)) return;
    if (!hasBearerToken(event.headers as Record<string, string | undefined>, auth.token)) {
      throw new UnauthorizedError();
    }
  },
});

/** The body's size in bytes, as sent. */
const bodyBytes = (event: APIGatewayProxyEvent): number => {
  if (!event.body) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body);
};

/** Refuses bodies over the limit before they are parsed. */
export const limitBody = (maxBytes = MAX_BODY_BYTES): HttpMiddleware => ({
  before: async ({ event }) => {
    if (bodyBytes(event) > maxBytes) throw new PayloadTooLargeError(maxBytes);
  },
});

/** The keys middy's parser refuses (`jsonParseProtectProto`): either could reach a prototype through a merge. */
const isForbiddenKey = (key: string, value: unknown): boolean =>
  key === '__proto__' ||
  (key === 'constructor' && typeof value === 'object' && value !== null && Object.hasOwn(value, 'prototype'));

/** A value of the parsed body and how it was reached: its path is built only for a key that is reported. */
interface Visit {
  readonly value: unknown;
  readonly key?: PropertyKey;
  readonly parent?: Visit;
}

const pathOf = (visit: Visit, key: PropertyKey): string => {
  const segments: PropertyKey[] = [key];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) segments.unshift(at.key);
  return formatPath(segments);
};

/**
 * The paths of the keys middy's parser refuses, found in the body parsed by plain `JSON.parse` (which makes
 * `__proto__` an own property, never the prototype): without paths, the refusal would read as malformed JSON.
 * Iterative and linear in the body's size, so that a deeply nested body neither overflows the stack nor stalls.
 */
const forbiddenKeyIssues = (text: string): ValidationIssue[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return [];
  }
  const issues: ValidationIssue[] = [];
  const pending: Visit[] = [{ value: parsed }];
  for (let visit = pending.pop(); visit !== undefined; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) pending.push({ value: item, key: index, parent: visit });
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      if (isForbiddenKey(key, item)) {
        issues.push({ path: pathOf(visit, key), message: `"${key}" is not an allowed property name` });
      } else {
        pending.push({ value: item, key, parent: visit });
      }
    }
  }
  return issues.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
};

/**
 * Parses a JSON body with middy's parser whatever the content type says; no body is `undefined`. The parser
 * refuses keys that could pollute a prototype (`__proto__`, a `constructor` holding a `prototype`): such a body
 * is valid JSON, so the refusal is a 400 naming each key at its path, and nothing goes further.
 */
export const parseJsonBody = (): HttpMiddleware => {
  const parser = jsonBodyParser({ disableContentTypeCheck: true }) as HttpMiddleware;
  return {
    before: async (request) => {
      const { body, isBase64Encoded } = request.event;
      if (body === null || body === undefined || body === '') {
        // No body is `undefined`, told apart from a JSON `null` (which a route refuses as not an object).
        (request.event as { body: unknown }).body = undefined;
        return;
      }
      try {
        await parser.before?.(request);
      } catch (error) {
        const issues = forbiddenKeyIssues(isBase64Encoded ? Buffer.from(body, 'base64').toString() : body);
        if (issues.length > 0) throw new ValidationError(issues);
        throw error;
      }
    },
  };
};

/**
 * Turns whatever was thrown into the error middy's http-error-handler answers with (registered after
 * it, so it runs first): the contract's error body, the status read from `statusCode`.
 */
export const contractErrors = (log: (error: unknown) => void): HttpMiddleware => ({
  onError: async (request) => {
    const mapped = toHttpError(request.error);
    if (mapped.statusCode >= 500) log(request.error);
    request.error = mapped;
  },
});
