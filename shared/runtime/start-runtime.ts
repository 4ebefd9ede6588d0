import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiRoutes } from '../../functions/api/api-routes.ts';
import { createHttpHandler } from '../../functions/api/http/create-http-handler.ts';
import { createDynamoDBCrmServices } from '../adapters/dynamodb/crm-services.dynamodb.ts';
import { LOCAL_ACTION_FUNCTION_ARN } from '../core/services/workflow-service.ts';
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
  /** Stops taking requests, answers those in flight, then closes the store: nothing is left half-written. */
  readonly close: () => Promise<void>;
}

/** Logs a system fault as one JSON line on stderr (never in an answer). */
const logError = (error: unknown): void => {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(JSON.stringify({ level: 'ERROR', message: 'request failed', error: detail }));
};

/**
 * Starts the embedded runtime: dynalite on disk in the data directory (the table created on first start),
 * the record changes a crash left pending completed, then the API on 127.0.0.1 through the Lambda's handler.
 */
export const startRuntime = async (config: RuntimeConfig): Promise<RunningRuntime> => {
  mkdirSync(config.dataDir, { recursive: true });
  const clock =
    config.clock.kind === 'manual'
      ? manualClock(config.dataDir, config.clock.start, () => new Date())
      : systemClock();
  const db = await startLocalDynamoDB({ path: join(config.dataDir, 'dynamodb') });
  try {
    const { services, completePendingChanges } = createDynamoDBCrmServices({
      client: db.client,
      tableName: db.tableName,
      clock,
      newId: randomUUID,
      actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
    });
    const recovered = await completePendingChanges();
    const routes = apiRoutes();
    const auth = { kind: 'bearer', token: config.token } as const;
    const handler = createHttpHandler({ routes, services, auth, logError });
    const server = await startEmbeddedServer({ handler, routes, clock, token: config.token }, config.port);
    return {
      url: server.url,
      token: config.token,
      clock,
      recovered,
      close: async () => {
        await server.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
};
