import { describe, expect, it } from 'vitest';
import { RESUME_SAFETY_MS, resumeParkedPaced } from '../../../shared/core/executions/paced-resume.ts';
import type { ResumedBatch } from '../../../shared/core/executions/resume-parked.ts';

/** A resumer run on a virtual clock: `batches` answered in order, each call's instant and limit noted. */
const pacedRun = async (batches: ResumedBatch[], options: { timeoutMs?: number; batchMs?: number } = {}) => {
  let now = 0;
  const calls: { at: number; limit: number }[] = [];
  const result = await resumeParkedPaced({
    resumeParked: async (limit) => {
      calls.push({ at: now, limit });
      now += options.batchMs ?? 0;
      return batches.shift() ?? { due: 0, started: 0, throttled: false };
    },
    ratePerSecond: 200,
    clock: { now: () => new Date(now) },
    sleep: async (ms) => {
      now += ms;
    },
    timeLeftMs: () => (options.timeoutMs ?? 60_000) - now,
    safetyMs: RESUME_SAFETY_MS,
  });
  return { result, calls };
};

const full = { due: 200, started: 200, throttled: false };

describe('the resumer pacing', () => {
  it('takes a batch a second while batches come back full, and stops at the first one that is not', async () => {
    const { result, calls } = await pacedRun([full, full, { due: 20, started: 18, throttled: false }]);
    expect(calls).toEqual([
      { at: 0, limit: 200 },
      { at: 1_000, limit: 200 },
      { at: 2_000, limit: 200 },
    ]);
    expect(result).toEqual({ started: 418, due: 420, batches: 3, throttledBatches: 0 });
  });

  it('counts a batch’s own time in its second', async () => {
    const { calls } = await pacedRun([full, full, { due: 0, started: 0, throttled: false }], {
      batchMs: 300,
    });
    expect(calls.map((call) => call.at)).toEqual([0, 1_000, 2_000]);
  });

  it('tries a throttled batch again a second later, even when it was not full', async () => {
    const { result, calls } = await pacedRun([
      { due: 50, started: 10, throttled: true },
      { due: 40, started: 40, throttled: false },
    ]);
    expect(calls.map((call) => call.at)).toEqual([0, 1_000]);
    expect(result).toEqual({ started: 50, due: 90, batches: 2, throttledBatches: 1 });
  });

  it('takes no batch once no more than the safety margin is left', async () => {
    const { result, calls } = await pacedRun(Array.from({ length: 100 }, () => full));
    expect(calls).toHaveLength(50);
    expect(calls.at(-1)?.at).toBe(49_000);
    expect(result.started).toBe(50 * 200);
  });
});
