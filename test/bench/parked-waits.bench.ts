/**
 * Parked waits at scale (printed; `npm run bench` fails when an invariant broke): a simulation of 100,000 (or
 * `PARKED_BENCH_SIZE`) enrollments in 7-day delays on AWS through the deployment's functions (change publisher, enrollment, resumer,
 * executor) over mocked SDK clients, Step Functions simulated and a faked clock (see `parked-waits-simulation.ts`),
 * their table in memory: dynalite here takes about 300 writes a second, so the tens of millions of requests of the
 * run would take days. `PARKED_BENCH_SIZE` sets the number of enrollments, `PARKED_BENCH_RATE` the resumer's rate at
 * a million (200 unless told: twice the construct's default, under us-east-1's refill of 300 a second). The table keeps every item the functions write (some 22 an enrollment):
 * their key attributes in the heap (about 5.8 KB an enrollment), their bodies serialized in a temporary file (about
 * 20 KB written an enrollment, replaced versions included), outside the heap. At 100,000 a run took 7.0 ms of CPU and
 * 16 KB of peak resident memory an enrollment (1.63 GB; 2.0 GB of file). A million (`--max-old-space-size=18432`) with
 * one stage (`PARKED_BENCH_STAGES=1`) ran to its end in 65 minutes (6.16 GB peak resident); with two, it holds 7.2 GB
 * resident and 15.8 GB of file by its 21st simulated day, reached in 120 minutes, and was still in the second
 * Monday's burst at 166 minutes: more than two and three quarter hours in all.
 * `PARKED_BENCH_PROGRESS=1` prints a line on stderr at each simulated day, to follow a long run.
 */
import {
  formatParkedWaits,
  type ParkedWaitsProgress,
  type ParkedWaitsResult,
  type ParkedWaitsScenario,
  type Stages,
  simulateParkedWaits,
} from './parked-waits-simulation.ts';
import { US_EAST_1_START_EXECUTION } from './simulated-step-functions.ts';

/**
 * 100,000 by default (1.63 GB resident, about 11 minutes on a 2-core, 23 GB machine); a million (`PARKED_BENCH_SIZE`)
 * needs a larger heap limit (see above), and 65 minutes with one stage, more than two and three quarter hours with two.
 */
const SIZE = Number(process.env.PARKED_BENCH_SIZE ?? 100_000);
/**
 * Parked stages per enrollment (`PARKED_BENCH_STAGES`, two unless told): 1 is a single 7-day delay (one Monday burst,
 * no continue-as-new): a million runs in 65 minutes instead of more than two and three quarter hours.
 */
const STAGES = ((): Stages => {
  const stages = process.env.PARKED_BENCH_STAGES ?? '2';
  if (stages !== '1' && stages !== '2') throw new Error(`PARKED_BENCH_STAGES must be 1 or 2, not ${stages}`);
  return stages === '1' ? 1 : 2;
})();
/** The resumer's rate at a million (200 unless told), scaled down with smaller runs. */
const RATE_AT_A_MILLION = Number(process.env.PARKED_BENCH_RATE ?? 200);

/**
 * The scenario at `enrollments`, the account's quotas and other callers scaled with it (a tenth of the size, a tenth
 * of the rate and bucket), so that a smaller run goes through the same backlog in the same time: us-east-1's
 * StartExecution bucket, and other callers drawing 150 starts a second for the first ten minutes of the Monday 09:00
 * burst (the resumer is throttled then); every 997th start's first Task runs (with two stages, continues as new)
 * before the resumer forgets the timer; every 100,003rd forget fails (the resumer's run fails, the next one goes on).
 */
export const parkedWaitsScenario = (enrollments: number): ParkedWaitsScenario => {
  const scale = enrollments / 1_000_000;
  return {
    enrollments,
    stages: STAGES,
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

/** With `PARKED_BENCH_PROGRESS=1`, a line on stderr at each simulated day: a long run can be followed. */
const progress = (day: ParkedWaitsProgress): void => {
  const rss = process.memoryUsage.rss();
  process.stderr.write(
    `day ${day.day}: ${day.arrived.toLocaleString('en')} arrived, ${day.executionsStarted.toLocaleString('en')} ` +
      `executions started, ${day.parked.toLocaleString('en')} parked, ${day.open} open; ` +
      (day.items === undefined
        ? ''
        : `${day.items.toLocaleString('en')} items (${(day.storedBytes! / 2 ** 30).toFixed(2)} GB stored); `) +
      `${(day.wallMs / 1_000).toFixed(0)} s wall, ${(day.cpuMs / 1_000).toFixed(0)} s CPU, ` +
      `${(rss / 2 ** 30).toFixed(2)} GB resident\n`,
  );
};

export const runParkedWaitsBench = (): Promise<ParkedWaitsResult> =>
  simulateParkedWaits({
    ...parkedWaitsScenario(SIZE),
    ...(process.env.PARKED_BENCH_PROGRESS === '1' ? { onProgress: progress } : {}),
  });

export const printParkedWaitsBench = (result: ParkedWaitsResult): void => {
  console.log(
    '\nParked waits on AWS (the functions over mocked SDK clients: Step Functions simulated, their table in memory; virtual clock)',
  );
  console.log(formatParkedWaits(result));
};

if (import.meta.main) {
  printParkedWaitsBench(await runParkedWaitsBench());
}
