import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { publishToEventBridge } from '../../shared/adapters/eventbridge/index.ts';
import type { OutboundEvent } from '../../shared/adapters/eventbridge/workflow-events.eventbridge.ts';
import { createSecretsManagerSource } from '../../shared/adapters/secrets/secret-source.secrets-manager.ts';
import { createSesMailer } from '../../shared/adapters/ses/mailer.ses.ts';
import { createSnsNotifier } from '../../shared/adapters/sns/notifier.sns.ts';
import { createSfnExecutions } from '../../shared/adapters/stepfunctions/executions.sfn.ts';
import { createSfnStateMachines } from '../../shared/adapters/stepfunctions/state-machines.sfn.ts';
import { createWebhookSender } from '../../shared/adapters/webhook/webhook-sender.ts';
import { createWorkflowSystem, type WorkflowSystem } from '../../shared/adapters/workflow-system.ts';
import { ActionNotApplicable } from '../../shared/core/contract/task-errors.ts';
import { DEFAULT_EVENT_BUS_NAME } from '../../shared/core/events/event-names.ts';
import type { Mailer, Notifier } from '../../shared/core/executor/outside-world.ts';
import { readEnvironment } from './environment.ts';

/** The environment every function of the deployment reads (set by the CDK construct). */
export const SYSTEM_ENVIRONMENT = {
  TABLE_NAME: z.string().min(3),
  EVENT_BUS_NAME: z.string().min(1).default(DEFAULT_EVENT_BUS_NAME),
  /** The executor function the compiled Tasks invoke. */
  ACTION_FUNCTION_ARN: z.string().startsWith('arn:'),
  /** The role the revisions' state machines run as. */
  STATES_ROLE_ARN: z.string().startsWith('arn:'),
  /** The log group the state machines log to (level ALL, execution data included). */
  STATES_LOG_GROUP_ARN: z.string().startsWith('arn:').optional(),
  /** SES v2 sender identity of `sendEmail`; without it the action is not applicable. */
  EMAIL_FROM: z.string().min(3).optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Waits longer than this are parked as timers in the table, not held by an open execution (0: never park). */
  PARK_AFTER_SECONDS: z.coerce.number().int().min(0).default(86_400),
  /** SNS topic of `sendNotification`; without it the action is not applicable. */
  NOTIFICATION_TOPIC_ARN: z.string().startsWith('arn:').optional(),
};

const notConfigured = (what: string, variable: string) => {
  throw new ActionNotApplicable(`${what} is not configured in this deployment (${variable})`);
};

/**
 * The system over the deployment's AWS services: DynamoDB, Step Functions, EventBridge, SES v2, SNS, Secrets Manager
 * and https webhooks (never to a private, loopback, link-local or metadata address).
 */
export const workflowSystemFromEnvironment = (
  env: Record<string, string | undefined> = process.env,
  clients: { readonly dynamodb?: DynamoDBClient | DynamoDBDocumentClient } = {},
  observe: { readonly onEvents?: (events: readonly OutboundEvent[]) => void } = {},
): WorkflowSystem => {
  const config = readEnvironment(SYSTEM_ENVIRONMENT, env);
  const events = new EventBridgeClient({});
  // Adaptive retries: backoff on ThrottlingException and a client-side rate that follows what Step Functions accepts,
  // so that a large enrollExisting or a burst of enrollments is paced under the StartExecution quota.
  const sfn = new SFNClient({ retryMode: 'adaptive', maxAttempts: 8 });
  const bus = { eventBusName: config.EVENT_BUS_NAME };
  const mailer: Mailer = config.EMAIL_FROM
    ? createSesMailer({
        from: config.EMAIL_FROM,
        ...(config.SES_CONFIGURATION_SET ? { configurationSetName: config.SES_CONFIGURATION_SET } : {}),
      })
    : { send: async () => notConfigured('email', 'EMAIL_FROM') };
  const notifier: Notifier = config.NOTIFICATION_TOPIC_ARN
    ? createSnsNotifier({ topicArn: config.NOTIFICATION_TOPIC_ARN })
    : { send: async () => notConfigured('notifications', 'NOTIFICATION_TOPIC_ARN') };
  const toBus = publishToEventBridge(events, bus);
  const publish = async (outbound: readonly OutboundEvent[]): Promise<void> => {
    await toBus(outbound);
    observe.onEvents?.(outbound);
  };
  return createWorkflowSystem({
    client: clients.dynamodb ?? new DynamoDBClient({}),
    tableName: config.TABLE_NAME,
    clock: { now: () => new Date() },
    newId: randomUUID,
    actionFunctionArn: config.ACTION_FUNCTION_ARN,
    ...(config.PARK_AFTER_SECONDS > 0 ? { parkLongerThanMs: config.PARK_AFTER_SECONDS * 1000 } : {}),
    publish,
    publishActionEvent: (event) => publish([event]),
    stateMachines: createSfnStateMachines({
      roleArn: config.STATES_ROLE_ARN,
      client: sfn,
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
    executions: createSfnExecutions({ client: sfn }),
    outside: {
      mailer,
      notifier,
      webhooks: createWebhookSender({ allowLoopbackHttp: false, secrets: createSecretsManagerSource() }),
    },
  });
};
