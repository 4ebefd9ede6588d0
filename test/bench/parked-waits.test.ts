import { describe, expect, it } from 'vitest';
import { parkedWaitsScenario } from './parked-waits.bench.ts';
import { expectParkedWaitsInvariants } from './parked-waits-invariants.ts';
import { simulateParkedWaits } from './parked-waits-simulation.ts';

describe('parked waits on AWS, simulated through the functions (change publisher, enrollment, resumer, executor)', () => {
  it('3,000 enrollments in 7-day delays (the account scaled to 0.3 %): under the open executions bound, each started once in its window at the paced rate', async () => {
    // Prepare: the bench's scenario at 0.3 % (rate 1/s, bucket 3.9, refill 0.9/s, other callers 0.45/s during the
    // Monday 09:00 burst), more often a Task that continues as new before its timer is forgotten, and a table
    // that fails to forget a started execution every 499th time.
    const scenario = { ...parkedWaitsScenario(3_000), taskBeforeForgetEvery: 97, forgetFaultEvery: 499 };

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
  }, 90_000);
});
