import { randomUUID } from 'node:crypto';
import type { EmbeddedBus } from './embedded-bus.ts';
import { type ReceivedRequest, type SigV4Failure, verifySigV4 } from './sigv4-verifier.ts';

/** The answer of an AWS JSON 1.1 operation. */
export interface AwsJsonResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface PutEventsEndpointOptions {
  readonly bus: Pick<EmbeddedBus, 'putEvents'>;
  /** The API token: the secret access key of the access key id `local`. */
  readonly token: string;
  /** The machine's time, against which the signature's instant is checked (never the manual clock). */
  readonly systemNow?: () => Date;
  readonly logError?: (error: unknown) => void;
}

/** EventBridge allows 1 to 10 entries per request. */
const MAX_ENTRIES = 10;

const answer = (statusCode: number, body: unknown): AwsJsonResponse => ({
  statusCode,
  headers: { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID() },
  body: JSON.stringify(body),
});

const awsError = (statusCode: number, type: string, message: string): AwsJsonResponse =>
  answer(statusCode, { __type: type, message });

/** A request for the AWS JSON protocol: `POST /` with an `X-Amz-Target` header. */
export const isAwsJsonRequest = (
  method: string,
  path: string,
  headers: ReceivedRequest['headers'],
): boolean => method === 'POST' && path === '/' && headers['x-amz-target'] !== undefined;

/**
 * EventBridge's PutEvents on the embedded server, for the real `@aws-sdk/client-eventbridge` pointed at it
 * with `accessKeyId: 'local'` and the API token as secret: SigV4 only (the bearer token is not accepted
 * here), then the entries checked and answered as EventBridge does.
 */
export const createPutEventsEndpoint =
  (options: PutEventsEndpointOptions) =>
  async (request: ReceivedRequest): Promise<AwsJsonResponse> => {
    const now = options.systemNow?.() ?? new Date();
    const refused: SigV4Failure | undefined = await verifySigV4(
      request,
      { accessKeyId: 'local', secretAccessKey: options.token },
      now,
    );
    if (refused) return awsError(400, refused.type, refused.message);
    const target = request.headers['x-amz-target'];
    if (target !== 'AWSEvents.PutEvents') {
      return awsError(
        400,
        'UnknownOperationException',
        `The embedded runtime answers AWSEvents.PutEvents only, not ${String(target)}.`,
      );
    }
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('application/x-amz-json-1.1')) {
      return awsError(400, 'SerializationException', 'Content-Type must be application/x-amz-json-1.1.');
    }
    let input: { Entries?: unknown };
    try {
      input = JSON.parse(request.body.toString('utf8')) as { Entries?: unknown };
    } catch {
      return awsError(400, 'SerializationException', 'The body is not valid JSON.');
    }
    const entries = input?.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
      return awsError(
        400,
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
      );
    }
    try {
      return answer(200, await options.bus.putEvents(entries));
    } catch (error) {
      options.logError?.(error);
      return awsError(500, 'InternalException', 'An internal error occurred.');
    }
  };
