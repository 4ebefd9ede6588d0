/** How a parked event wait ended: the record met the criteria, or the timeout came first. */
export type EventWaitOutcome = 'met' | 'timedOut';

/**
 * Who takes a parked event wait's outcome: `won` (this outcome took it, now or on an earlier try), `lost` (the other
 * outcome took it), `gone` (no parked wait is kept: answered and forgotten, or never parked).
 */
export type EventWaitClaim = 'won' | 'lost' | 'gone';

/** A parked wait as the executor reads it: its timer, the outcome that took it, the retry that parked it. */
export interface ParkedEventWait {
  readonly timer: { readonly executionId: string; readonly startedAt: string };
  readonly claimedBy?: EventWaitOutcome;
  readonly retry?: number;
}

/**
 * A `delayUntilEvent` wait kept for one enrollment and action until it is answered: the task token of the execution
 * that waits, or, for a parked wait (no execution holds it), none: `executionId` is then the execution parked until the
 * timeout, which the answer's continuation takes over from.
 */
export interface EventWait {
  readonly workflowId: string;
  readonly objectType: string;
  readonly recordId: string;
  readonly enrollmentId: string;
  readonly actionId: string;
  /** Absent for a parked wait. */
  readonly taskToken?: string;
  readonly registeredAt: string;
  /** The execution that waits (absent for waits kept before executions were noted). */
  readonly executionId?: string;
  readonly startedAt?: string;
  /** A parked wait: when it times out. */
  readonly timesOutAt?: string;
  /** A parked wait: the outcome that took it. */
  readonly claimedBy?: EventWaitOutcome;
  /** A parked wait: the retry of the enrollment that parked it (absent: its first run). */
  readonly retry?: number;
}

/** Where event-wait tokens are kept (docs/storage.md, "Executor items"): at most one per enrollment and action. */
export interface EventWaitStore {
  /** Keeps the wait, replacing an earlier one of the same enrollment and action. */
  put(wait: EventWait): Promise<void>;
  /** The wait of the enrollment at the action, undefined when none is kept. */
  get(enrollmentId: string, actionId: string): Promise<EventWait | undefined>;
  /** Every wait the enrollment has kept. */
  ofEnrollment(enrollmentId: string): Promise<EventWait[]>;
  /**
   * Takes the parked wait's outcome, once: the first outcome to claim it wins, and claiming again with the same
   * outcome wins again (a retried answer goes on the same way); a wait with a task token is never claimed (`lost`).
   * With `executionId`, only the parked wait whose execution that is (the timeout's own, not an earlier run's).
   */
  claim(
    enrollmentId: string,
    actionId: string,
    outcome: EventWaitOutcome,
    executionId?: string,
  ): Promise<EventWaitClaim>;
  /** Forgets the wait of the enrollment at the action (nothing when none). */
  delete(enrollmentId: string, actionId: string): Promise<void>;
}
