import { describe, expect, it } from 'vitest';
import { isTransientSdkError, throwingTransient } from '../../../shared/adapters/aws-sdk/transient-errors.ts';
import { ActionTransient } from '../../../shared/core/contract/task-errors.ts';

const sdkError = (name: string, fields: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: {}, ...fields });

describe('transient AWS SDK errors', () => {
  it.each([
    ['a throttling name', sdkError('ThrottlingException')],
    ['TooManyRequestsException', sdkError('TooManyRequestsException')],
    ['a 429', sdkError('Whatever', { $metadata: { httpStatusCode: 429 } })],
    ['a 503', sdkError('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } })],
    [
      'a 500 server fault',
      sdkError('InternalFailure', { $fault: 'server', $metadata: { httpStatusCode: 500 } }),
    ],
    ['a server fault without status', sdkError('InternalErrorException', { $fault: 'server' })],
    ['a timeout', sdkError('TimeoutError')],
    ['a reset connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
  ])('retries %s', (_, error) => {
    expect(isTransientSdkError(error)).toBe(true);
  });

  it.each([
    [
      'a validation error',
      sdkError('ValidationException', { $fault: 'client', $metadata: { httpStatusCode: 400 } }),
    ],
    [
      'a refused message',
      sdkError('MessageRejected', { $fault: 'client', $metadata: { httpStatusCode: 400 } }),
    ],
    ['access denied', sdkError('AccessDeniedException', { $metadata: { httpStatusCode: 403 } })],
    ['not an error', 'ThrottlingException'],
  ])('does not retry %s', (_, error) => {
    expect(isTransientSdkError(error)).toBe(false);
  });

  it('throws a transient failure as Action.Transient, the SDK error as its cause', async () => {
    // Prepare
    const throttled = sdkError('ThrottlingException');
    // Act
    const thrown = await throwingTransient('SNS Publish', () => Promise.reject(throttled)).catch(
      (e: Error) => e,
    );
    // Assess
    expect(thrown).toBeInstanceOf(ActionTransient);
    expect(thrown.message).toBe(
      'SNS Publish failed, to be tried again: ThrottlingException: ThrottlingException happened',
    );
    expect(thrown.cause).toBe(throttled);
  });

  it('returns the answer and throws other errors as they are', async () => {
    const denied = sdkError('AccessDeniedException');
    await expect(throwingTransient('x', () => Promise.resolve(42))).resolves.toBe(42);
    await expect(throwingTransient('x', () => Promise.reject(denied))).rejects.toBe(denied);
  });
});
