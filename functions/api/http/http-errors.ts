import {
  AppError,
  type ErrorBody,
  toErrorBody,
  ValidationError,
} from '../../../shared/core/errors/app-error.ts';

/** The shape middy's http-error-handler reads: a status, whether to show the message, and the message. */
export interface HttpError extends Error {
  readonly statusCode: number;
  readonly expose: true;
  readonly headers?: Record<string, string>;
}

/** Errors middy's own middlewares throw (`@middy/util` createError): a status, and the package in `cause`. */
const isMiddyError = (
  error: unknown,
): error is Error & { statusCode: number; cause?: { package?: string } } =>
  error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';

/** Middy's JSON parser answers malformed JSON with 415: the contract wants a 400 that says so. */
const fromMiddy = (
  error: Error & { statusCode: number; cause?: { package?: string } },
): AppError | undefined => {
  // 415 (no body) and 422 (malformed): both are a body that is not JSON.
  if (error.cause?.package === '@middy/http-json-body-parser') {
    return new ValidationError(
      [{ path: 'body', message: 'the body is not valid JSON' }],
      'the body is not valid JSON',
    );
  }
  return undefined;
};

/** A service validating a raw body names the body itself with the empty path: the API calls it `body`. */
const rootAsBody = (body: ErrorBody): ErrorBody => {
  const { details } = body.error;
  if (!details?.some((issue) => issue.path === '')) return body;
  return {
    error: {
      ...body.error,
      details: details.map((issue) => (issue.path === '' ? { ...issue, path: 'body' } : issue)),
    },
  };
};

/**
 * Any thrown value as the error middy's http-error-handler turns into the response: the contract's
 * `{ error: { code, message, details? } }` as a JSON message, 5xx never showing what happened inside.
 */
export const toHttpError = (error: unknown): HttpError => {
  const known = error instanceof AppError ? error : isMiddyError(error) ? fromMiddy(error) : undefined;
  const body = rootAsBody(toErrorBody(known ?? error));
  const statusCode = known?.statusCode ?? 500;
  const headers = (known as { headers?: Record<string, string> } | undefined)?.headers;
  return Object.assign(new Error(JSON.stringify(body)), {
    statusCode,
    expose: true as const,
    ...(headers ? { headers } : {}),
  });
};
