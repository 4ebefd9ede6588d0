import { ERRORS } from '../contract/task-contract.ts';
import type { Retrier } from './asl.types.ts';

/** Errors of the Lambda service itself, retried as AWS recommends. */
const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * Transient faults (throttling, a dependency briefly down): three quick tries with full jitter
 * (the Step Functions default count), which keeps a 500-action path within 25,000 history events.
 */
export const TRANSIENT_RETRY: Retrier = {
  ErrorEquals: [ERRORS.transient, ...LAMBDA_SERVICE_ERRORS],
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  MaxAttempts: 3,
  JitterStrategy: 'FULL',
};

const WEBHOOK_RETRY_BUDGET_SECONDS = 3 * 24 * 3600;
const WEBHOOK_FIRST_INTERVAL = 60;
const WEBHOOK_MAX_DELAY = 6 * 3600;
const WEBHOOK_BACKOFF = 2;

/** How many retries fit in the webhook budget: the waits add up to at most 3 days. */
const webhookMaxAttempts = (): number => {
  let attempts = 0;
  let elapsed = 0;
  for (;;) {
    const wait = Math.min(WEBHOOK_FIRST_INTERVAL * WEBHOOK_BACKOFF ** attempts, WEBHOOK_MAX_DELAY);
    if (elapsed + wait > WEBHOOK_RETRY_BUDGET_SECONDS) return attempts;
    elapsed += wait;
    attempts += 1;
  }
};

/**
 * A webhook answered 5xx or 429 (or not at all): retried for up to 3 days — 1 min, doubling,
 * then every 6 h (19 retries, 2.9 days). No jitter, so that the span is the contract's and not a
 * random part of it.
 */
export const WEBHOOK_RETRY: Retrier = {
  ErrorEquals: [ERRORS.webhookRetryable],
  IntervalSeconds: WEBHOOK_FIRST_INTERVAL,
  BackoffRate: WEBHOOK_BACKOFF,
  MaxDelaySeconds: WEBHOOK_MAX_DELAY,
  MaxAttempts: webhookMaxAttempts(),
  JitterStrategy: 'NONE',
};

/**
 * What a Task raises on purpose to end the execution well (the record left, or the execution
 * continues in a new one): never retried, straight to its Catch.
 */
export const NO_RETRY_ON_EXIT: Retrier = { ErrorEquals: [ERRORS.exit, ERRORS.continued], MaxAttempts: 0 };

/**
 * Bookkeeping steps (recording a failure, a timeout, the completion) only write: they retry any
 * fault a few times, so that a passing store error does not end the enrollment unrecorded.
 */
export const BOOKKEEPING_RETRY: Retrier = {
  ErrorEquals: ['States.ALL'],
  IntervalSeconds: 2,
  BackoffRate: 2,
  MaxDelaySeconds: 60,
  MaxAttempts: 5,
  JitterStrategy: 'FULL',
};
