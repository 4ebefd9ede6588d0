import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../../core/errors/app-error.ts';
import type { ValidationIssue } from '../../core/errors/validation-issue.ts';
import type { EventEnvelope } from '../../core/events/event-envelope.ts';
import { DEFAULT_EVENT_BUS_NAME } from '../../core/events/event-names.ts';
import { matchesEventPattern } from '../../core/events/event-pattern.ts';
import { EventRejectedError } from '../../core/events/event-rejected-error.ts';
import { EVENT_RULES, type EventRule, type EventTargetName } from '../../core/events/event-rules.ts';
import type { EventHandler } from '../../core/events/ingest-target.ts';
import type { Clock } from '../../core/ports/clock.ts';
import { DurableDirectory, orderedFileName } from './durable-files.ts';
import { checkEntry, type PutEventsResult, type PutEventsResultEntry } from './put-events-entries.ts';

/** An event the system publishes itself (`crm.records`, `crm.workflows`). */
export interface BusEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: object;
  readonly resources?: readonly string[];
}

/** An event that failed for good, with why. */
export interface DeadLetter {
  readonly id: string;
  readonly failedAt: string;
  readonly rule: string;
  readonly target: EventTargetName;
  readonly attempts: number;
  readonly error: {
    readonly name: string;
    readonly message: string;
    readonly code?: string;
    readonly details?: readonly ValidationIssue[];
  };
  readonly event: EventEnvelope;
}

export interface BusMetrics {
  /** Events accepted (persisted), by PutEvents or publish. */
  readonly accepted: number;
  /** PutEvents entries refused (ErrorCode in the answer). */
  readonly failedEntries: number;
  /** (event, target) deliveries that succeeded. */
  readonly delivered: number;
  /** Attempts that failed and were tried again. */
  readonly retried: number;
  /** (event, target) pairs in the dead letters, for any reason. */
  readonly deadLettered: number;
  /** Of those, the events a target refused outright (invalid, unknown record, no consumer): never retried. */
  readonly invalid: number;
}

export interface EmbeddedBusOptions {
  /** The queue lives in `<dataDir>/bus/queue`, the dead letters in `<dataDir>/bus/dead-letters`. */
  readonly dataDir: string;
  /** Gives each event its `time`. */
  readonly clock: Clock;
  /** The consumers by logical name; a rule whose target is absent is not active (its events go nowhere). */
  readonly targets: Partial<Record<EventTargetName, EventHandler>>;
  readonly rules?: readonly EventRule[];
  readonly busName?: string;
  readonly account?: string;
  readonly region?: string;
  /** Attempts per (event, target) before the dead letters. Default 5. */
  readonly maxAttempts?: number;
  /** First retry delay; doubles each attempt, with jitter, up to `maxDelayMs`. Default 200 ms. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Deliveries running at once. Default 8. */
  readonly concurrency?: number;
  /** How long `close()` waits for deliveries in flight before it leaves them to the next start. Default 10 s. */
  readonly closeGraceMs?: number;
  readonly newId?: () => string;
  /** One JSON object per notable event (dead letters); default one line on stderr. */
  readonly log?: (entry: Record<string, unknown>) => void;
}

export interface EmbeddedBus {
  readonly busName: string;
  /** An application's PutEvents: each entry checked like EventBridge, the accepted ones on disk before it resolves. */
  putEvents(entries: readonly unknown[]): Promise<PutEventsResult>;
  /** The system's own events (any source, `crm.*` included); throws, accepting none, when one is not valid. */
  publish(events: readonly BusEvent[]): Promise<string[]>;
  /** The dead letters, newest first. */
  deadLetters(options?: { readonly limit?: number }): Promise<DeadLetter[]>;
  metrics(): BusMetrics;
  /** Resolves once nothing is queued, waiting for a retry or being delivered. */
  settle(): Promise<void>;
  /** Stops delivering: waits for the deliveries in flight (up to `closeGraceMs`); what is left is delivered at the next start. */
  close(): Promise<void>;
}

/** What the queue keeps per event: the event and the targets it still has to reach. */
interface QueueFile {
  readonly event: EventEnvelope;
  readonly pending: readonly { readonly target: EventTargetName; readonly rule: string }[];
}

interface Queued {
  readonly file: string;
  readonly event: EventEnvelope;
  readonly pending: Map<EventTargetName, string>;
  /** The queue file's writes, one after the other. */
  writes: Promise<void>;
}

interface Job {
  readonly queued: Queued;
  readonly target: EventTargetName;
  readonly attempt: number;
}

/** EventBridge's `time`: an ISO instant to the second. */
const eventTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A target's refusal that no retry can change. */
const isPermanent = (error: unknown): boolean =>
  error instanceof EventRejectedError || (error instanceof AppError && error.expose);

