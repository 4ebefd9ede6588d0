import type { ActionEffect } from '../actions/action-effects.ts';
import type { EnrollmentRef, ExecutionState } from '../contract/task-contract.ts';
import type { FilterGroups } from '../filters/filter.schema.ts';
import type { Properties } from '../records/record.schema.ts';
import type { WorkflowDefinition } from '../workflow/workflow.schema.ts';
import type { EventWaitClaim, EventWaitOutcome, ParkedEventWait } from './event-wait-store.ts';
import type { HistoryEvent } from './history-event.ts';

/** The execution a Task runs in. */
export interface ExecutionRef {
  readonly executionId: string;
  readonly startedAt: string;
}

/** What carrying out an effect reports, added to the `details` of the action's `action.completed` line. */
export type EffectOutcome = Readonly<Record<string, unknown>>;

/** What the executor reads and writes, as interfaces: DynamoDB and AWS on Lambda, memory in tests. */
export interface ExecutorPorts {
  readonly now: () => Date;
  /**
   * When set, a wait longer than this (ms) does not hold its execution open: the execution hands over at once
   * (continue-as-new), and the new one is parked as a timer until the wait's instant (Step Functions' open
   * executions quota). Unset: executions wait themselves, up to their one-year horizon.
   */
  readonly parkLongerThanMs?: number;
  /** The revision an execution runs. */
  readonly workflow: (workflowId: string, revision: number) => Promise<WorkflowDefinition>;
  /**
   * The revision the workflow runs now (its latest, while it is active); undefined when it is not active. An edit of an
   * active workflow goes live at once: a Task of an earlier revision moves its enrollment to it (see `executeTask`).
   */
  readonly liveRevision: (workflowId: string) => Promise<number | undefined>;
  /** Whether the revision's state machine is published (an edit is written before it is published). */
  readonly revisionPublished: (workflowId: string, revision: number) => Promise<boolean>;
  /** Moves the active enrollment to a later revision of its workflow (nothing once it has ended). */
  readonly moveEnrollment: (enrollment: EnrollmentRef, revision: number) => Promise<void>;
  /**
   * Notes where the active enrollment is (`currentActionId` of `GET /workflows/{id}/enrollments`): the action whose
   * Task starts (or is retried). An `action.scheduled` line notes its action too (see `history`).
   */
  readonly noteCurrentAction: (enrollment: EnrollmentRef, actionId: string) => Promise<void>;
  /** The enrolled record's properties, undefined once deleted. */
  readonly record: (objectType: string, id: string) => Promise<Properties | undefined>;
  /** Properties of the records associated with it, by object type (only the types asked for). */
  readonly associated: (
    objectType: string,
    id: string,
    types: readonly string[],
  ) => Promise<Record<string, Properties[]>>;
  /** Static lists the record belongs to. */
  readonly lists: (objectType: string, id: string) => Promise<string[]>;
  /**
   * Carries out an action's effect. Must be idempotent for one `key` (enrollment, action and
   * effect index: each action runs at most once per enrollment): a retried Task, or a new
   * execution resuming at a failed action, must not send an email twice. An effect that
   * failed is not remembered, so trying it again runs it. Resolves with what the action's
   * history line should say about it (an `enrollInWorkflow` the target refused), if anything.
   */
  readonly apply: (
    effect: ActionEffect,
    enrollment: EnrollmentRef,
    key: string,
  ) => Promise<EffectOutcome | undefined>;
  /**
   * Appends a history line. A retried Task may write a line again: a store keys lines by enrollment,
   * action and event (and execution) so that it keeps one. An `action.scheduled` line of an enrollment also notes its
   * action as where the enrollment is (`noteCurrentAction`): the one it waits to run.
   */
  readonly history: (event: HistoryEvent) => Promise<void>;
  /** The enrollment ended (completed, unenrolled, goal_met) or failed at an action. */
  readonly endEnrollment: (
    enrollment: EnrollmentRef,
    outcome: 'completed' | 'unenrolled' | 'goal_met' | 'failed',
    detail: { reason?: string; actionId?: string },
  ) => Promise<void>;
  /**
   * Keeps a task token until the record meets `criteria` (or the state times out), replacing
   * an earlier registration of the same enrollment and action.
   */
  readonly registerEventWait: (
    enrollment: EnrollmentRef,
    actionId: string,
    taskToken: string,
    criteria: FilterGroups,
    /** The execution that waits: whoever answers later advances from its horizon. */
    execution?: ExecutionRef,
  ) => Promise<void>;
  /**
   * Keeps a parked event wait: no execution holds it (no token); `timer` is the execution parked until `timesOutAt`,
   * the wait's timeout, and the answer's continuation takes over from it. Then notes the wait on the enrollment.
   */
  readonly parkEventWait: (
    enrollment: EnrollmentRef,
    actionId: string,
    timer: ExecutionRef,
    timesOutAt: string,
  ) => Promise<void>;
  /**
   * Takes a parked wait's outcome, once: `won` when this outcome took it (now, or on an earlier try of the same
   * answer), `lost` when the other did, `gone` when no parked wait is kept (answered and forgotten).
   */
  readonly claimEventWait: (
    enrollment: EnrollmentRef,
    actionId: string,
    outcome: EventWaitOutcome,
    /** Only the parked wait whose timer is this execution (`gone` otherwise). */
    executionId?: string,
  ) => Promise<EventWaitClaim>;
  /**
   * The parked wait's outcome went on: the enrollment's note that it waits is taken off (no later change answers it),
   * and the wait is kept with its claim, so that a retried Task or a repeated answer finds it taken.
   */
  readonly settleEventWait: (enrollment: EnrollmentRef, actionId: string) => Promise<void>;
  /** The parked wait the enrollment keeps at the action, undefined when none (a wait with a token is not parked). */
  readonly parkedEventWait: (
    enrollment: EnrollmentRef,
    actionId: string,
  ) => Promise<ParkedEventWait | undefined>;
  /** The execution noted on the enrollment while it is its record's active enrollment; undefined otherwise. */
  readonly notedExecution: (enrollment: EnrollmentRef) => Promise<string | undefined>;
  /** Counts one more attempt of the action in this execution and returns the count. */
  readonly countAttempt: (executionId: string, actionId: string) => Promise<number>;
  /** How many attempts the action has had in this execution. */
  readonly attempts: (executionId: string, actionId: string) => Promise<number>;
  /** Answers a task token with the next state (SendTaskSuccess) and forgets its registration. */
  readonly succeedEventWait: (taskToken: string, state: ExecutionState) => Promise<void>;
  /**
   * Starts a new execution of the enrollment's revision with this input (continue-as-new), taking over from the
   * execution `from` (a retried Task asks again for the same successor). Resolves with the new execution's ARN
   * (started or parked).
   */
  readonly continueAsNew: (input: ExecutionState, from?: ExecutionRef) => Promise<string>;
}
