import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiRoutes } from '../../functions/api/api-routes.ts';
import { createHttpHandler } from '../../functions/api/http/create-http-handler.ts';
import { logger } from '../../functions/commons/logger.ts';
import { createDynamoDBCrmServices } from '../adapters/dynamodb/crm-services.dynamodb.ts';
import type { ExecutionPorts } from '../core/enrollment/enrollment-effects.ts';
import { createEnrollmentTarget, enrollPort } from '../core/events/enrollment-target.ts';
import { createIngestTarget, type EnrollPort, type EventHandler } from '../core/events/ingest-target.ts';
import { LOCAL_ACTION_FUNCTION_ARN } from '../core/services/workflow-service.ts';
import type { WorkflowRepository } from '../core/workflow/workflow-repository.ts';
import { type ActivationLoop, startActivationLoop } from './activation-loop.ts';
import { createEmbeddedBus, type EmbeddedBus, type EmbeddedBusOptions } from './bus/embedded-bus.ts';
import { createPutEventsEndpoint } from './bus/put-events-endpoint.ts';
import { type ChangeFeed, startChangeFeed } from './change-feed.ts';
import type { RuntimeConfig } from './config.ts';
import { startEmbeddedServer } from './embedded-server.ts';
import { startLocalDynamoDB } from './local-dynamodb.ts';
import { manualClock, type RuntimeClock, systemClock } from './runtime-clock.ts';

export interface RunningRuntime {
  readonly url: string;
  readonly token: string;
  readonly clock: RuntimeClock;
  /** How many record changes a previous run left pending and this start completed. */
  readonly recovered: number;
  /** The embedded EventBridge: `bus.publish(events)` for the system's own events, `settle()`, the dead letters. */
  readonly bus: EmbeddedBus;
  /** The change feed: `drain()` resolves once every committed change is on the bus. */
  readonly changes: ChangeFeed;
  /** The background continuation of `enrollExisting`: `drain()` resolves once every activation has finished. */
  readonly activations: ActivationLoop;
  /**
   * The workflow store the API writes through (a write refreshes enrollment's cache). `POST /workflows/{id}/activate`
   * is how a workflow starts enrolling; its `setStatus` sets a status without publishing anything (tests).
   */
  readonly workflows: WorkflowRepository;
  /** Stops taking requests, answers those in flight, then closes the store: nothing is left half-written. */
  readonly close: () => Promise<void>;
}

/** What other parts plug into the runtime, or replace (tests). */
export interface RuntimeExtensions {
  /** Manual enrollment (`Workflow Enroll`); by default the enrollment service's. */
  readonly enroll?: EnrollPort;
  /** The `enrollment` target (record changes); by default the enrollment service's. */
  readonly enrollment?: EventHandler;
  /** What runs enrollments' actions; without it an enrollment is recorded and stays active (no execution). */
  readonly executions?: ExecutionPorts;
  /** Activation's page size and per-step record budget (tests shrink them to see the background continuation). */
  readonly activation?: { readonly pageSize?: number; readonly recordBudget?: number };
  /** Retry settings of the bus (tests shorten them). */
  readonly bus?: Pick<EmbeddedBusOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'closeGraceMs'>;
}

/** Logs a system fault with the functions' logger (JSON, with the request's correlation id when there is one). */
const logError = (error: unknown): void => logger.error('request failed', error as Error);

/**
 * Starts the embedded runtime: dynalite on disk in the data directory (the table created on first start),
 * the record changes a crash left pending completed, the event bus (its queue in the data directory, what a
 * previous run left undelivered delivered), then the API and EventBridge's PutEvents on 127.0.0.1.
 */
export const startRuntime = async (
  config: RuntimeConfig,
  extensions: RuntimeExtensions = {},
): Promise<RunningRuntime> => {
  mkdirSync(config.dataDir, { recursive: true });
  const clock =
    config.clock.kind === 'manual'
      ? manualClock(config.dataDir, config.clock.start, () => new Date())
      : systemClock();
  const db = await startLocalDynamoDB({ path: join(config.dataDir, 'dynamodb') });
  let bus: EmbeddedBus | undefined;
  try {
    const { services, completePendingChanges, changeLog, enrollment, workflowRepository, activation } =
      createDynamoDBCrmServices({
        client: db.client,
        tableName: db.tableName,
        clock,
        newId: randomUUID,
        actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
        // Enrollment events go on the embedded bus (created below, before any event is delivered).
        publish: async (events) => {
          if (!bus) throw new Error('the event bus is not started');
          await bus.publish(events);
        },
        ...(extensions.executions ? { executions: extensions.executions } : {}),
        ...(extensions.activation ? { activation: extensions.activation } : {}),
      });
    const recovered = await completePendingChanges();
    bus = await createEmbeddedBus({
      ...extensions.bus,
      dataDir: config.dataDir,
      clock,
      targets: {
        ingest: createIngestTarget({
          records: services.records,
          enroll: extensions.enroll ?? enrollPort(enrollment),
        }),
        enrollment: extensions.enrollment ?? createEnrollmentTarget(enrollment),
      },
    });
    const events = bus;
    const feed = startChangeFeed({ changeLog, bus: events, logError });
    // Resumes at once what a previous run left unfinished.
    const activations = startActivationLoop({ activation, logError });
    const routes = apiRoutes();
    const auth = { kind: 'bearer', token: config.token } as const;
    const api = createHttpHandler({ routes, services, auth, logError });
    // A write through the API is published at once; other writers (events) are caught by the feed's interval.
    const handler: typeof api = async (event, context) => {
      const result = await api(event, context);
      if (event.httpMethod !== 'GET') feed.poke();
      if (event.resource === '/workflows/{id}/activate') activations.poke();
      return result;
    };
    const server = await startEmbeddedServer(
      {
        handler,
        routes,
        clock,
        token: config.token,
        putEvents: createPutEventsEndpoint({ bus: events, token: config.token, logError }),
        deadLetters: () => events.deadLetters(),
        logError,
      },
      config.port,
    );
    return {
      url: server.url,
      token: config.token,
      clock,
      recovered,
      bus: events,
      changes: feed,
      activations,
      workflows: workflowRepository,
      close: async () => {
        await server.close();
        // The feed's run in progress ends, deliveries in flight finish (they write through the store), then
        // the store closes.
        await activations.close();
        await feed.close();
        await events.close();
        await db.close();
      },
    };
  } catch (error) {
    await bus?.close();
    await db.close();
    throw error;
  }
};
