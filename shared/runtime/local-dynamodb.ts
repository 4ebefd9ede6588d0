import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DEFAULT_TABLE_NAME, ensureTable } from '../adapters/dynamodb/table.ts';

/**
 * DynamoDB on this machine: dynalite, reached through the real SDK client, which hands each request to dynalite's
 * request listener in process (no socket, no HTTP, no signature: dynalite checks none). dynalite listens on no TCP
 * port: its server listens only on a Unix socket in a directory only this user can enter, where no other process
 * (nor a web page through the browser) can reach it past the API's token; nothing connects to it.
 */
export interface LocalDynamoDB {
  readonly client: DynamoDBClient;
  /** The Unix socket dynalite's server listens on (nothing connects to it: the client calls dynalite in process). */
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

/** The endpoint the client names (any: its requests never leave the process). */
const DYNALITE_ENDPOINT = new URL('http://dynalite.local');

type RequestHandler = NonNullable<DynamoDBClientConfig['requestHandler']>;
/** The request the SDK client's handler is given (the smithy `HttpRequest`), as far as it is read here. */
interface SdkRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
}

/**
 * What dynalite requires of a request's authorization, which it never verifies: a SigV4-shaped header and a date.
 * The client signs nothing (the request goes nowhere but into this process).
 */
const UNSIGNED = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/19700101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  'x-amz-date': '19700101T000000Z',
};

/** The SigV4 scheme the client resolves, with a signer that leaves the request as it is. */
const UNSIGNED_AUTH_SCHEMES: DynamoDBClientConfig['httpAuthSchemes'] = [
  {
    schemeId: 'aws.auth#sigv4',
    identityProvider: (config) => config.getIdentityProvider('aws.auth#sigv4'),
    signer: { sign: async (request) => request },
  },
];

/**
 * An SDK request handler that calls dynalite's request listener in process: the request's body and headers are
 * given to it as an incoming request's would be, and its answer (status, headers, body) is the response. `idle()`
 * resolves once every request handed over has been answered.
 */
