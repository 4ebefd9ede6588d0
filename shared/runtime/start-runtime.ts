import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiRoutes } from '../../functions/api/api-routes.ts';
import { createHttpHandler } from '../../functions/api/http/create-http-handler.ts';
import { logger } from '../../functions/commons/logger.ts';
import { createDynamoDBCrmServices } from '../adapters/dynamodb/crm-services.dynamodb.ts';
import { createIngestTarget, type EnrollPort, type EventHandler } from '../core/events/ingest-target.ts';
import { LOCAL_ACTION_FUNCTION_ARN } from '../core/services/workflow-service.ts';
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
  /** Stops taking requests, answers those in flight, then closes the store: nothing is left half-written. */
  readonly close: () => Promise<void>;
}

/** What other parts plug into the runtime (each optional until it exists). */
export interface RuntimeExtensions {
  /** Manual enrollment (`Workflow Enroll`); without it such events are dead-lettered ("enrollment is not available yet"). */
  readonly enroll?: EnrollPort;
  /** The `enrollment` target (record changes); without it the rule is not active. */
  readonly enrollment?: EventHandler;
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
    const { services, completePendingChanges, changeLog } = createDynamoDBCrmServices({
      client: db.client,
      tableName: db.tableName,
      clock,
      newId: randomUUID,
      actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
    });
    const recovered = await completePendingChanges();
    bus = await createEmbeddedBus({
      ...extensions.bus,
      dataDir: config.dataDir,
      clock,
      targets: {
        ingest: createIngestTarget({
          records: services.records,
          ...(extensions.enroll ? { enroll: extensions.enroll } : {}),
        }),
        ...(extensions.enrollment ? { enrollment: extensions.enrollment } : {}),
      },
    });
    const events = bus;
    const feed = startChangeFeed({ changeLog, bus: events, logError });
    const routes = apiRoutes();
    const auth = { kind: 'bearer', token: config.token } as const;
    const api = createHttpHandler({ routes, services, auth, logError });
    // A write through the API is published at once; other writers (events) are caught by the feed's interval.
    const handler: typeof api = async (event, context) => {
      const result = await api(event, context);
      if (event.httpMethod !== 'GET') feed.poke();
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
      close: async () => {
        await server.close();
        // The feed's run in progress ends, deliveries in flight finish (they write through the store), then
        // the store closes.
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
