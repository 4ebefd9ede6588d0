import { expect } from 'vitest';
import type { ParkedWaitsResult } from './parked-waits-simulation.ts';

/** Step Functions Standard's open executions quota per account and Region. */
const OPEN_EXECUTIONS_QUOTA = 1_000_000;

/**
 * The invariants every simulated run must keep, whatever its size and store: open executions under the bound (none
 * holding a parked wait), every enrollment started exactly once per stage and completed, nothing left parked, each
 * started within its window and late by no more than the pacing allows, StartExecution calls per second within the
 * rate, throttled starts tried again.
 */
export const expectParkedWaitsInvariants = (result: ParkedWaitsResult): void => {
  const { scenario, violations } = result;
  const stages = scenario.stages * scenario.enrollments;
  // Open executions: none holds a parked wait; at most the resumer's batches in their Wait or first Task.
  expect(violations.heldBeyondThreshold).toBe(0);
  expect(result.maxOpen).toBeGreaterThan(0);
  expect(result.maxOpen).toBeLessThanOrEqual(result.openBound);
  expect(result.openBound).toBeLessThan(OPEN_EXECUTIONS_QUOTA / 50);
  expect(violations.leftOpen).toBe(0);
  // Every enrollment started exactly once per stage, ran each action once, completed; nothing left parked.
  expect(result.executionsStarted).toBe(stages);
  expect(violations.startedTwice).toBe(0);
  expect(violations.neverStarted).toBe(0);
  expect(violations.appliedTwice).toBe(0);
  expect(violations.neverApplied).toBe(0);
  expect(violations.notCompleted).toBe(0);
  expect(violations.leftParked).toBe(0);
  expect(violations.taskErrors).toBe(0);
  // Within the window, never early, late by no more than the pacing allows.
  expect(violations.early).toBe(0);
  expect(violations.outsideWindow).toBe(0);
  // The windowed delays that ended outside the window open it spread over its first 15 minutes, each minute used.
  expect(violations.notSpread).toBe(0);
  expect(result.spread.moved).toBeGreaterThan(100);
  expect(result.spread.minutes).toBe(15);
  // Every execution resumed at the instant it was parked for.
  expect(violations.startedOffDue).toBe(0);
  expect(result.lateness.max).toBeLessThanOrEqual(result.latenessBound);
  // Paced: never more StartExecution calls in a second than the rate; runs never overlap.
  expect(violations.secondsOverRate).toBe(0);
  expect(result.maxCallsPerSecond).toBe(scenario.ratePerSecond);
  expect(violations.overlappingRuns).toBe(0);
  // Throttled starts were tried again the next second (or the next run), none lost (above).
  expect(result.throttledCalls).toBeGreaterThan(0);
  expect(result.throttledBatches).toBeGreaterThan(0);
  expect(violations.throttledNotRetried).toBe(0);
  expect(result.startCalls).toBe(stages + result.throttledCalls + result.duplicateCalls);
};
