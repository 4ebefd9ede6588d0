import { type PublishEvents, publishChanges } from '../core/changes/change-publisher.ts';
import type { ChangeLog } from '../core/records/change-log.ts';
import type { EmbeddedBus } from './bus/embedded-bus.ts';

/** The embedded change feed: what DynamoDB Streams and the publisher do on AWS, from the kept changes. */
export interface ChangeFeed {
  /** Asks for a run soon (after a write); runs never overlap. */
  readonly poke: () => void;
  /** Resolves once every change committed before the call is on the bus. */
  readonly drain: () => Promise<void>;
  /** Stops after the run in progress. */
  readonly close: () => Promise<void>;
}

export interface ChangeFeedOptions {
  readonly changeLog: ChangeLog;
  readonly bus: Pick<EmbeddedBus, 'publish'>;
  /** A run every this many ms even without a poke (a change made by another path). Default 250. */
  readonly intervalMs?: number;
  readonly logError: (error: unknown) => void;
}

/** The bus accepts or refuses a whole publish (it refuses only invalid events, and ours are valid). */
const toBus =
  (bus: Pick<EmbeddedBus, 'publish'>): PublishEvents =>
  async (events) => {
    await bus.publish(
      events.map(({ source, detailType, detail }) => ({ source, detailType, detail: detail as object })),
    );
    return [];
  };

/**
 * Publishes every committed record change as `Record Changed` on the embedded bus, in order per record, at least
 * once: the change log's unpublished feed is on disk, so a restart resumes where the last run stopped.
 */
export const startChangeFeed = (options: ChangeFeedOptions): ChangeFeed => {
  const publish = toBus(options.bus);
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await publishChanges(options.changeLog, publish);
        } catch (error) {
          // Left in the feed: the next run publishes it.
          options.logError(error);
        }
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => void run(), options.intervalMs ?? 250);
  timer.unref();
  void run();
  return {
    poke: () => void run(),
    drain: async () => {
      await running;
      await run();
    },
    close: async () => {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
};
