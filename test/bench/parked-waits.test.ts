import { describe, expect, it } from 'vitest';
import { parkedWaitsScenario } from './parked-waits.bench.ts';
import { expectParkedWaitsInvariants } from './parked-waits-invariants.ts';
import { type ParkedWaitsProgress, simulateParkedWaits } from './parked-waits-simulation.ts';

describe('parked waits on AWS, simulated through the functions (change publisher, enrollment, resumer, executor)', () => {
  it('3,000 enrollments in 7-day delays (the account scaled to 0.3 %): under the open executions bound, each started once in its window at the paced rate', async () => {
    // Prepare: the bench's scenario at 0.3 % (rate 1/s, bucket 3.9, refill 0.9/s, other callers 0.45/s during the
    // Monday 09:00 burst), more often a Task that continues as new before its timer is forgotten, and a table
    // that fails to forget a started execution every 499th time.
    // Its progress taken at each simulated day.
    const days: ParkedWaitsProgress[] = [];
    const scenario = {
      ...parkedWaitsScenario(3_000),
      stages: 2 as const,
      taskBeforeForgetEvery: 97,
      forgetFaultEvery: 499,
      onProgress: (day: ParkedWaitsProgress) => days.push(day),
    };

    // Act
    const result = await simulateParkedWaits(scenario);

    // Assess
    expectParkedWaitsInvariants(result);
    // Many were due together: the backlog outgrew what a run starts, so the pacing decided the lateness.
    expect(result.peakBacklog).toBeGreaterThan(50 * scenario.ratePerSecond);
    expect(result.windowedLateness.max).toBeGreaterThan(10 * 60_000);
    // A failed run's started execution was started again by the next run: refused by its name, run once.
    expect(result.failedRuns).toBeGreaterThan(0);
    expect(result.simulatedMs).toBeGreaterThan(21 * 86_400_000);
    // Told once a simulated day, in order: every contact arrived in the first week, all parked until the second.
    expect(days.map((day) => day.day)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(days[6]).toMatchObject({ arrived: 3_000, parked: 3_000 - days[6]!.executionsStarted });
    expect(days.at(-1)!.executionsStarted).toBeLessThanOrEqual(result.executionsStarted);
    expect(days.at(-1)!.items).toBeGreaterThan(days[0]!.items!);
    expect(days.at(-1)!.storedBytes).toBeGreaterThan(days[0]!.storedBytes!);
  }, 90_000);

  it("refuses a run with another number of stages in the same process (the functions cached the first run's workflows by id)", async () => {
    // Prepare: after the 3,000 enrollments above (two stages), the same environment (the rate rounds to the same,
    // the threshold is the default) with one stage.
    const scenario = { ...parkedWaitsScenario(10), stages: 1 as const };
    expect(scenario.ratePerSecond).toBe(parkedWaitsScenario(3_000).ratePerSecond);

    // Act and assess
    await expect(simulateParkedWaits(scenario)).rejects.toThrow(
      'every run must share one number of stages (2)',
    );
  });
});
