import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { createDynamoDBParkedResumer } from '../../shared/adapters/dynamodb/parked-resumer.dynamodb.ts';
import { createSfnExecutions } from '../../shared/adapters/stepfunctions/executions.sfn.ts';
import {
  DEFAULT_RESUME_RATE_PER_SECOND,
  MAX_RESUME_RATE_PER_SECOND,
  RESUME_SAFETY_MS,
  resumeParkedPaced,
} from '../../shared/core/executions/paced-resume.ts';
import { readEnvironment } from '../commons/environment.ts';
import { instrumented } from '../commons/observability.ts';
import { readSystemEnvironment, STEP_FUNCTIONS_CLIENT } from '../commons/system-environment.aws.ts';

const env = readEnvironment({
  /** StartExecution calls a second at most (under the account's refill rate, shared with enrollments). */
  RESUME_RATE_PER_SECOND: z._default(
    z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_RESUME_RATE_PER_SECOND)),
    DEFAULT_RESUME_RATE_PER_SECOND,
  ),
});
const system = readSystemEnvironment(process.env);
// The execution control's resumeParked alone: no services, no executor, no bus in this function.
const resumeParked = createDynamoDBParkedResumer({
  client: new DynamoDBClient({}),
  tableName: system.TABLE_NAME,
  clock: { now: () => new Date() },
  executions: createSfnExecutions({ client: new SFNClient(STEP_FUNCTIONS_CLIENT) }),
});

/** The schedule's period: every run starts what falls due before the next one (its Wait ends on time). */
const SCHEDULE_PERIOD_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts the parked executions that are due, or due before the next run (a schedule, every minute), paced under the
 * StartExecution quota: one batch of `RESUME_RATE_PER_SECOND` a second, its starts 10 in flight at a time, while
 * batches come back full (or throttled) and time is left. Each start is named, so a crash between a start and
 * forgetting its timer starts nothing twice; a throttled start ends its batch and stays parked; what is left waits
 * for the next run.
 */
export const handler = instrumented(
  async (_event: unknown, context: Context): Promise<{ started: number }> => {
    const { started } = await resumeParkedPaced({
      resumeParked: (limit) => resumeParked(limit, SCHEDULE_PERIOD_MS),
      ratePerSecond: env.RESUME_RATE_PER_SECOND,
      clock: { now: () => new Date() },
      sleep,
      timeLeftMs: () => context.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY,
      safetyMs: RESUME_SAFETY_MS,
    });
    return { started };
  },
);
