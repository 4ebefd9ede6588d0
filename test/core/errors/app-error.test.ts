import { describe, expect, it } from 'vitest';
import {
  AppError,
  assertUnreachable,
  ConflictError,
  errorStatus,
  INTERNAL_MESSAGE,
  InternalError,
  NotFoundError,
  PayloadTooLargeError,
  toErrorBody,
  UnauthorizedError,
  ValidationError,
} from '../../../shared/core/errors/app-error.ts';

describe('AppError', () => {
  it.each([
    [new ValidationError([{ path: 'name', message: 'is required' }]), 'VALIDATION_FAILED', 400],
    [new UnauthorizedError(), 'UNAUTHORIZED', 401],
    [new NotFoundError('workflow wf_1 not found'), 'NOT_FOUND', 404],
    [new ConflictError('revision 3 is stale'), 'CONFLICT', 409],
    [new PayloadTooLargeError(1_048_576), 'PAYLOAD_TOO_LARGE', 413],
    [new InternalError('table missing'), 'INTERNAL', 500],
  ])('%s has a stable code and status', (error, code, status) => {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.statusCode).toBe(status);
    expect(error.expose).toBe(status < 500);
    expect(error.name).toBe(error.constructor.name);
    expect(errorStatus(error)).toBe(status);
  });

  it('keeps the cause', () => {
    const cause = new Error('socket hang up');
    expect(new InternalError('store failed', cause).cause).toBe(cause);
  });
});

describe('toErrorBody', () => {
  it('carries the details of a validation error', () => {
    const details = [
      { path: 'actions[2].next', message: 'names "a9", which is not an action of this workflow' },
    ];
    expect(toErrorBody(new ValidationError(details))).toEqual({
      error: { code: 'VALIDATION_FAILED', message: 'the request is not valid', details },
    });
  });

  it('shows a 4xx message as it is, without a details key', () => {
    expect(toErrorBody(new NotFoundError('workflow wf_1 not found'))).toEqual({
      error: { code: 'NOT_FOUND', message: 'workflow wf_1 not found' },
    });
  });

  it.each([
    [new InternalError('DynamoDB table crm-workflows-prod not found')],
    [new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a thrown string'],
    [undefined],
    [new AppError('INTERNAL', 'secret=abc', { details: [{ path: 'x', message: 'internal detail' }] })],
  ])('never leaks internals of %s', (thrown) => {
    expect(toErrorBody(thrown)).toEqual({ error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } });
    expect(errorStatus(thrown)).toBe(500);
  });
});

describe('assertUnreachable', () => {
  it('fails loudly with an internal error when reached at run time', () => {
    // A value from another version of the data reaches an exhaustive switch: the cast stands for that.
    const kind = 'circle' as 'square';
    const sides = () => {
      switch (kind) {
        case 'square':
          return 4;
        default:
          return assertUnreachable(kind);
      }
    };
    expect(sides).toThrow(InternalError);
    expect(sides).toThrow('unexpected value: "circle"');
  });
});
