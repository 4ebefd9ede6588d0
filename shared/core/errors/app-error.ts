import type { ValidationIssue } from './validation-issue.ts';

/** Stable error codes and the HTTP status each maps to (api.md, "Errors") — the one place they meet. */
const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Every error code, in the order of the table above (the OpenAPI document's enum). */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as readonly ErrorCode[];

/** What every error response carries: `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly details?: readonly ValidationIssue[];
  };
}

export interface AppErrorOptions {
  readonly details?: readonly ValidationIssue[];
  readonly cause?: unknown;
}

/**
 * An error with a stable code; 4xx ones are the caller's mistake and are shown as they are.
 * `statusCode` and `expose` are what middy's `@middy/http-error-handler` reads.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly statusCode: number;
  readonly details?: readonly ValidationIssue[];

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.statusCode = ERROR_STATUS[code];
    if (options.details) this.details = options.details;
  }

  /**
   * True when the message may be shown to the caller: system faults (5xx) never leak their internals; "busy, try
   * again" (503) says nothing of them.
   */
  get expose(): boolean {
    return this.statusCode < 500 || this.code === 'SERVICE_UNAVAILABLE';
  }
}

/** The input breaks the contract; `details` names each problem with its JSON path. */
export class ValidationError extends AppError {
  constructor(details: readonly ValidationIssue[], message = 'the request is not valid', cause?: unknown) {
    super('VALIDATION_FAILED', message, { details, cause });
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'authentication is missing or wrong') {
    super('UNAUTHORIZED', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'not found') {
    super('NOT_FOUND', message);
  }
}

/** The path exists, not with this method; `allow` lists the methods it has (the `Allow` header). */
export class MethodNotAllowedError extends AppError {
  readonly headers: Readonly<Record<string, string>>;

  constructor(method: string, allow: readonly string[]) {
    super('METHOD_NOT_ALLOWED', `${method} is not allowed here; allowed: ${allow.join(', ')}`);
    this.headers = { Allow: allow.join(', ') };
  }
}

/** The request clashes with the current state: a stale revision, an existing name, an active workflow. */
export class ConflictError extends AppError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', `the body is larger than ${limitBytes} bytes`);
  }
}

/** A system fault; its message is for the logs only. */
export class InternalError extends AppError {
  constructor(message: string, cause?: unknown) {
    super('INTERNAL', message, { cause });
  }
}

/** The message every 5xx answers with, whatever happened inside. */
export const INTERNAL_MESSAGE = 'an internal error occurred';

/** True when `error` is one of ours. */
const isAppError = (error: unknown): error is AppError => error instanceof AppError;

/**
 * The response body for any thrown value; anything not exposable (5xx, foreign errors) becomes a bare INTERNAL.
 * @example toErrorBody(new NotFoundError('workflow wf_1 not found')) // { error: { code: 'NOT_FOUND', message: … } }
 */
export const toErrorBody = (error: unknown): ErrorBody => {
  if (!isAppError(error) || !error.expose) return { error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } };
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    },
  };
};

/** The HTTP status for any thrown value (500 for anything not ours). */
export const errorStatus = (error: unknown): number => (isAppError(error) ? error.statusCode : 500);

/**
 * Ends an exhaustive `switch`: the compiler proves this line unreachable, and at run time an unexpected value
 * (data from an older or newer version) fails loudly as an INTERNAL error.
 */
export function assertUnreachable(value: never): never {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  throw new InternalError(`unexpected value: ${shown}`);
}
