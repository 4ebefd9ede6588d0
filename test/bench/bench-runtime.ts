/**
 * What the benches that go through `npm start`'s runtime share: the runtime started in-process on a temporary
 * data directory (port 0, 127.0.0.1 only), optionally over a table seeded beforehand; an HTTP client for it; a
 * full garbage collection; contacts put straight into a table.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { toDocumentClient } from '../../shared/adapters/dynamodb/index.ts';
import { RECORD_SK, recordPk, typePartition } from '../../shared/adapters/dynamodb/keys.ts';
import { TABLE_KEYS } from '../../shared/adapters/dynamodb/table.ts';
import type { Properties } from '../../shared/core/records/record.schema.ts';
import type { RuntimeConfig } from '../../shared/runtime/config.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../shared/runtime/local-dynamodb.ts';
import {
  type RunningRuntime,
  type RuntimeExtensions,
  startRuntime,
} from '../../shared/runtime/start-runtime.ts';

/**
 * A full collection (twice: what the first frees can free more), so that heap figures are live memory. Uses
 * `global.gc` when node runs with `--expose-gc` (`npm run bench` does), else turns the flag on at run time.
 */
export const collect: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  const gc =
    exposed ??
    (() => {
      setFlagsFromString('--expose-gc');
      return runInNewContext('gc') as () => void;
    })();
  return () => {
    gc();
    gc();
  };
})();

/** Bytes in MiB, to one decimal. */
export const mib = (bytes: number): number => Math.round((bytes / 1_048_576) * 10) / 10;

/** The answer of a call that succeeded: its JSON body (empty object for 204). */
// biome-ignore lint/suspicious/noExplicitAny: JSON answers are read by path in the benches
export type BenchAnswer = any;

/** The embedded runtime of a bench, with an HTTP client that throws on any answer other than 2xx. */
export interface BenchRuntime {
  readonly runtime: RunningRuntime;
  /** The bearer token and JSON content type, for a load generator. */
  readonly headers: Readonly<Record<string, string>>;
  /** Calls the API over HTTP; throws unless it answered 2xx (a figure of failed calls would mislead). */
  readonly call: (method: string, path: string, body?: unknown) => Promise<BenchAnswer>;
}

export interface BenchRuntimeOptions {
  /** The prefix of the temporary data directory. */
  readonly name: string;
  /** The system clock by default. */
  readonly clock?: RuntimeConfig['clock'];
  /** Writes into the runtime's table before the runtime starts (the table on disk, then closed). */
  readonly seed?: (db: LocalDynamoDB) => Promise<void>;
  /** What the runtime is started with besides its configuration (none by default). */
  readonly extensions?: RuntimeExtensions;
}

/**
 * Runs `use` against the embedded runtime of `npm start` started in-process on a fresh temporary data directory,
 * then closes the runtime and removes the directory, whatever `use` did.
 */
export const withBenchRuntime = async <T>(
  options: BenchRuntimeOptions,
  use: (bench: BenchRuntime) => Promise<T>,
): Promise<T> => {
  const dataDir = await mkdtemp(join(tmpdir(), `crm-workflows-${options.name}-`));
  try {
    if (options.seed) {
      // The runtime keeps its table in `<dataDir>/dynamodb`: seeded there first, it starts over it.
      const db = await startLocalDynamoDB({ path: join(dataDir, 'dynamodb') });
      try {
        await options.seed(db);
      } finally {
        await db.close();
      }
    }
    const token = randomUUID();
    const runtime = await startRuntime(
      { port: 0, token, tokenGenerated: false, dataDir, clock: options.clock ?? { kind: 'system' } },
      options.extensions,
    );
    try {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const call = async (method: string, path: string, body?: unknown): Promise<BenchAnswer> => {
        const response = await fetch(`${runtime.url}${path}`, {
          method,
          headers,
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        if (response.status >= 300) {
          throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
        }
        return response.status === 204 ? {} : response.json();
      };
      return await use({ runtime, headers, call });
    } finally {
      await runtime.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
};

/** Record items a seeding BatchWriteItem puts (DynamoDB's maximum), and such batches in flight. */
const SEED_BATCH = 25;
const SEED_CONCURRENCY = 4;

/**
 * `count` contacts put straight into the table as completed record items (the record repository's item, no
 * pending change), 25 a BatchWriteItem: the record service's one-by-one create (about 200/s here, a change each)
 * would take most of a bench's time. `properties(i)` gives the i-th contact's own properties (the system dates
 * are added). Resolves with the contacts' ids, in order.
 */
export const seedContacts = async (
  db: LocalDynamoDB,
  count: number,
  properties: (i: number) => Properties,
): Promise<string[]> => {
  const client = toDocumentClient(db.client);
  const base = Date.now() - count;
  const ids = Array.from({ length: count }, () => randomUUID());
  let next = 0;
  const writer = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + SEED_BATCH);
      const items = [];
      for (let i = from; i < next; i++) {
        const id = ids[i]!;
        const at = new Date(base + i).toISOString();
        items.push({
          PutRequest: {
            Item: {
              pk: recordPk('contacts', id),
              sk: RECORD_SK,
              kind: 'record',
              id,
              objectType: 'contacts',
              properties: { ...properties(i), createdate: at, lastmodifieddate: at },
              createdAt: at,
              updatedAt: at,
              version: 1,
              [TABLE_KEYS.gsi1.pk]: typePartition('contacts'),
              [TABLE_KEYS.gsi1.sk]: `${at}#${id}`,
            },
          },
        });
      }
      let pending: Record<string, unknown[]> | undefined = { [db.tableName]: items };
      while (pending && Object.keys(pending).length > 0) {
        const answer = await client.send(new BatchWriteCommand({ RequestItems: pending as never }));
        pending = answer.UnprocessedItems as Record<string, unknown[]> | undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, writer));
  return ids;
};
