import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackgroundLoop } from '../../shared/runtime/background-loop.ts';
import { createQuiescence, NotIdle, SETTLE_TIMEOUT_MS } from '../../shared/runtime/quiescence.ts';
import type { RuntimeClock } from '../../shared/runtime/runtime-clock.ts';

const START = Date.parse('2027-01-04T08:00:00Z');
const DAY_MS = 86_400_000;

beforeEach(() => {
  // Only `Date` is faked: the wall time that the settle bound reads moves when the engine's work says so.
  vi.useFakeTimers({ toFake: ['Date'], now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A manual clock over its own instant (the wall time, faked, is another). */
const manualClock = (): RuntimeClock => {
  let now = START;
  const targetOf = (request: unknown) => new Date(now + ((request as { days: number }).days ?? 0) * DAY_MS);
  return {
    kind: 'manual',
    now: () => new Date(now),
    targetOf,
    move: (request) => {
      now = targetOf(request).getTime();
      return new Date(now);
    },
    set: (instant) => {
      now = Math.max(now, instant.getTime());
    },
  };
};

const idleLoop: BackgroundLoop = { poke: () => {}, drain: async () => {}, close: async () => {} };

/**
 * An engine with `due` executions due one day after the start; firing them takes `firingMs` of wall time (at most
 * `perFire` of them a call) and leaves nothing due.
 */
const engineWith = (clock: RuntimeClock, due: number, firingMs: number, perFire = due) => {
  let pending = due;
  let fired = 0;
  const dueAt = new Date(START + DAY_MS).toISOString();
  return {
    fired: () => fired,
    engine: {
      nextDue: async () => (pending > 0 ? dueAt : undefined),
      fireDue: async () => {
        if (pending === 0 || clock.now().toISOString() < dueAt) return 0;
        const now = Math.min(pending, perFire);
        vi.setSystemTime(Date.now() + firingMs);
        pending -= now;
        fired += now;
        return now;
      },
      idle: async () => {},
      busy: () => false,
    },
  };
};

const quiescenceOver = (clock: RuntimeClock, engine: ReturnType<typeof engineWith>['engine']) =>
  createQuiescence({
    clock,
    changes: idleLoop,
    changeLog: { unpublished: async () => ({ results: [], nextCursor: null }) },
    bus: {
      settle: async () => {},
      metrics: () => ({
        accepted: 0,
        failedEntries: 0,
        delivered: 0,
        retried: 0,
        deadLettered: 0,
        invalid: 0,
      }),
    },
    engine,
    activations: idleLoop,
  });

describe('moving the manual clock', () => {
  it('answers once every execution due on the way has run, however long their work takes', async () => {
    // Prepare: firing what is due takes longer than settle's bound.
    const clock = manualClock();
    const { engine, fired } = engineWith(clock, 1_000, SETTLE_TIMEOUT_MS + 1_000);

    // Act
    const moved = await quiescenceOver(clock, engine).moveClock({ days: 2 });

    // Assess
    expect(moved.toISOString()).toBe(new Date(START + 2 * DAY_MS).toISOString());
    expect(fired()).toBe(1_000);
  });

  it('leaves settle alone bounded: a system still busy after its 30 s answers NotIdle', async () => {
    // Prepare: the clock is past the due instant; each firing takes 20 s and leaves more due.
    const clock = manualClock();
    clock.set(new Date(START + 2 * DAY_MS));
    const { engine } = engineWith(clock, 10, 20_000, 1);

    // Act
    const settled = quiescenceOver(clock, engine).settle();

    // Assess
    await expect(settled).rejects.toBeInstanceOf(NotIdle);
  });
});
