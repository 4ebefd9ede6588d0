import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboundEvent } from '../../shared/adapters/eventbridge/workflow-events.eventbridge.ts';
import { publishToEventBridge } from '../../shared/adapters/eventbridge/workflow-events.eventbridge.ts';
import { createWorkflowSystem, type WorkflowSystem } from '../../shared/adapters/workflow-system.ts';
import type { OutsideWorld } from '../../shared/core/executor/outside-world.ts';
import { parkingOf, readSystemEnvironment, stepFunctionsOf } from './system-environment.aws.ts';

const runsNoActions = async (): Promise<never> => {
  throw new Error('this function runs no actions: only the executor function reaches outside the CRM');
};

/** The outside world of the functions that run no action (every one but the executor). */
const NO_OUTSIDE_WORLD: OutsideWorld = {
  mailer: { send: runsNoActions },
  notifier: { send: runsNoActions },
  webhooks: { send: runsNoActions },
};

/**
 * How long an executor container keeps the revision a workflow runs now (5 s): each Task asks it, and the workflow's
 * item carries its whole definition (read units by its size), so a busy workflow is read once per container every
 * 5 s. An edit of an active workflow reaches the enrolled records' next actions within that.
 */
export const LIVE_REVISION_CACHE_MS = 5_000;

/**
 * The system over the deployment's AWS services: DynamoDB, Step Functions and EventBridge, and the outside world
 * the caller gives (the executor's, from `outside-world.aws.ts`); without one, actions cannot reach outside the CRM,
 * and the function's bundle carries no SES, SNS or Secrets Manager client.
 */
export const workflowSystemFromEnvironment = (
  env: Record<string, string | undefined> = process.env,
  parts: {
    readonly dynamodb?: DynamoDBClient | DynamoDBDocumentClient;
    readonly outside?: OutsideWorld;
  } = {},
  observe: { readonly onEvents?: (events: readonly OutboundEvent[]) => void } = {},
): WorkflowSystem => {
  const config = readSystemEnvironment(env);
  const toBus = publishToEventBridge(new EventBridgeClient({}), { eventBusName: config.EVENT_BUS_NAME });
  const publish = async (outbound: readonly OutboundEvent[]): Promise<void> => {
    await toBus(outbound);
    observe.onEvents?.(outbound);
  };
  return createWorkflowSystem({
    client: parts.dynamodb ?? new DynamoDBClient({}),
    tableName: config.TABLE_NAME,
    clock: { now: () => new Date() },
    newId: randomUUID,
    actionFunctionArn: config.ACTION_FUNCTION_ARN,
    ...parkingOf(config),
    liveRevisionCacheMs: LIVE_REVISION_CACHE_MS,
    publish,
    publishActionEvent: (event) => publish([event]),
    ...stepFunctionsOf(config),
    outside: parts.outside ?? NO_OUTSIDE_WORLD,
  });
};
