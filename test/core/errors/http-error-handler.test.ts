import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InternalError,
  NotFoundError,
  ValidationError,
} from '../../../shared/core/errors/app-error.ts';

interface HttpResponse {
  readonly statusCode: number;
  readonly body?: string;
}

/** A middy handler that throws `error`, behind middy's error handler (which only reads the status). */
const answer = async (error: unknown): Promise<HttpResponse> => {
  const handler = middy(async (): Promise<HttpResponse> => {
    throw error;
  }).use(httpErrorHandler({ logger: false }));
  // No getRemainingTimeInMillis in the context: middy sets no early-timeout timer.
  return (await handler({}, {} as Parameters<typeof handler>[1])) as HttpResponse;
};

describe("AppError read by middy's http-error-handler", () => {
  it.each([
    [new NotFoundError('workflow wf_1 not found'), 404],
    [new ValidationError([{ path: 'name', message: 'a workflow needs a name' }]), 400],
    [new ConflictError('revision 3 is stale'), 409],
  ])('answers %s with its status and its message', async (error, status) => {
    // Act
    const response = await answer(error);
    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.body).toBe(error.message);
  });

  it('answers an InternalError with 500 without leaking its message', async () => {
    // Act
    const response = await answer(new InternalError('DynamoDB table crm-workflows-prod not found'));
    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.stringify(response)).not.toContain('crm-workflows-prod');
  });

  it('answers an error that is not ours with 500', async () => {
    // Act
    const response = await answer(new TypeError("Cannot read properties of undefined (reading 'id')"));
    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.stringify(response)).not.toContain('reading');
  });
});
