import { ERRORS } from './task-contract.ts';

/** An error name of the task contract: what a Task's Retry and Catch match. */
export type TaskErrorName = (typeof ERRORS)[keyof typeof ERRORS];

/**
 * An error of the task contract. Its `name` is the ASL error name (the Lambda runtime reports it
 * as `errorType`, which the state machine's Retry and Catch match), taken from {@link ERRORS}
 * so that the compiler and the executor cannot disagree.
 */
export class TaskError extends Error {
  override readonly name: TaskErrorName;

  constructor(name: TaskErrorName, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = name;
  }
}

/** The record left the workflow (goal met, unenrolled, suppressed, deleted): caught into `Exit`. */
export class WorkflowExit extends TaskError {
  readonly reason: string;

  constructor(reason: string) {
    super(ERRORS.exit, `the record left the workflow: ${reason}`);
    this.reason = reason;
  }
}

/** A new execution took over (continue-as-new): caught into `Continued`. */
export class WorkflowContinued extends TaskError {
  constructor(resumeAt: string) {
    super(ERRORS.continued, `a new execution resumes at ${resumeAt}`);
  }
}

/** A fault worth trying again (a store or service that did not answer): retried with backoff. */
export class ActionTransient extends TaskError {
  constructor(message: string, options?: ErrorOptions) {
    super(ERRORS.transient, message, options);
  }
}

/** A webhook answered 5xx or 429, or did not answer: retried for up to 3 days. */
export class WebhookRetryable extends TaskError {
  constructor(message: string, options?: ErrorOptions) {
    super(ERRORS.webhookRetryable, message, options);
  }
}

/** A webhook refused the call (another 4xx): not retried, the action goes to its `onError`. */
export class WebhookRejected extends TaskError {
  constructor(message: string, options?: ErrorOptions) {
    super(ERRORS.webhookRejected, message, options);
  }
}

/** The enrollment stopped at a failed action (`onError: stop`): the error of the `Stopped` Fail state. */
export class WorkflowStopped extends TaskError {
  constructor(message = 'the enrollment stopped at a failed action') {
    super(ERRORS.stopped, message);
  }
}

/** An execution was asked to resume at an action its revision does not have. */
export class WorkflowUnknownResumeAction extends TaskError {
  constructor(message = 'the revision has no action to resume at') {
    super(ERRORS.unknownResumeAction, message);
  }
}

/** The action cannot run for this record (e.g. no email address): a permanent failure, not retried. */
export class ActionNotApplicable extends TaskError {
  constructor(message: string) {
    super(ERRORS.notApplicable, message);
  }
}
