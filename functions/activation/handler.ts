import type { Context } from 'aws-lambda';
import { countWorkflowEvents, instrumented } from '../commons/observability.ts';
import { workflowSystemFromEnvironment } from '../commons/workflow-system.aws.ts';

const system = workflowSystemFromEnvironment(process.env, {}, { onEvents: countWorkflowEvents });

/** Each invocation stops taking new steps this long before Lambda's deadline. */
const SAFETY_MS = 30_000;

/**
 * The background continuation of `enrollExisting` on AWS (a schedule, every minute): one step (a record budget) of
 * every unfinished activation, again while some remain and time is left. Each step saves its checkpoint, so an
 * invocation cut short loses nothing; the next one resumes there.
 */
export const handler = instrumented(async (_event: unknown, context: Context): Promise<{ steps: number }> => {
  let steps = 0;
  const timeLeft = () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
  while (timeLeft() > SAFETY_MS) {
    const unfinished = await system.activation.continueUnfinished();
    if (unfinished === 0) break;
    steps += unfinished;
  }
  return { steps };
});
