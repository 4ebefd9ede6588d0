import { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { createSfnExecutions } from '../../shared/adapters/stepfunctions/executions.sfn.ts';
import { createSfnStateMachines } from '../../shared/adapters/stepfunctions/state-machines.sfn.ts';
import { DEFAULT_EVENT_BUS_NAME } from '../../shared/core/events/event-names.ts';
import type { Executions } from '../../shared/core/executions/executions.ts';
import type { StateMachineRegistry } from '../../shared/core/workflow/state-machines.ts';
import { readEnvironment } from './environment.ts';

/** The environment every function of the deployment but the change publisher reads (set by the CDK construct). */
export const SYSTEM_ENVIRONMENT = {
  TABLE_NAME: z.string().check(z.minLength(3)),
  EVENT_BUS_NAME: z._default(z.string().check(z.minLength(1)), DEFAULT_EVENT_BUS_NAME),
  /** The executor function the compiled Tasks invoke. */
  ACTION_FUNCTION_ARN: z.string().check(z.startsWith('arn:')),
  /** The role the revisions' state machines run as. */
  STATES_ROLE_ARN: z.string().check(z.startsWith('arn:')),
  /** The log group the state machines log to (level ALL, execution data included). */
  STATES_LOG_GROUP_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /** Waits longer than this are parked as timers in the table, not held by an open execution (0: never park). */
  PARK_AFTER_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 86_400),
};

/** The parsed system environment. */
export type SystemConfig = z.infer<z.ZodMiniObject<typeof SYSTEM_ENVIRONMENT>>;

/** Reads the system environment; a wrong or missing variable stops the cold start with its name. */
export const readSystemEnvironment = (env: Record<string, string | undefined>): SystemConfig =>
  readEnvironment(SYSTEM_ENVIRONMENT, env);

/** `parkLongerThanMs` as the compositions take it: absent when `PARK_AFTER_SECONDS` is 0 (never park). */
export const parkingOf = (config: SystemConfig): { readonly parkLongerThanMs?: number } =>
  config.PARK_AFTER_SECONDS > 0 ? { parkLongerThanMs: config.PARK_AFTER_SECONDS * 1000 } : {};

/**
 * The Step Functions client's configuration: adaptive retries, backoff on ThrottlingException and a client-side rate
 * that follows what Step Functions accepts, so that a large enrollExisting or a burst of enrollments is paced under
 * the StartExecution quota.
 */
export const STEP_FUNCTIONS_CLIENT = { retryMode: 'adaptive', maxAttempts: 8 } as const;

/** The revisions' state machines and their executions on Step Functions, through one client. */
export const stepFunctionsOf = (
  config: SystemConfig,
): { readonly stateMachines: StateMachineRegistry; readonly executions: Executions } => {
  const client = new SFNClient(STEP_FUNCTIONS_CLIENT);
  return {
    stateMachines: createSfnStateMachines({
      roleArn: config.STATES_ROLE_ARN,
      client,
      tracingConfiguration: { enabled: true },
      ...(config.STATES_LOG_GROUP_ARN
        ? {
            loggingConfiguration: {
              level: 'ALL',
              includeExecutionData: true,
              destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: config.STATES_LOG_GROUP_ARN } }],
            },
          }
        : {}),
    }),
    executions: createSfnExecutions({ client }),
  };
};
