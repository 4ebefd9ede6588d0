import { createHash, timingSafeEqual } from 'node:crypto';
import type middy from '@middy/core';
import jsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PayloadTooLargeError, UnauthorizedError } from '../../../shared/core/errors/app-error.ts';
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

/** Parses a JSON body with middy's parser whatever the content type says; no body stays undefined. */
export const parseJsonBody = (): HttpMiddleware => {
  const parser = jsonBodyParser({ disableContentTypeCheck: true }) as HttpMiddleware;
  return {
    before: async (request) => {
      const { body } = request.event;
      if (body === null || body === undefined || body === '') {
        request.event.body = null;
        return;
      }
      await parser.before?.(request);
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
