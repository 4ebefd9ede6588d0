import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EventEnvelope } from '../../core/events/event-envelope.ts';
import { EventRejectedError } from '../../core/events/event-rejected-error.ts';
import type { EventHandler } from '../../core/events/ingest-target.ts';

/** What the dead-letter queue keeps of an event no retry can apply. */
export interface RejectedEvent {
  readonly event: EventEnvelope;
  readonly error: { readonly name: string; readonly message: string; readonly details?: unknown };
  readonly target: string;
  readonly attempts: number;
}

/**
 * A target whose invalid events (EventRejectedError: a validation error, an unknown record) go straight to the
 * dead-letter queue with their error instead of being retried, and are counted by `onRejected` (a metric); any other
 * error is thrown, so that EventBridge and Lambda retry it and, past the retries, dead-letter it themselves.
 */
export const deadLetteringRejected =
  (options: {
    readonly target: string;
    readonly handler: EventHandler;
    readonly client: SQSClient;
    readonly queueUrl: string;
    readonly onRejected?: (rejected: RejectedEvent) => void;
  }): EventHandler =>
  async (event) => {
    try {
      await options.handler(event);
    } catch (error) {
      if (!(error instanceof EventRejectedError)) throw error;
      const rejected: RejectedEvent = {
        event,
        error: {
          name: error.name,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
        target: options.target,
        attempts: 1,
      };
      await options.client.send(
        new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: JSON.stringify(rejected) }),
      );
      options.onRejected?.(rejected);
    }
  };
