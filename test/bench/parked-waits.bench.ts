/**
 * Parked waits at scale (printed; `npm run bench` fails when an invariant broke): a simulation of 100,000 (or
 * `PARKED_BENCH_SIZE`) enrollments in 7-day delays on AWS through the deployment's functions (change publisher, enrollment, resumer,
 * executor) over mocked SDK clients, Step Functions simulated and a faked clock (see `parked-waits-simulation.ts`),
 * their table in memory: dynalite here takes about 300 writes a second, so the tens of millions of requests of the
 * run would take days. `PARKED_BENCH_SIZE` sets the number of enrollments, `PARKED_BENCH_RATE` the resumer's rate at
 * a million (the handler's default, 200). A run takes about 4 ms of CPU an enrollment at 10,000–20,000, 5.7 ms at
 * 100,000 (the collector's share grows with the heap), and 38 KB of resident memory an enrollment at 100,000 (the
 * table keeps every item the functions write, some 10 KB of JSON an enrollment; about 17 KB of live heap, the rest
 * the collector's headroom): 100,000 need `--max-old-space-size=8192`, a million about 40 GB and an hour and a half.
 */
import {
  formatParkedWaits,
  type ParkedWaitsResult,
  type ParkedWaitsScenario,
  simulateParkedWaits,
} from './parked-waits-simulation.ts';
import { US_EAST_1_START_EXECUTION } from './simulated-step-functions.ts';

/**
 * 100,000 by default: what this 2-core, 23 GB machine holds (3.8 GB, about 9 minutes); a million (`PARKED_BENCH_SIZE`)
 * needs about 40 GB and an hour and a half.
 */
const SIZE = Number(process.env.PARKED_BENCH_SIZE ?? 100_000);
/** The resumer's rate at a million (the handler's default), scaled down with smaller runs. */
const RATE_AT_A_MILLION = Number(process.env.PARKED_BENCH_RATE ?? 200);

/**
 * The scenario at `enrollments`, the account's quotas and other callers scaled with it (a tenth of the size, a tenth
 * of the rate and bucket), so that a smaller run goes through the same backlog in the same time: us-east-1's
 * StartExecution bucket, and other callers drawing 150 starts a second for the first ten minutes of the Monday 09:00
 * burst (the resumer is throttled then); every 997th start's first Task continues as new before the resumer forgets
 * the timer; every 100,003rd forget fails (the resumer's run fails, the next one goes on).
 */
export const parkedWaitsScenario = (enrollments: number): ParkedWaitsScenario => {
  const scale = enrollments / 1_000_000;
  return {
    enrollments,
    ratePerSecond: Math.max(1, Math.round(RATE_AT_A_MILLION * scale)),
    quota: {
      bucket: US_EAST_1_START_EXECUTION.bucket * scale,
      refillPerSecond: US_EAST_1_START_EXECUTION.refillPerSecond * scale,
    },
    // Monday 18 January 2027, 09:00 in Paris: the windowed enrollments' first stage comes due.
    otherLoad: [{ fromMs: (14 * 24 + 9) * 3_600_000, seconds: 600, perSecond: 150 * scale }],
    taskBeforeForgetEvery: 997,
    forgetFaultEvery: 100_003,
  };
};

export const runParkedWaitsBench = (): Promise<ParkedWaitsResult> =>
  simulateParkedWaits(parkedWaitsScenario(SIZE));

export const printParkedWaitsBench = (result: ParkedWaitsResult): void => {
  console.log(
    '\nParked waits on AWS (the functions over mocked SDK clients: Step Functions simulated, their table in memory; virtual clock)',
  );
  console.log(formatParkedWaits(result));
};

if (import.meta.main) {
  printParkedWaitsBench(await runParkedWaitsBench());
}
