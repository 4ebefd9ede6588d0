import { mkdtempSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import dynalite from 'dynalite';
import { DEFAULT_TABLE_NAME, ensureTable } from '../adapters/dynamodb/table.ts';

/**
 * DynamoDB on this machine: dynalite, reached through the real SDK client. dynalite checks no signature, so it
 * listens on no TCP port: on a Unix socket in a directory only this user can enter, where no other process
 * (nor a web page through the browser) can reach it past the API's token.
 */
export interface LocalDynamoDB {
  readonly client: DynamoDBClient;
  /** The Unix socket dynalite listens on. */
  readonly socketPath: string;
  readonly tableName: string;
  /** Stops the server once the requests in flight are answered; the data stays on disk. */
  readonly close: () => Promise<void>;
}

export interface LocalDynamoDBOptions {
  /** Where dynalite keeps its data; in memory when absent (tests). */
  readonly path?: string;
  readonly tableName?: string;
}

/** What dynalite's stores iterate with: abstract-level's iterators, of which only `close()` is read here. */
interface LevelIterator {
  close(): Promise<void>;
  return?: () => Promise<IteratorReturnResult<undefined>>;
}

/**
 * The prototype every LevelDB iterator of dynalite's two stores inherits (abstract-level's, as each store resolves
 * it): on disk through `level` (classic-level), in memory through `memory-level`.
 */
export const levelIteratorPrototypes = (): LevelIterator[] => {
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const fromLevel = createRequire(fromDynalite.resolve('level'));
  const stores = [fromLevel.resolve('classic-level'), fromDynalite.resolve('memory-level')];
  const prototypes = stores.map((store) => {
    const { AbstractValueIterator } = createRequire(store)('abstract-level') as {
      AbstractValueIterator: { prototype: object };
    };
    return Object.getPrototypeOf(AbstractValueIterator.prototype) as LevelIterator;
  });
  return [...new Set(prototypes)];
};

/**
 * dynalite 4 reads each Query and Scan through a LevelDB iterator wrapped in a stream, which it closes with
 * `iterator.return()` when the stream ends or is cut short (a `Limit`); abstract-level's iterators have no `return`,
 * so none was ever closed: the store kept each one (a few KiB of heap) and the native memory it pinned until the
 * store closed, and memory grew with every query, the background loops' idle polling included. Given `return()`,
 * every iterator is closed once read.
 */
const closeIteratorsOnReturn = (() => {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    for (const prototype of levelIteratorPrototypes()) {
      if (typeof prototype.return === 'function') continue;
      Object.defineProperty(prototype, 'return', {
        configurable: true,
        writable: true,
        value: async function (this: LevelIterator): Promise<IteratorReturnResult<undefined>> {
          await this.close();
          return { done: true, value: undefined };
        },
      });
    }
  };
})();

/**
 * Starts dynalite (on disk with `path`), creates the table on first start and returns a client for it.
 * @example const db = await startLocalDynamoDB({ path: '.data/dynamodb' })
 */
export const startLocalDynamoDB = async (options: LocalDynamoDBOptions = {}): Promise<LocalDynamoDB> => {
  closeIteratorsOnReturn();
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  // mkdtemp creates the directory with mode 0700.
  const socketDir = mkdtempSync(join(tmpdir(), 'crm-dynalite-'));
  const socketPath = join(socketDir, 'dynamodb.sock');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  const agent = new Agent({ keepAlive: true });
  // Every connection of the SDK's HTTP handler goes to the socket, whatever host the endpoint names.
  agent.createConnection = () => createConnection(socketPath);
  const client = new DynamoDBClient({
    endpoint: 'http://dynalite.local',
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
    requestHandler: new NodeHttpHandler({ httpAgent: agent }),
  });
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  await ensureTable(client, tableName);
  return {
    client,
    socketPath,
    tableName,
    close: async () => {
      client.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
};
