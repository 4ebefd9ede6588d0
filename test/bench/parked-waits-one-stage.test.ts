import { describe, expect, it } from 'vitest';
import { parkedWaitsScenario } from './parked-waits.bench.ts';
import { expectParkedWaitsInvariants } from './parked-waits-invariants.ts';
import { simulateParkedWaits } from './parked-waits-simulation.ts';

// A file of its own: the functions are loaded once per process, for one number of stages.
describe('parked waits on AWS, simulated through the functions, one parked stage', () => {
  it('1,000 enrollments in a single 7-day delay (one parked stage, no continue-as-new): each started once in its window and completed', async () => {
    // Prepare: the bench's scenario at 0.1 %, one stage (the first Task is the workflow's last action).
    const scenario = { ...parkedWaitsScenario(1_000), stages: 1 as const, taskBeforeForgetEvery: 97 };

    // Act
    const result = await simulateParkedWaits(scenario);

    // Assess: one execution an enrollment, none continued as new; the one Monday burst paced.
    expectParkedWaitsInvariants(result);
    expect(result.executionsStarted).toBe(1_000);
    expect(result.maxParked).toBe(1_000);
    expect(result.simulatedMs).toBeGreaterThan(14 * 86_400_000);
    expect(result.simulatedMs).toBeLessThan(15 * 86_400_000);
    expect(result.windowedLateness.max).toBeGreaterThan(5 * 60_000);
  }, 60_000);
});