const errorOf = (error: unknown): DeadLetter['error'] => {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const details = (error as { details?: readonly ValidationIssue[] }).details;
  // A dead letter is read by a person: each problem is in the message, not only in `details`.
  const problems = details?.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return {
    name: error.name,
    message: problems ? `${error.message}: ${problems}` : error.message,
    ...(error instanceof AppError ? { code: error.code } : {}),
    ...(details ? { details } : {}),
  };
};

const defaultLog = (entry: Record<string, unknown>): void => console.error(JSON.stringify(entry));

/**
 * The embedded runtime's EventBridge (local.md): the same envelope, the same rules (`EVENT_RULES`), at-least-once
 * delivery with retries and a dead-letter store, on disk in the data directory.
 *
 * The queue is one file per accepted event (written aside, fsync'd, renamed) listing the targets it has yet
 * to reach; a delivery rewrites it without that target, the last one removes it. So an answer to PutEvents
 * means the event is on disk, a restart delivers exactly what is left, and memory holds only the undelivered.
 */
export const createEmbeddedBus = async (options: EmbeddedBusOptions): Promise<EmbeddedBus> => {
  const busName = options.busName ?? DEFAULT_EVENT_BUS_NAME;
  const rules = options.rules ?? EVENT_RULES;
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const concurrency = options.concurrency ?? 8;
  const closeGraceMs = options.closeGraceMs ?? 10_000;
  const newId = options.newId ?? randomUUID;
  const log = options.log ?? defaultLog;
  const queue = new DurableDirectory(join(options.dataDir, 'bus', 'queue'));
  const deadLetterDir = new DurableDirectory(join(options.dataDir, 'bus', 'dead-letters'));
  await queue.open();
  await deadLetterDir.open();

  const metrics = { accepted: 0, failedEntries: 0, delivered: 0, retried: 0, deadLettered: 0, invalid: 0 };
  const ready: Job[] = [];
  const running = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  /** Jobs not yet finished (ready, running, waiting for a retry) and PutEvents still writing. */
  let outstanding = 0;
  let idleWaiters: (() => void)[] = [];
  let closing = false;
  let closed = false;

  const checkIdle = () => {
    if (outstanding > 0 && !closing) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const persist = (queued: Queued): Promise<void> => {
    queued.writes = queued.writes
      .catch(() => undefined)
      .then(async () => {
        if (closed) return;
        if (queued.pending.size === 0) return queue.remove(queued.file);
        const pending = [...queued.pending].map(([target, rule]) => ({ target, rule }));
        await queue.write([
          { name: queued.file, value: { event: queued.event, pending } satisfies QueueFile },
        ]);
      });
    return queued.writes;
  };

  const finish = async (job: Job): Promise<void> => {
    job.queued.pending.delete(job.target);
    await persist(job.queued);
  };

  const deadLetter = async (job: Job, error: unknown, permanent: boolean): Promise<void> => {
    const letter: DeadLetter = {
      id: newId(),
      failedAt: options.clock.now().toISOString(),
      rule: job.queued.pending.get(job.target) ?? '',
      target: job.target,
      attempts: job.attempt,
      error: errorOf(error),
      event: job.queued.event,
    };
    if (closed) return;
    await deadLetterDir.write([{ name: orderedFileName(), value: letter }]);
    metrics.deadLettered += 1;
    if (permanent) metrics.invalid += 1;
    log({
      level: 'WARN',
      message: permanent ? 'event refused by its target' : 'event failed every attempt',
      metric: permanent ? 'InvalidEvents' : 'DeadLetteredEvents',
      eventId: job.queued.event.id,
      detailType: job.queued.event['detail-type'],
      target: job.target,
      attempts: job.attempt,
      error: letter.error.message,
    });
  };

  const retryDelay = (attempt: number): number => {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  };

  const run = async (job: Job): Promise<void> => {
    const handler = options.targets[job.target];
    let failure: unknown;
    let failed = false;
    try {
      await handler!(job.queued.event);
    } catch (error) {
      failed = true;
      failure = error;
    }
    if (closed) return;
    try {
      if (!failed) {
        metrics.delivered += 1;
        await finish(job);
      } else if (isPermanent(failure) || job.attempt >= maxAttempts) {
        await deadLetter(job, failure, isPermanent(failure));
        await finish(job);
      } else if (!closing) {
        metrics.retried += 1;
        const timer = setTimeout(() => {
          timers.delete(timer);
          ready.push({ ...job, attempt: job.attempt + 1 });
          pump();
        }, retryDelay(job.attempt));
        timers.add(timer);
        return;
      }
    } catch (error) {
      // The disk failed: the event stays in the queue and is delivered again at the next start.
      log({ level: 'ERROR', message: 'the bus could not record a delivery', error: String(error) });
    }
    outstanding -= 1;
  };

  function pump(): void {
    while (!closing && running.size < concurrency && ready.length > 0) {
      const job = ready.shift()!;
      const done: Promise<void> = run(job).finally(() => {
        running.delete(done);
        checkIdle();
        pump();
      });
      running.add(done);
    }
  }

  /** The active rules an event matches, one per target (a target gets an event once). */
  const targetsOf = (event: EventEnvelope): Map<EventTargetName, string> => {
    const matched = new Map<EventTargetName, string>();
    for (const rule of rules) {
      if (
        options.targets[rule.target] &&
        !matched.has(rule.target) &&
        matchesEventPattern(rule.eventPattern, event)
      ) {
        matched.set(rule.target, rule.name);
      }
    }
    return matched;
  };

  const enqueue = (queued: Queued): void => {
    for (const target of queued.pending.keys()) {
      if (!options.targets[target]) continue;
      outstanding += 1;
      ready.push({ queued, target, attempt: 1 });
    }
  };

  const accept = async (entries: readonly unknown[], internal: boolean): Promise<PutEventsResult> => {
    if (closing) throw new Error('the event bus is closed');
    const now = options.clock.now();
    const answers: PutEventsResultEntry[] = [];
    const toQueue: Queued[] = [];
    for (const raw of entries) {
      const check = checkEntry(raw, { busName, internal });
      if (!check.ok) {
        answers.push(check.error);
        continue;
      }
      const { time, ...entry } = check.entry;
      const event: EventEnvelope = {
        version: '0',
        id: newId(),
        'detail-type': entry['detail-type'],
        source: entry.source,
        account: options.account ?? '000000000000',
        time: eventTime(time ?? now),
        region: options.region ?? 'local',
        resources: entry.resources,
        detail: entry.detail,
      };
      answers.push({ EventId: event.id });
      const pending = targetsOf(event);
      if (pending.size > 0) {
        toQueue.push({ file: orderedFileName(), event, pending, writes: Promise.resolve() });
      }
    }
    outstanding += 1;
    try {
      await queue.write(
        toQueue.map((queued) => ({
          name: queued.file,
          value: {
            event: queued.event,
            pending: [...queued.pending].map(([target, rule]) => ({ target, rule })),
          } satisfies QueueFile,
        })),
      );
    } finally {
      outstanding -= 1;
    }
    const failed = answers.filter((answer) => 'ErrorCode' in answer).length;
    metrics.accepted += answers.length - failed;
    metrics.failedEntries += failed;
    for (const queued of toQueue) enqueue(queued);
    pump();
    checkIdle();
    return { FailedEntryCount: failed, Entries: answers };
  };

  // What a previous run accepted and did not deliver.
  for (const file of await queue.names()) {
    try {
      const saved = await queue.read<QueueFile>(file);
      const pending = new Map(saved.pending.map(({ target, rule }) => [target, rule] as const));
      enqueue({ file, event: saved.event, pending, writes: Promise.resolve() });
    } catch (error) {
      log({ level: 'ERROR', message: 'an unreadable queue file was skipped', file, error: String(error) });
    }
  }
  pump();

  return {
    busName,
    putEvents: (entries) => accept(entries, false),
    publish: async (events) => {
      const entries = events.map((event) => ({
        Source: event.source,
        DetailType: event.detailType,
        Detail: JSON.stringify(event.detail),
        Resources: event.resources ?? [],
      }));
      const refused = entries
        .map((entry, index) => ({ index, check: checkEntry(entry, { busName, internal: true }) }))
        .filter(({ check }) => !check.ok);
      if (refused.length > 0) {
        const reasons = refused.map(
          ({ index, check }) => `entry ${index}: ${JSON.stringify(!check.ok && check.error)}`,
        );
        throw new Error(`events not published: ${reasons.join('; ')}`);
      }
      const result = await accept(entries, true);
      return result.Entries.map((entry) => ('EventId' in entry ? entry.EventId : ''));
    },
    deadLetters: async ({ limit = 100 } = {}) => {
      const names = (await deadLetterDir.names()).reverse().slice(0, limit);
      return Promise.all(names.map((name) => deadLetterDir.read<DeadLetter>(name)));
    },
    metrics: () => ({ ...metrics }),
    settle: () =>
      outstanding === 0 || closing ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve)),
    close: async () => {
      if (closing) return;
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      checkIdle();
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise<void>((resolve) => {
          grace = setTimeout(resolve, closeGraceMs);
        }),
      ]);
      clearTimeout(grace);
      closed = true;
    },
  };
};
