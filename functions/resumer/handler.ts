import type { Context } from 'aws-lambda';
import * as z from 'zod';
import { readEnvironment } from '../commons/environment.ts';
import { countWorkflowEvents, instrumented } from '../commons/observability.ts';
import { workflowSystemFromEnvironment } from '../commons/workflow-system.aws.ts';

const env = readEnvironment({
  /** StartExecution calls a second at most (under the account's refill rate, shared with enrollments). */
  RESUME_RATE_PER_SECOND: z.coerce.number().int().min(1).max(5_000).default(200),
});
const system = workflowSystemFromEnvironment(process.env, {}, { onEvents: countWorkflowEvents });

/** Stop taking new batches this long before Lambda's deadline. */
const SAFETY_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts the parked executions that are due (a schedule, every minute), paced under the StartExecution quota: one
 * batch of `RESUME_RATE_PER_SECOND` a second while batches come back full and time is left. Each start is named, so
 * a crash between a start and forgetting its timer starts nothing twice; what is left waits for the next run.
 */
export const handler = instrumented(
  async (_event: unknown, context: Context): Promise<{ started: number }> => {
    let started = 0;
    const timeLeft = () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
    while (timeLeft() > SAFETY_MS) {
      const began = Date.now();
      const due = await system.control.resumeParked(env.RESUME_RATE_PER_SECOND);
      started += due;
      if (due < env.RESUME_RATE_PER_SECOND) break;
      await sleep(Math.max(0, 1_000 - (Date.now() - began)));
    }
    return { started };
  },
);