const inProcessHandler = (listener: RequestListener) => {
  const inFlight = new Set<Promise<unknown>>();
  // Once the store is closing, a request is refused here: dynalite would throw its "closed" error outside any
  // caller (from a callback of its own), where nothing could catch it.
  let closed = false;
  const answer = (request: SdkRequest) =>
    new Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Buffer } }>(
      (resolve, reject) => {
        const body =
          request.body === undefined
            ? Buffer.alloc(0)
            : typeof request.body === 'string'
              ? Buffer.from(request.body)
              : Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
        const headers: Record<string, string> = { ...UNSIGNED };
        for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
        const incoming = Object.assign(new EventEmitter(), {
          method: request.method,
          url: request.path,
          headers,
        });
        const responseHeaders: Record<string, string> = {};
        const response = {
          statusCode: 200,
          setHeader(name: string, value: number | string) {
            responseHeaders[name.toLowerCase()] = String(value);
          },
          end(chunk?: string) {
            resolve({
              response: {
                statusCode: response.statusCode,
                headers: responseHeaders,
                body: chunk === undefined ? Buffer.alloc(0) : Buffer.from(chunk),
              },
            });
          },
        };
        try {
          listener(incoming as unknown as IncomingMessage, response as unknown as ServerResponse);
          if (body.length > 0) incoming.emit('data', body);
          incoming.emit('end');
        } catch (error) {
          reject(error);
        }
      },
    );
  const handler = {
    handle: (request: SdkRequest) => {
      if (closed) return Promise.reject(new Error('the embedded DynamoDB is closed'));
      const answered = answer(request);
      inFlight.add(answered);
      const forget = () => inFlight.delete(answered);
      answered.then(forget, forget);
      return answered;
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
    destroy: () => {},
  };
  return {
    handler: handler as unknown as RequestHandler,
    /** Refuses every later request, then resolves once those handed over have been answered. */
    close: async () => {
      closed = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
};

/**
 * The client's middleware a request handed over in process has no use for: headers dynalite never reads (user
 * agent, host, content length, trace id) and the logger (the client logs nothing). Removed by name (a name the SDK
 * no longer has removes nothing).
 */
const IN_PROCESS_NEEDLESS = [
  'getUserAgentMiddleware',
  'hostHeaderMiddleware',
  'contentLengthMiddleware',
  'recursionDetectionMiddleware',
  'loggerMiddleware',
];

/** dynalite's request listener: the one its server was created with. */
const requestListenerOf = (server: Server): RequestListener => {
  const [listener] = server.listeners('request');
  if (typeof listener !== 'function')
    throw new Error('dynalite created its server without a request listener');
  return listener as RequestListener;
};

/** A LevelDB wrapper of dynalite's, callback style, as far as it is used here. */
interface CallbackStore {
  get(key: string, callback: (error: Error | null, value?: unknown) => void): void;
  put(key: string, value: unknown, callback?: (error: Error | null) => void): unknown;
  del(key: string, callback?: (error: Error | null) => void): unknown;
}

/** The store dynalite's server works on, as far as it is used here: its LevelDB (`db`) and its table store. */
interface DynaliteStore {
  /** classic-level on disk, memory-level in memory: abstract-level databases, which open themselves lazily. */
  readonly db: { open(): Promise<void> };
  readonly tableDb: CallbackStore;
}

/** dynalite's store module: `create(options)` makes the store its server works on. */
interface DynaliteStoreModule {
  create(options: unknown): DynaliteStore;
}

/**
 * Another process holds the LevelDB directory (LevelDB's `LOCK` file): a second runtime started on the same data
 * directory. `path` is the database's directory.
 */
export class LocalDynamoDBLockedError extends Error {
  readonly path: string;

  constructor(path: string, cause: unknown) {
    super(`the database ${path} is locked by another process`, { cause });
    this.name = 'LocalDynamoDBLockedError';
    this.path = path;
  }
}

/** True when opening failed on LevelDB's lock: classic-level's `LEVEL_LOCKED`, wrapped by abstract-level's open. */
const isLockedError = (error: unknown): boolean => {
  for (let at = error; at instanceof Error; at = at.cause) {
    if ((at as { code?: unknown }).code === 'LEVEL_LOCKED') return true;
  }
  return false;
};

/**
 * Keeps the descriptions `tableDb` reads until it writes one: each write (put, del) forgets every kept description
 * when it starts and when it is done, and a read keeps what it read only when no write started or ended meanwhile.
 */
const keepingDescriptions = (tableDb: CallbackStore): void => {
  const kept = new Map<string, unknown>();
  let writing = 0;
  let generation = 0;
  const { get, put, del } = tableDb;
  const forget = () => {
    kept.clear();
    generation += 1;
  };
  /** Runs a write, forgetting the kept descriptions as it starts and once it is done (callback or promise). */
  const tracked = (
    write: (callback?: (error: Error | null) => void) => unknown,
    callback?: (error: Error | null) => void,
  ): unknown => {
    writing += 1;
    forget();
    const done = () => {
      writing -= 1;
      forget();
    };
    if (callback) {
      return write((error) => {
        done();
        callback(error);
      });
    }
    const result = write();
    if (result instanceof Promise) result.then(done, done);
    else done();
    return result;
  };
  tableDb.get = function (key, callback) {
    if (kept.has(key)) {
      setImmediate(callback, null, kept.get(key));
      return;
    }
    const readFrom = generation;
    get.call(this, key, (error, value) => {
      if (!error && value !== undefined && writing === 0 && generation === readFrom) kept.set(key, value);
      callback(error, value);
    });
  };
  tableDb.put = function (key, value, callback) {
    return tracked((done) => put.call(this, key, value, done), callback);
  };
  tableDb.del = function (key, callback) {
    return tracked((done) => del.call(this, key, done), callback);
  };
};

/** The store dynalite created last: `dynalite()` creates its store synchronously, so it is read right after. */
let lastStore: DynaliteStore | undefined;

/**
 * dynalite reads the table's description from LevelDB (and parses it) at the start of every request. Descriptions
 * change only through its own writes to them (CreateTable, UpdateTable, DeleteTable and the status changes they
 * schedule), so each store keeps the descriptions it read until such a write (see `keepingDescriptions`). A
 * description is handed out as kept: dynalite's table actions mutate one only just before writing it. Each store
 * created is also kept in `lastStore`, for `startLocalDynamoDB` to open its LevelDB.
 */
const keepTableDescriptions = (() => {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
    const stores = fromDynalite('./db') as DynaliteStoreModule;
    const create = stores.create;
    stores.create = (options) => {
      const store = create(options);
      keepingDescriptions(store.tableDb);
      lastStore = store;
      return store;
    };
  };
})();

/**
 * Opens the LevelDB of the store dynalite just created, before any request reaches it. dynalite lets LevelDB open
 * itself in the background and swallows a failure: its first request then fails with "Database is closed", thrown
 * from a callback of its own (an uncaught exception) with the cause lost. Opened here, a failure is an error of the
 * start: `LocalDynamoDBLockedError` when another process holds the directory, the open error otherwise.
 */
const openStore = async (path: string | undefined): Promise<void> => {
  const store = lastStore;
  lastStore = undefined;
  if (!store) throw new Error('dynalite created no store');
  try {
    await store.db.open();
  } catch (error) {
    if (path !== undefined && isLockedError(error)) throw new LocalDynamoDBLockedError(path, error);
    throw error;
  }
};

/**
 * Starts dynalite (on disk with `path`), creates the table on first start and returns a client for it. A `path`
 * another process has open (LevelDB locks its directory) is a `LocalDynamoDBLockedError`, before anything is read.
 * @example const db = await startLocalDynamoDB({ path: '.data/dynamodb' })
 */
export const startLocalDynamoDB = async (options: LocalDynamoDBOptions = {}): Promise<LocalDynamoDB> => {
  closeIteratorsOnReturn();
  keepTableDescriptions();
  const server = dynalite({
    ...(options.path ? { path: options.path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await openStore(options.path);
  // mkdtemp creates the directory with mode 0700.
  const socketDir = mkdtempSync(join(tmpdir(), 'crm-dynalite-'));
  const socketPath = join(socketDir, 'dynamodb.sock');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  const inProcess = inProcessHandler(requestListenerOf(server));
  const client = new DynamoDBClient({
    endpoint: DYNALITE_ENDPOINT.href,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    httpAuthSchemes: UNSIGNED_AUTH_SCHEMES,
    // Every request goes to dynalite: no endpoint rules to evaluate per request.
    endpointProvider: () => ({ url: new URL(DYNALITE_ENDPOINT) }),
    maxAttempts: 3,
    requestHandler: inProcess.handler,
  });
  for (const name of IN_PROCESS_NEEDLESS) client.middlewareStack.remove(name);
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;
  await ensureTable(client, tableName);
  return {
    client,
    socketPath,
    tableName,
    close: async () => {
      await inProcess.close();
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
};
