import type { Context } from 'aws-lambda';
import { countWorkflowEvents, instrumented } from '../commons/observability.ts';
import { workflowSystemFromEnvironment } from '../commons/workflow-system.aws.ts';
import { type BackgroundRun, runBackground } from './background.ts';

const system = workflowSystemFromEnvironment(process.env, {}, { onEvents: countWorkflowEvents });

/** Each invocation stops taking new steps this long before Lambda's deadline. */
const SAFETY_MS = 30_000;

/**
 * The background function on AWS (a schedule, every minute): completes the changes a stopped writer left pending
 * and the list deletions a request left unfinished, within half its time, then continues `enrollExisting`: one step
 * (a record budget) of every unfinished activation, again while some remain and time is left (`runBackground`).
 * Each step saves its checkpoint, so an invocation cut short loses nothing; the next one resumes there.
 */
export const handler = instrumented(
  async (_event: unknown, context: Context): Promise<BackgroundRun> =>
    runBackground(system, {
      timeLeft: () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY,
      safetyMs: SAFETY_MS,
      now: () => new Date(),
    }),
);
