import type { ValidationIssue } from '../errors/validation-issue.ts';

/**
 * A target's answer that no retry can change (an invalid detail, a record that does not exist, a consumer
 * that is not there): the bus dead-letters the event at once. The core's 4xx AppErrors count the same.
 */
export class EventRejectedError extends Error {
  readonly details?: readonly ValidationIssue[];

  constructor(message: string, details?: readonly ValidationIssue[]) {
    super(message);
    this.name = 'EventRejectedError';
    if (details) this.details = details;
  }
}
