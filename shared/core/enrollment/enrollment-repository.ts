import type { Page, PageRequest } from '../ports/page.ts';
import type { EnrollmentState } from './enrollment-decision.ts';

/** An enrollment's status (api.md `GET /workflows/{id}/enrollments`; `goal_met` is its own outcome). */
export const ENROLLMENT_STATUSES = ['active', 'completed', 'unenrolled', 'goal_met', 'failed'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];
export type EndStatus = Exclude<EnrollmentStatus, 'active'>;

/** One enrollment of one record in one workflow. */
export interface Enrollment {
  readonly id: string;
  readonly workflowId: string;
  /**
   * The revision it runs: the one it started on, or a later one its workflow went live with while it ran (an edit of
   * the active workflow moves it at its next action when that action is in the new revision; `setRevision`).
   */
  readonly revision: number;
  readonly objectType: string;
  readonly recordId: string;
  /** 1 for the record's first enrollment in the workflow, 2 for the next, … */
  readonly count: number;
  readonly status: EnrollmentStatus;
  /** Why it enrolled: `criteria`, `reenrollment`, `manual`, `existing`, `workflow:<id>`. */
  readonly enrolledBecause: string;
  readonly enrolledAt: string;
  /** Why it ended (unenrolled, failed): the history's reason. */
  readonly reason?: string;
  readonly endedAt?: string;
  /** The action it failed at (status `failed`), where a retry resumes. */
  readonly failedActionId?: string;
  /** The `cause.depth` of the change that enrolled it (absent: 0); its actions' writes carry one more. */
  readonly depth?: number;
  /** How many times it was retried after failing (absent: never); the latest retry's run carries this number. */
  readonly retries?: number;
  /** The action the latest retry resumed at. */
  readonly retriedActionId?: string;
  /**
   * Where the active enrollment is (its enrollment item only): the action it waits to run (a delay, a window, an event
   * wait) or whose Task runs or retries now (`setCurrentAction`). Shown only while it is active.
   */
  readonly currentActionId?: string;
}

/** The record's enrollment in one workflow now: how many times it enrolled and the latest enrollment. */
export interface CurrentEnrollment {
  readonly workflowId: string;
  readonly objectType: string;
  readonly recordId: string;
  readonly count: number;
  readonly latest: Enrollment;
  /** `delayUntilEvent` actions the active enrollment waits at. */
  readonly waitingActionIds: readonly string[];
  /** What started the latest enrollment (`StartEnrollment.trigger`): a redelivered request recognises itself. */
  readonly trigger?: string;
  /** The execution running the active enrollment's actions now (continue-as-new replaces it). */
  readonly executionArn?: string;
}

/** What starts an enrollment. `trigger` names what asked (the change `<type>#<id>#<version>`, a request id). */
export interface StartEnrollment {
  readonly workflowId: string;
  readonly revision: number;
  readonly objectType: string;
  readonly recordId: string;
  readonly enrolledBecause: string;
  readonly at: string;
  readonly trigger: string;
  /** The `cause.depth` of the change that enrolls the record (absent: 0). */
  readonly depth?: number;
}

/**
 * `started`: this call (or, `replayed`, an earlier one with the same trigger) started it — start its execution
 * named by its id. Not started: the record is enrolled now (`active`) by another trigger.
 */
export type StartResult =
  | { readonly started: true; readonly replayed: boolean; readonly enrollment: Enrollment }
  | { readonly started: false; readonly active: Enrollment };

export interface EndEnrollment {
  readonly workflowId: string;
  readonly objectType: string;
  readonly recordId: string;
  readonly enrollmentId: string;
  readonly status: EndStatus;
  readonly reason?: string;
  readonly failedActionId?: string;
  readonly at: string;
}

/** Where enrollments are kept (docs/storage.md, "Enrollments and history"). */
export interface EnrollmentRepository {
  /** The record's enrollment in the workflow, undefined when it never enrolled. */
  current(workflowId: string, objectType: string, recordId: string): Promise<CurrentEnrollment | undefined>;
  /** The record's enrollment in every workflow it ever enrolled in, by workflow id. */
  ofRecord(objectType: string, recordId: string): Promise<Record<string, CurrentEnrollment>>;
  /** A workflow's enrollments, newest first, of one status or all; ValidationError (`cursor`) for a foreign cursor. */
  page(
    workflowId: string,
    status: EnrollmentStatus | undefined,
    page: PageRequest,
  ): Promise<Page<Enrollment>>;
  /** Starts an enrollment unless the record is enrolled in the workflow now: never two at once. */
  start(input: StartEnrollment): Promise<StartResult>;
  /** Ends the active enrollment `enrollmentId`; false when it had already ended (or is unknown). */
  end(input: EndEnrollment): Promise<boolean>;
  /** Notes (or forgets) that the active enrollment waits at a `delayUntilEvent` action. */
  setWaiting(input: EndEnrollmentRef, actionId: string, waiting: boolean): Promise<void>;
  /**
   * Notes the execution that runs the active enrollment now: false, noting nothing, when it has ended (or the record's
   * latest enrollment is another), or, with `expected`, when the noted execution is no longer that one (null: none).
   */
  setExecution(input: EndEnrollmentRef, executionArn: string, expected?: string | null): Promise<boolean>;
  /**
   * Moves the active enrollment to a later revision of its workflow (the state and the enrollment item): false, moving
   * nothing, when it has ended, is not the latest, or runs that revision or a later one already.
   */
  setRevision(input: EndEnrollmentRef, revision: number): Promise<boolean>;
  /** Notes on the active enrollment's item the action it is at (nothing once it has ended). */
  setCurrentAction(input: EndEnrollmentRef, actionId: string): Promise<void>;
  /** Sets the failed enrollment `enrollmentId` back to `active`, once: only while it is the latest and `failed`. */
  retry(input: RetryEnrollment): Promise<RetryResult>;
  /** The workflow's counts (all zero for a workflow without enrollments). */
  counts(workflowId: string): Promise<EnrollmentCounts>;
}

export type EndEnrollmentRef = Pick<EndEnrollment, 'workflowId' | 'objectType' | 'recordId' | 'enrollmentId'>;

/** A retry of the failed enrollment `enrollmentId`. */
export type RetryEnrollment = EndEnrollmentRef;

/**
 * `retried`: this call set the failed enrollment back to `active` (its `retries` counted one more, its
 * `retriedActionId` the failed action); not retried: the enrollment is not the record's latest, or not `failed`.
 */
export type RetryResult =
  | { readonly retried: true; readonly enrollment: Enrollment }
  | { readonly retried: false; readonly current?: Enrollment };

/**
 * A workflow's enrollments by status, counted as they start and end (`enrolled`: every enrollment started; the
 * others: the enrollments in that status now, so that they add up to `enrolled`).
 */
export interface EnrollmentCounts {
  readonly enrolled: number;
  readonly active: number;
  readonly completed: number;
  readonly unenrolled: number;
  readonly goal_met: number;
  readonly failed: number;
}

/** The state the enrollment decisions read. */
export const enrollmentState = (current: CurrentEnrollment | undefined): EnrollmentState => {
  if (!current) return { status: 'none' };
  const { latest } = current;
  if (latest.status !== 'active') return { status: 'ended' };
  return {
    status: 'enrolled',
    enrollmentId: latest.id,
    revision: latest.revision,
    waitingActionIds: current.waitingActionIds,
  };
};
