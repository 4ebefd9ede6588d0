import type { ExecutionState } from '../contract/task-contract.ts';

/**
 * An execution not started yet: the enrollment's next step is further away than the parking threshold, so no
 * execution is held open for it (Step Functions' open executions quota); it is started when `dueAt` comes.
 */
export interface ParkedExecution {
  /** The execution's deterministic name (a second start of it is refused: never run twice). */
  readonly name: string;
  readonly stateMachineArn: string;
  /** Its input: the enrollment, `resumeAt` and the real `runAt`. */
  readonly input: ExecutionState;
  /** When to start it: the input's `runAt`. */
  readonly dueAt: string;
}

/** Where parked executions wait (a timer per enrollment in the table: at most one parked step per enrollment). */
export interface ParkedExecutions {
  /**
   * Parks the enrollment's next execution, replacing one parked before for the same enrollment unless that one stands
   * after it (`standsAfter`: a later run or generation): then nothing is parked, and false.
   */
  park(parked: ParkedExecution): Promise<boolean>;
  /**
   * Forgets the enrollment's parked execution, if any (stopped, unenrolled, started). With `name`, only while the
   * parked one is still that execution: a resumed execution that has already parked its successor keeps it.
   */
  cancel(enrollmentId: string, name?: string): Promise<void>;
  /** Up to `limit` parked executions due at or before `at`, earliest first. */
  due(at: string, limit: number): Promise<ParkedExecution[]>;
}
