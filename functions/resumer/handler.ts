import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { RESUME_SAFETY_MS, resumeParkedPaced } from '../../shared/core/executions/paced-resume.ts';
import { readEnvironment } from '../commons/environment.ts';
import { executionControlFromEnvironment } from '../commons/execution-control.aws.ts';
import { instrumented } from '../commons/observability.ts';

const env = readEnvironment({
  /** StartExecution calls a second at most (under the account's refill rate, shared with enrollments). */
  RESUME_RATE_PER_SECOND: z.coerce.number().int().min(1).max(5_000).default(200),
});
const control = executionControlFromEnvironment(process.env);

/** The schedule's period: every run starts what falls due before the next one (its Wait ends on time). */
const SCHEDULE_PERIOD_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts the parked executions that are due, or due before the next run (a schedule, every minute), paced under the
 * StartExecution quota: one batch of `RESUME_RATE_PER_SECOND` a second while batches come back full (or throttled)
 * and time is left. Each start is named, so a crash between a start and forgetting its timer starts nothing twice; a
 * throttled start stays parked; what is left waits for the next run.
 */
export const handler = instrumented(
  async (_event: unknown, context: Context): Promise<{ started: number }> => {
    const { started } = await resumeParkedPaced({
      resumeParked: (limit) => control.resumeParked(limit, SCHEDULE_PERIOD_MS),
      ratePerSecond: env.RESUME_RATE_PER_SECOND,
      clock: { now: () => new Date() },
      sleep,
      timeLeftMs: () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY,
      safetyMs: RESUME_SAFETY_MS,
    });
    return { started };
  },
);
