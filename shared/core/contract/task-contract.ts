/**
 * The contract between a compiled state machine and the executor function its Task states call.
 *
 * An execution carries only ids and the schedule (never the record: the 256 KiB payload
 * limit), as {@link ExecutionState}. Every Task receives a {@link TaskRequest} and returns the
 * next ExecutionState, which replaces the execution's state whole; the Wait state that
 * follows sleeps until its `runAt`.
 *
 * What each kind asks of the executor (X is `actionId`):
 * - `action`: re-check goal, unenrollment criteria and suppression (if the record must
 *   leave, record it and throw {@link ERRORS.exit}); run X; then advance along X's
 *   successor edge (see below), reading the record as X left it.
 * - `branch`: same re-checks; evaluate X (branch, valueBranch, randomSplit) now, record
 *   `branch.taken`, and return `branch` = the index of the chosen successor in
 *   `successorsOf(X)` order (branches…, default), having advanced along that edge. A random
 *   split draws from the enrollment and action ids, so a retried Task takes the same path.
 * - `waitForEvent`: same re-checks; register `taskToken` for X's criteria (replacing an
 *   earlier registration of the same enrollment and action), then check them: when they
 *   already match, answer the token at once. Whoever sees the record meet the criteria later
 *   sends task success with the next ExecutionState, advanced along X's `next` edge. The
 *   state's own timeout raises States.Timeout.
 * - `eventTimeout`: X's wait timed out: record it, advance along X's `timeoutNext` edge.
 * - `actionFailed`: X failed for good (`state.error`): record `action.failed` with the
 *   error and attempt count; `onError: continue` → advance along X's `next` edge;
 *   `stop` (and every failed branch or event wait) → mark the enrollment failed, resumable
 *   at X. The state machine then ends in its `Stopped` Fail state.
 * - `complete`: the record reached the end after a trailing delay: record `completed`.
 *
 * Advancing along an edge (`resolveEdge`): fold the edge's delays into a due instant from
 * now, in order; if the target is an action held back by execution windows, `runAt` is
 * `nextRunAt(due, settings, enrollmentId + ':' + target)`, else `runAt` is `due`. When the
 * edge has no delay and no target, the executor records `completed` itself (the machine
 * goes straight to `Done`). A `delayUntilAnchor` whose instant has passed sets `skipping`:
 * the following actions are recorded as skipped up to the next `delayUntilAnchor`.
 *
 * An execution lives at most a year. No `runAt` is later than 360 days after the execution
 * began (`startedAt`): a later instant is kept in `continueAt`, and the Task after the Wait
 * starts a new execution of the revision that resumes there (`resumeAt`, the real `runAt`),
 * then throws {@link ERRORS.continued}. An event wait that would outlive its execution
 * continues the same way before it registers.
 *
 * Errors the executor throws, by name (`errorType` of the Lambda error):
 * - {@link ERRORS.exit}: the record left (goal met, unenrolled, suppressed); caught → `Exit`.
 * - {@link ERRORS.continued}: a new execution took over; caught → `Continued`.
 * - {@link ERRORS.transient}: retry with backoff and jitter (so are Lambda service errors).
 * - {@link ERRORS.webhookRetryable}: a webhook answered 5xx or 429, or did not answer:
 *   retried for up to 3 days.
 * - anything else (e.g. {@link ERRORS.webhookRejected} for other 4xx, {@link ERRORS.notApplicable}
 *   for an action this record cannot take): not retried; the action goes to its `onError`.
 *   Bookkeeping Tasks retry any error a few times.
 * The Fail states end with {@link ERRORS.stopped} and {@link ERRORS.unknownResumeAction}.
 * Each name has its class in `task-errors.ts`.
 */
export const ERRORS = {
  exit: 'Workflow.Exit',
  continued: 'Workflow.Continued',
  transient: 'Action.Transient',
  webhookRetryable: 'Webhook.Retryable',
  webhookRejected: 'Webhook.Rejected',
  stopped: 'Workflow.Stopped',
  unknownResumeAction: 'Workflow.UnknownResumeAction',
  notApplicable: 'Action.NotApplicable',
} as const;

/** Who and what an execution is about. */
export interface EnrollmentRef {
  readonly workflowId: string;
  readonly revision: number;
  readonly enrollmentId: string;
  readonly recordId: string;
  readonly objectType: string;
  /**
   * The `cause.depth` of the change that enrolled the record (absent: 0, not caused by a workflow). Record writes of
   * the enrollment's actions carry `cause.depth` one more, so that the loop guard can stop a workflow re-triggering
   * itself.
   */
  readonly depth?: number;
  /**
   * The retry this execution runs (`POST /workflows/{id}/enrollments/{recordId}/retry`; absent: the enrollment's
   * first run). Its history lines carry it, so that a line written again by a retry (the failed action failing
   * again) is kept beside the earlier run's instead of being taken for a repeat of it.
   */
  readonly retry?: number;
  /**
   * The latest live revision this run stays off: its workflow was edited while it ran, and the action it was at is
   * not in that revision (or is a delay there), so it goes on on the revision it runs (absent: none).
   */
  readonly keptFrom?: number;
}

/** The data an execution carries from state to state (and its input). */
export interface ExecutionState {
  readonly enrollment: EnrollmentRef;
  /** RFC 3339 instant the next Wait sleeps until. */
  readonly runAt: string;
  /** Input only: start at this action instead of the start action (migration, retry, durable waits). */
  readonly resumeAt?: string;
  /**
   * Input only, with `resumeAt` naming a `delayUntilEvent`: the execution parked until that wait's timeout. It starts
   * at the wait's timeout path, which goes on only if the record has not met the criteria first.
   */
  readonly eventTimedOut?: boolean;
  /** Set by a `branch` task: index of the chosen successor. */
  readonly branch?: number;
  /** Set while skipping forward to the next `delayUntilAnchor` (its instant passed). */
  readonly skipping?: boolean;
  /** Set when the next step is beyond this execution's horizon: where and when a new execution resumes. */
  readonly continueAt?: { readonly resumeAt: string; readonly runAt: string };
  /** Set by a Catch: the error that made the action fail. */
  readonly error?: { readonly Error: string; readonly Cause?: string };
}

const TASK_KINDS = ['action', 'branch', 'waitForEvent', 'eventTimeout', 'actionFailed', 'complete'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** What the executor function receives from a Task state. */
export interface TaskRequest {
  readonly kind: TaskKind;
  /** The action concerned; null for `complete`. */
  readonly actionId: string | null;
  readonly state: ExecutionState;
  /** The execution's id (attempts are counted per execution). */
  readonly executionId: string;
  /** When the execution began (`$$.Execution.StartTime`): its horizon is 360 days later. */
  readonly startedAt: string;
  /** `waitForEvent` only. */
  readonly taskToken?: string;
}

/** What the executor function returns (or sends with task success): the next state. */
export type TaskResponse = ExecutionState;
