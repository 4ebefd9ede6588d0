import type { EnrollmentRef } from '../contract/task-contract.ts';

/*
 * What actions reach outside the CRM: email, notifications, webhooks. On AWS: SES v2, SNS, HTTPS; in the embedded
 * runtime email and notifications go to the outbox (`GET /_local/outbox`) and webhooks are really sent. Each call
 * carries the effect's idempotency `key` (enrollment, action, effect index): an adapter that can deduplicate uses it.
 */

/** An email as sent: personalised subject and body. */
export interface OutboundEmail {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly enrollment: EnrollmentRef;
  readonly key: string;
}

/** A notification as sent, to the users named. */
export interface OutboundNotification {
  readonly message: string;
  readonly recipients: readonly string[];
  readonly enrollment: EnrollmentRef;
  readonly key: string;
}

export interface Mailer {
  send(email: OutboundEmail): Promise<void>;
}

export interface Notifier {
  send(notification: OutboundNotification): Promise<void>;
}

/** A webhook call: the record as the JSON body, signed when `secretName` is set. */
export interface WebhookCall {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, exactly as sent (the signature is over these bytes). */
  readonly body: string;
  readonly secretName?: string;
  readonly enrollment: EnrollmentRef;
  readonly key: string;
}

/**
 * Sends a webhook. Resolves on 2xx; throws `WebhookRetryable` (5xx, 429, no answer, timeouts) or `WebhookRejected`
 * (other statuses, a refused address or scheme) from `contract/task-errors.ts`.
 */
export interface WebhookSender {
  send(call: WebhookCall): Promise<void>;
}

/** Where webhook secrets come from (Secrets Manager on AWS; the environment or the data directory embedded). */
export interface SecretSource {
  /** The secret's value; throws when it does not exist. */
  get(name: string): Promise<string>;
}

/** Everything outside the CRM an action can reach. */
export interface OutsideWorld {
  readonly mailer: Mailer;
  readonly notifier: Notifier;
  readonly webhooks: WebhookSender;
}
