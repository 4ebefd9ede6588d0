import type { Clock } from '../ports/clock.ts';
import type { ResumedBatch } from './resume-parked.ts';

/** The resumer takes no new batch this long before its deadline (Lambda's timeout). */
export const RESUME_SAFETY_MS = 10_000;

/**
 * The resumer's StartExecution calls a second unless told (the construct's `resumeRatePerSecond`): a third of the
 * largest regions' refill rate (300/s), two thirds of the others' (150/s), the rest left to enrollments.
 */
export const DEFAULT_RESUME_RATE_PER_SECOND = 100;

/** The most StartExecution calls a second the resumer may be given (a raised quota's order of magnitude). */
export const MAX_RESUME_RATE_PER_SECOND = 5_000;

export interface PacedResumeOptions {
  /** One batch: the execution control's `resumeParked`. */
  readonly resumeParked: (limit: number) => Promise<ResumedBatch>;
  /** Starts a second at most: the batch size, one batch a second. */
  readonly ratePerSecond: number;
  readonly clock: Clock;
  /** Waits `ms` (real time on Lambda, the simulated clock in a simulation). */
  readonly sleep: (ms: number) => Promise<void>;
  /** How long the invocation has left (Lambda's remaining time). */
  readonly timeLeftMs: () => number;
  /** No new batch is taken once no more than this is left. */
  readonly safetyMs: number;
}

/** What one paced run did. */
export interface PacedResume {
  /** Executions started (or found started already). */
  readonly started: number;
  /** Parked executions found due, started or forgotten. */
  readonly due: number;
  readonly batches: number;
  /** Batches cut short because Step Functions refused a start for now. */
  readonly throttledBatches: number;
}

/**
 * Starts the parked executions that are due, paced under the StartExecution quota: one batch of `ratePerSecond`
 * a second (from the start of one batch to the start of the next), while batches come back full or throttled and
 * time is left. A throttled batch leaves its executions parked: they are tried again a second later, or by the
 * next run once time is up.
 * @example await resumeParkedPaced({ resumeParked: control.resumeParked, ratePerSecond: 200, clock, sleep, timeLeftMs, safetyMs: 10_000 })
 */
export const resumeParkedPaced = async (options: PacedResumeOptions): Promise<PacedResume> => {
  const { clock, ratePerSecond } = options;
  let started = 0;
  let due = 0;
  let batches = 0;
  let throttledBatches = 0;
  while (options.timeLeftMs() > options.safetyMs) {
    const began = clock.now().getTime();
    const batch = await options.resumeParked(ratePerSecond);
    batches += 1;
    started += batch.started;
    due += batch.due;
    if (batch.throttled) throttledBatches += 1;
    else if (batch.due < ratePerSecond) break;
    await options.sleep(Math.max(0, 1_000 - (clock.now().getTime() - began)));
  }
  return { started, due, batches, throttledBatches };
};
