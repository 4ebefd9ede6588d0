import { type PublishEvents, publishChanges } from '../core/changes/change-publisher.ts';
import type { ChangeLog } from '../core/records/change-log.ts';
import { type BackgroundLoop, startBackgroundLoop } from './background-loop.ts';
import type { EmbeddedBus } from './bus/embedded-bus.ts';

/**
 * The embedded change feed: what DynamoDB Streams and the publisher do on AWS, from the kept changes.
 * `drain()` resolves once every change committed before the call is on the bus.
 */
export type ChangeFeed = BackgroundLoop;

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
  return startBackgroundLoop({
    // What a failed run left in the feed, the next run publishes.
    run: async () => {
      await publishChanges(options.changeLog, publish);
    },
    intervalMs: options.intervalMs ?? 250,
    logError: options.logError,
  });
};
