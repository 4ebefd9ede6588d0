import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DEFAULT_TABLE_NAME, ensureTable } from '../adapters/dynamodb/table.ts';

/** DynamoDB on this machine: dynalite behind 127.0.0.1, reached through the real SDK client. */
export interface LocalDynamoDB {
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  readonly tableName: string;
  /** Stops the server once the requests in flight are answered; the data stays on disk. */
  readonly close: () => Promise<void>;
}

export interface LocalDynamoDBOptions {
  /** Where dynalite keeps its data; in memory when absent (tests). */
  readonly path?: string;
  readonly tableName?: string;
}

/**
 * Starts dynalite (on disk with `path`), creates the table on first start and returns a client for it.
 * @example const db = await startLocalDynamoDB({ path: '.data/dynamodb' })
 */
export const startLocalDynamoDB = async (options: LocalDynamoDBOptions = {}): Promise<LocalDynamoDB> => {
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  // dynalite checks no signature: any credentials do, and none are read from the machine.
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  await ensureTable(client, tableName);
  return {
    client,
    endpoint,
    tableName,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
