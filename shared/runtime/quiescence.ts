import { AppError } from '../core/errors/app-error.ts';
import type { ChangeLog } from '../core/records/change-log.ts';
import type { BackgroundLoop } from './background-loop.ts';
import type { EmbeddedBus } from './bus/embedded-bus.ts';
import type { RuntimeClock } from './runtime-clock.ts';
import type { DurableStepFunctions } from './step-functions/durable-step-functions.ts';

/** `POST /_local/settle` waits at most this long for the system to be idle. */
export const SETTLE_TIMEOUT_MS = 30_000;

export interface QuiescenceOptions {
  readonly clock: RuntimeClock;
  readonly changes: BackgroundLoop;
  readonly changeLog: Pick<ChangeLog, 'unpublished'>;
  readonly bus: Pick<EmbeddedBus, 'settle' | 'metrics'>;
  readonly engine: Pick<DurableStepFunctions, 'fireDue' | 'idle' | 'nextDue' | 'busy'>;
  readonly activations: BackgroundLoop;
}

/** The system did not become idle in time (`POST /_local/settle` answers 503). */
export class NotIdle extends AppError {
  constructor(ms: number) {
    super('SERVICE_UNAVAILABLE', `the system is still busy after ${ms / 1000} s: try again`);
  }
}

/**
 * When the embedded runtime is idle, and how time moves under the manual clock.
 * - `settle()`: resolves once every committed change is published, no event is queued or being delivered, and no
 *   execution is due or running — so nothing can happen any more without time passing.
 * - `moveClock(request)`: moves the manual clock to the requested instant through every due instant on the way, in
 *   order, settling at each (what fires at 09:00 has done its work before 10:00 fires), then settles. It answers once
 *   the system is idle, however long the work due on the way takes: only `settle()` alone is bounded (30 s).
 */
export const createQuiescence = (options: QuiescenceOptions) => {
  const { clock, bus, engine } = options;

  const activity = () => {
    const metrics = bus.metrics();
    return `${metrics.accepted}/${metrics.delivered}/${metrics.deadLettered}/${metrics.retried}`;
  };

  const settle = async (timeoutMs = SETTLE_TIMEOUT_MS): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (Date.now() > deadline) throw new NotIdle(timeoutMs);
      const before = activity();
      await options.changes.drain();
      await bus.settle();
      const fired = await engine.fireDue();
      await engine.idle();
      await options.activations.drain();
      const unpublished = await options.changeLog.unpublished({ limit: 1 });
      if (fired === 0 && unpublished.results.length === 0 && !engine.busy() && activity() === before) return;
    }
  };

  const moveClock = async (request: unknown): Promise<Date> => {
    const target = clock.targetOf(request);
    // Many executions due at one instant can take longer than settle's bound: they are progress, not a hang.
    const settleAll = () => settle(Number.POSITIVE_INFINITY);
    await settleAll();
    for (;;) {
      const next = await engine.nextDue();
      if (next === undefined || Date.parse(next) > target.getTime()) break;
      if (Date.parse(next) > clock.now().getTime()) clock.set(new Date(next));
      await settleAll();
    }
    clock.set(target);
    await settleAll();
    return clock.now();
  };

  return { settle, moveClock };
};

export type Quiescence = ReturnType<typeof createQuiescence>;
