import { ActionTransient } from '../contract/task-errors.ts';
import type { EnrollmentRepository } from '../enrollment/enrollment-repository.ts';
import type { Clock } from '../ports/clock.ts';
import { type Executions, executionArnOf } from './executions.ts';
import type { ParkedExecution, ParkedExecutions } from './parked-executions.ts';

/** StartExecution calls in flight at most while resuming a batch of parked executions. */
export const DEFAULT_RESUME_CONCURRENCY = 10;

/** What one `resumeParked` did. */
export interface ResumedBatch {
  /** Parked executions found due, or due within the look-ahead (at most the limit asked for). */
  readonly due: number;
  /** Of those, executions started (or found started already) and forgotten. */
  readonly started: number;
  /**
   * Step Functions refused a start for now (its StartExecution or open executions quota): that execution and the
   * rest of the batch not started stay parked, to be tried again.
   */
  readonly throttled: boolean;
}

export interface ParkedResumerOptions {
  readonly clock: Clock;
  readonly executions: Pick<Executions, 'start'>;
  readonly enrollments: Pick<EnrollmentRepository, 'current'>;
  /** Where executions are parked; without it nothing is ever due. */
  readonly parking?: {
    readonly executions: ParkedExecutions;
    /** StartExecution calls in flight at most (default `DEFAULT_RESUME_CONCURRENCY`). */
    readonly concurrency?: number;
  };
}

/**
 * `resumeParked(limit, aheadMs)`: starts the parked executions due now, earliest first, at most `limit`, with up to
 * `parking.concurrency` starts in flight: each once (its name is deterministic, a second start is refused), then
 * forgets it (unless it has already parked its successor); one whose enrollment has ended, or moved on to another
 * execution, is forgotten without a start. A start refused for now (`ActionTransient`: throttled) ends the batch
 * there: the starts in flight finish, it and the ones not taken yet stay parked. With `aheadMs`, those due within
 * that much time are started too: their own Wait ends at the due instant, so a caller that runs every `aheadMs` adds
 * no lateness of its own. The execution control exposes it; the resumer function needs nothing else.
 * @example const resumeParked = createParkedResumer({ clock, executions, enrollments, parking: { executions: parked } })
 */
export const createParkedResumer =
  (options: ParkedResumerOptions) =>
  async (limit: number, aheadMs = 0): Promise<ResumedBatch> => {
    const { parking } = options;
    if (!parking) return { due: 0, started: 0, throttled: false };
    const upTo = new Date(options.clock.now().getTime() + aheadMs).toISOString();
    const due = await parking.executions.due(upTo, limit);
    /** Starts one parked execution if its enrollment still waits on it, then forgets it: whether it started. */
    const resumeOne = async (parked: ParkedExecution): Promise<boolean> => {
      const ref = parked.input.enrollment;
      const current = await options.enrollments.current(ref.workflowId, ref.objectType, ref.recordId);
      const live =
        current !== undefined &&
        current.latest.id === ref.enrollmentId &&
        current.latest.status === 'active' &&
        current.executionArn === executionArnOf(parked.stateMachineArn, parked.name);
      if (live) {
        await options.executions.start({
          stateMachineArn: parked.stateMachineArn,
          name: parked.name,
          input: parked.input,
        });
      }
      await parking.executions.cancel(ref.enrollmentId, parked.name);
      return live;
    };
    // Up to `concurrency` starts in flight, taken in due order. A refusal for now (throttling) or a fault takes no
    // further one: those in flight finish, the rest of the batch stays parked.
    let next = 0;
    let started = 0;
    let throttled = false;
    const faults: unknown[] = [];
    const worker = async (): Promise<void> => {
      while (next < due.length && !throttled && faults.length === 0) {
        const parked = due[next] as ParkedExecution;
        next += 1;
        try {
          if (await resumeOne(parked)) started += 1;
        } catch (error) {
          if (error instanceof ActionTransient) throttled = true;
          else faults.push(error);
        }
      }
    };
    const workers = Math.min(parking.concurrency ?? DEFAULT_RESUME_CONCURRENCY, due.length);
    await Promise.all(Array.from({ length: workers }, worker));
    if (faults.length > 0) throw faults[0];
    return { due: due.length, started, throttled };
  };
