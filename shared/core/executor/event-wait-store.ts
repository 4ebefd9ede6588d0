/** A `delayUntilEvent` task token kept for one enrollment and action until the wait is answered. */
export interface EventWait {
  readonly workflowId: string;
  readonly objectType: string;
  readonly recordId: string;
  readonly enrollmentId: string;
  readonly actionId: string;
  readonly taskToken: string;
  readonly registeredAt: string;
  /** The execution that waits (absent for waits kept before executions were noted). */
  readonly executionId?: string;
  readonly startedAt?: string;
}

/** Where event-wait tokens are kept (docs/storage.md, "Executor items"): at most one per enrollment and action. */
export interface EventWaitStore {
  /** Keeps the wait, replacing an earlier one of the same enrollment and action. */
  put(wait: EventWait): Promise<void>;
  /** The wait of the enrollment at the action, undefined when none is kept. */
  get(enrollmentId: string, actionId: string): Promise<EventWait | undefined>;
  /** Every wait the enrollment has kept. */
  ofEnrollment(enrollmentId: string): Promise<EventWait[]>;
  /** Forgets the wait of the enrollment at the action (nothing when none). */
  delete(enrollmentId: string, actionId: string): Promise<void>;
}
