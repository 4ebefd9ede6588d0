/**
 * The execution engine's figures through `npm start`'s runtime (printed, never asserted): the latency from a record
 * change to its enrollment's first completed action (system clock), executed actions per second once one move of
 * the manual clock makes many parked executions due, and memory with many executions parked on a timer.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Properties } from '../../shared/core/records/record.schema.ts';
import { COMMAND_ORDER, countRequests } from './api.bench.ts';
import { type BenchRuntime, collect, mib, seedContacts, withBenchRuntime } from './bench-runtime.ts';

/** Sequential record changes whose latency is measured, after a few not measured (JIT, connections). */
const LATENCY_SAMPLES = 100;
const LATENCY_WARMUP = 10;
/** Enrollments whose executions one clock move fires (`EXEC_BENCH_ENROLLMENTS`). */
const ENROLLMENTS = Number(process.env.EXEC_BENCH_ENROLLMENTS ?? 10_000);
/** Executions parked on a timer when memory is measured (`EXEC_BENCH_WAITS`). */
const WAITS = Number(process.env.EXEC_BENCH_WAITS ?? 100_000);
/** The manual clock's first instant: a fixed Monday, so every run moves through the same instants. */
const CLOCK_START = new Date('2027-01-04T08:00:00Z');
/** The clock move that takes every execution past its one-day delay. */
const PAST_THE_DELAY = { advance: 'P2D' } as const;
const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** The nearest-rank percentile (`p` in 0–100) of values. */
const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

/** A phase's wall time, and the CPU time this process (every thread) spent in it, in seconds. */
interface Timing {
  readonly seconds: number;
  readonly cpuSeconds: number;
}

const timed = async (work: () => Promise<unknown>): Promise<Timing> => {
  const started = performance.now();
  const cpu = process.cpuUsage();
  await work();
  const used = process.cpuUsage(cpu);
  return {
    seconds: (performance.now() - started) / 1_000,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
};

/** The machine's 1-minute load average at a phase's start and end: other processes share its cores. */
interface Load {
  readonly before: number;
  readonly after: number;
}

const withLoad = async <T>(work: () => Promise<T>): Promise<T & { readonly load: Load }> => {
  const before = loadavg()[0]!;
  const result = await work();
  return { ...result, load: { before: round(before), after: round(loadavg()[0]!) } };
};

const loadText = (load: Load) => `load average ${load.before} → ${load.after}`;

/** A contact whose properties no workflow of this bench reads but `score` (0–99). */
const contact = (i: number): Properties => ({ firstname: `Contact ${i}`, score: i % 100 });

/** Criteria every seeded contact meets. */
const EVERY_CONTACT = [{ filters: [{ property: 'score', operator: 'gte', value: 0 }] }];

/** Creates the contacts workflow and activates it (`enrollExisting` as given); resolves with its id. */
const activeWorkflow = async (
  { call }: BenchRuntime,
  definition: Record<string, unknown>,
  enrollExisting: boolean,
): Promise<string> => {
  const { id } = await call('POST', '/workflows', { objectType: 'contacts', ...definition });
  await call('POST', `/workflows/${id}/activate`, { enrollExisting });
  return id;
};

/**
 * Activates the contacts workflow (delay P1D first, then `actions`) with `enrollExisting`, and resolves once every
 * record is enrolled and every execution parked on the delay: the workflow's id and that phase's timing.
 */
const enrollEveryContact = async (
  bench: BenchRuntime,
  name: string,
  actions: readonly Record<string, unknown>[],
): Promise<{ workflowId: string; enroll: Timing }> => {
  let workflowId = '';
  const enroll = await timed(async () => {
    workflowId = await activeWorkflow(
      bench,
      {
        name,
        enrollment: { trigger: 'criteria', criteria: EVERY_CONTACT },
        startActionId: 'wait',
        actions: [{ id: 'wait', type: 'delay', duration: 'P1D', next: actions[0]?.id ?? null }, ...actions],
      },
      true,
    );
    await bench.runtime.activations.drain();
    await bench.runtime.quiescence.settle();
  });
  return { workflowId, enroll };
};

/**
 * Runs `use` against a manual-clock runtime over `count` contacts put into its table before it starts (the seeding
 * timed, in seconds), with the load average around it.
 */
const withSeededRuntime = <T>(
  name: string,
  count: number,
  use: (bench: BenchRuntime, seedSeconds: number) => Promise<T>,
): Promise<T & { readonly load: Load }> => {
  let seedSeconds = 0;
  return withBenchRuntime(
    {
      name,
      clock: { kind: 'manual', start: CLOCK_START },
      seed: async (db) => {
        seedSeconds = (await timed(() => seedContacts(db, count, contact))).seconds;
      },
    },
    (bench) => withLoad(() => use(bench, round(seedSeconds))),
  );
};

/** DynamoDB requests by command name (`GetItem`, `Query` …). */
type CommandCounts = ReadonlyMap<string, number>;

/** A clock move's timing and the DynamoDB requests the runtime sent during it. */
interface Fire extends Timing {
  readonly requests: CommandCounts;
}

/**
 * One move of the clock past the delay, timed: it answers once every execution it made due has run. Counts the
 * runtime's DynamoDB requests meanwhile (retries included).
 */
const fireEveryDelay = async (bench: BenchRuntime): Promise<Fire> => {
  const counter = countRequests(bench.runtime.dynamodb);
  counter.take();
  const timing = await timed(() => bench.runtime.quiescence.moveClock(PAST_THE_DELAY));
  return { ...timing, requests: counter.take() };
};

/** How many history lines of one event the workflow has, counted page by page through the API. */
const countHistory = async ({ call }: BenchRuntime, workflowId: string, event: string): Promise<number> => {
  let count = 0;
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ event, limit: '100', ...(cursor ? { cursor } : {}) });
    const page = await call('GET', `/workflows/${workflowId}/history?${query}`);
    count += page.results.length;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return count;
};

export interface LatencyResult {
  readonly samples: number;
  /** From sending the PATCH to its `action.completed` line being returned by the history route, ms. */
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** The PATCH's own answer time, ms (p50). */
  readonly patchP50: number;
  /** History reads per sample (p50). */
  readonly readsP50: number;
  readonly load: Load;
}

/**
 * System clock: contacts changed one after the other through `PATCH /objects/contacts/{id}`, each change entering
 * an active workflow whose first action is a `setProperty` (no delay, no execution window); for each, the time from
 * sending the PATCH until the history route returns the record's `action.completed` line, read again as soon as it
 * answers without it.
 */
const runLatency = (): Promise<LatencyResult> =>
  withBenchRuntime({ name: 'exec-latency-bench' }, (bench) =>
    withLoad(async () => {
      const { call } = bench;
      const workflowId = await activeWorkflow(
        bench,
        {
          name: 'Latency',
          enrollment: {
            trigger: 'criteria',
            criteria: [{ filters: [{ property: 'jobtitle', operator: 'eq', value: 'Engineer' }] }],
          },
          startActionId: 'tag',
          actions: [{ id: 'tag', type: 'setProperty', property: 'leadstatus', value: 'open', next: null }],
        },
        false,
      );
      const ids: string[] = [];
      for (let i = 0; i < LATENCY_WARMUP + LATENCY_SAMPLES; i++) {
        ids.push((await call('POST', '/objects/contacts', { properties: contact(i) })).id);
      }
      await bench.runtime.quiescence.settle();

      const latencies: number[] = [];
      const patches: number[] = [];
      const reads: number[] = [];
      for (const [i, id] of ids.entries()) {
        const history = `/workflows/${workflowId}/history?${new URLSearchParams({ recordId: id, event: 'action.completed' })}`;
        const started = performance.now();
        await call('PATCH', `/objects/contacts/${id}`, { properties: { jobtitle: 'Engineer' } });
        const patched = performance.now();
        let count = 0;
        for (;;) {
          count += 1;
          if ((await call('GET', history)).results.length > 0) break;
        }
        if (i < LATENCY_WARMUP) continue;
        latencies.push(performance.now() - started);
        patches.push(patched - started);
        reads.push(count);
      }
      return {
        samples: latencies.length,
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        max: round(Math.max(...latencies)),
        patchP50: round(percentile(patches, 50)),
        readsP50: percentile(reads, 50),
      };
    }),
  );

/** The figures common to the manual-clock parts. */
export interface SeededRun {
  readonly seedSeconds: number;
  /** From `POST …/activate` (`enrollExisting`) until every execution is parked on its delay. */
  readonly enroll: Timing;
  /** One clock move past the delay, until the runtime is idle, with the DynamoDB requests it made. */
  readonly fire: Fire;
  /** `action.completed` lines after the move. */
  readonly actions: number;
  readonly load: Load;
}

/** `actions`: 3 per enrollment when every action ran. */
export interface ThroughputResult extends SeededRun {
  readonly enrollments: number;
}

/**
 * Manual clock: `ENROLLMENTS` contacts put straight into the table, then a workflow (delay P1D → three `setProperty`)
 * activated with `enrollExisting` enrolls them all: each execution parks on its delay. One move of the clock past the
 * delay makes them all due at once; the three actions run for every enrollment.
 */
const runThroughput = (): Promise<ThroughputResult> =>
  withSeededRuntime('exec-throughput-bench', ENROLLMENTS, async (bench, seedSeconds) => {
    const { workflowId, enroll } = await enrollEveryContact(bench, 'Throughput', [
      { id: 'open', type: 'setProperty', property: 'leadstatus', value: 'open', next: 'progress' },
      { id: 'progress', type: 'setProperty', property: 'leadstatus', value: 'in_progress', next: 'title' },
      { id: 'title', type: 'setProperty', property: 'jobtitle', value: 'Customer', next: null },
    ]);
    const fire = await fireEveryDelay(bench);
    return {
      enrollments: ENROLLMENTS,
      seedSeconds,
      enroll,
      fire,
      actions: await countHistory(bench, workflowId, 'action.completed'),
    };
  });

/** Heap used and RSS after a full collection, MiB. */
interface Memory {
  readonly heapMiB: number;
  readonly rssMiB: number;
}

const memory = (): Memory => {
  collect();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapMiB: mib(heapUsed), rssMiB: mib(rss) };
};

/** `actions`: 1 per waiting execution when every one ran. */
export interface WaitsResult extends SeededRun {
  readonly waits: number;
  /** The runtime started over the seeded contacts, before the activation. */
  readonly before: Memory;
  /** With every execution parked on its delay. */
  readonly waiting: Memory;
  /** Once one clock move has fired them all. */
  readonly after: Memory;
}

/**
 * Manual clock: `WAITS` contacts put straight into the table, then a workflow (delay P1D → `setProperty`) activated
 * with `enrollExisting`: every execution parks on its timer, which is in the table, not in memory. Memory is taken
 * after a full collection before the activation, with every execution waiting, and after one clock move has fired
 * them all; the move is timed.
 */
const runWaits = (): Promise<WaitsResult> =>
  withSeededRuntime('exec-waits-bench', WAITS, async (bench, seedSeconds) => {
    await bench.runtime.quiescence.settle();
    const before = memory();
    const { workflowId, enroll } = await enrollEveryContact(bench, 'Waits', [
      { id: 'open', type: 'setProperty', property: 'leadstatus', value: 'open', next: null },
    ]);
    const waiting = memory();
    const fire = await fireEveryDelay(bench);
    const after = memory();
    return {
      waits: WAITS,
      seedSeconds,
      enroll,
      before,
      waiting,
      after,
      fire,
      actions: await countHistory(bench, workflowId, 'action.completed'),
    };
  });

export interface ExecutionBenchResult {
  readonly latency: LatencyResult;
  readonly throughput: ThroughputResult;
  readonly waits: WaitsResult;
  /** Wall time of the whole bench, seconds. */
  readonly seconds: number;
  /** True when every enrollment ran every action after the clock move: figures of missing work would mislead. */
  readonly complete: boolean;
}

/** Runs the three measures one after the other, each on its own runtime and data directory. */
export async function runExecutionBench(): Promise<ExecutionBenchResult> {
  const started = performance.now();
  // Each part's raw figures as soon as it ends (stderr): at the default sizes a run takes the better part of an hour.
  const reported = <T>(part: string, figures: T): T => {
    console.error(`${part}: ${JSON.stringify(figures)}`);
    return figures;
  };
  const latency = reported('latency', await runLatency());
  const throughput = reported('throughput', await runThroughput());
  const waits = reported('waits', await runWaits());
  return {
    latency,
    throughput,
    waits,
    seconds: round((performance.now() - started) / 1_000),
    complete: throughput.actions === 3 * throughput.enrollments && waits.actions === waits.waits,
  };
}

const perSecond = (count: number, timing: Timing) => Math.round(count / timing.seconds);
/** CPU time of the process per item, ms: less sensitive than wall time to other processes on the machine. */
const cpuMsEach = (count: number, timing: Timing) => round((timing.cpuSeconds * 1_000) / Math.max(count, 1));

/** Requests per action by command (the commands in the API bench's order), one decimal, and their total. */
const requestsEach = (requests: CommandCounts, actions: number): Record<string, number> => {
  const names = [...COMMAND_ORDER, ...[...requests.keys()].filter((name) => !COMMAND_ORDER.includes(name))];
  const row: Record<string, number> = {};
  let total = 0;
  for (const name of names) {
    const count = requests.get(name) ?? 0;
    total += count;
    if (count > 0) row[name] = round(count / Math.max(actions, 1), 2);
  }
  row.total = round(total / Math.max(actions, 1), 2);
  return row;
};

/** Prints the figures of an execution bench run. */
export const printExecutionBench = (result: ExecutionBenchResult): void => {
  const { latency, throughput, waits } = result;
  console.log(
    `\nPATCH → its action.completed line, through the embedded runtime (system clock, one setProperty, no delay; ` +
      `${latency.samples} sequential changes after ${LATENCY_WARMUP} not measured; ${loadText(latency.load)})`,
  );
  console.table([
    {
      samples: latency.samples,
      'p50 (ms)': latency.p50,
      'p99 (ms)': latency.p99,
      'max (ms)': latency.max,
      'PATCH answer p50 (ms)': latency.patchP50,
      'history reads p50': latency.readsP50,
    },
  ]);
  console.log(
    '\nExecuted actions per second after one clock move (manual clock; delay P1D → 3 × setProperty; contacts put ' +
      `into the table, enrolled by enrollExisting; ${loadText(throughput.load)})`,
  );
  console.table([
    {
      enrollments: throughput.enrollments,
      'seed (s)': throughput.seedSeconds,
      'enroll (s)': round(throughput.enroll.seconds),
      'enrollments/s': perSecond(throughput.enrollments, throughput.enroll),
      'CPU ms/enrollment': cpuMsEach(throughput.enrollments, throughput.enroll),
      'clock move (s)': round(throughput.fire.seconds),
      actions: throughput.actions,
      'actions/s': perSecond(throughput.actions, throughput.fire),
      'CPU ms/action': cpuMsEach(throughput.actions, throughput.fire),
    },
  ]);
  console.log('DynamoDB requests per executed action during the clock move, by command');
  console.table([requestsEach(throughput.fire.requests, throughput.actions)]);
  console.log(
    '\nExecutions parked on a timer (manual clock; delay P1D → setProperty; heap and RSS after a full collection; ' +
      `${loadText(waits.load)})`,
  );
  console.table([
    {
      waits: waits.waits,
      'seed (s)': waits.seedSeconds,
      'enroll (s)': round(waits.enroll.seconds),
      'enrollments/s': perSecond(waits.waits, waits.enroll),
      'heap before (MiB)': waits.before.heapMiB,
      'heap waiting (MiB)': waits.waiting.heapMiB,
      'heap after (MiB)': waits.after.heapMiB,
      'RSS before (MiB)': waits.before.rssMiB,
      'RSS waiting (MiB)': waits.waiting.rssMiB,
      'RSS after (MiB)': waits.after.rssMiB,
      'clock move (s)': round(waits.fire.seconds),
      actions: waits.actions,
      'actions/s': perSecond(waits.actions, waits.fire),
      'CPU ms/action': cpuMsEach(waits.actions, waits.fire),
    },
  ]);
  console.log('DynamoDB requests per executed action during the clock move, by command');
  console.table([requestsEach(waits.fire.requests, waits.actions)]);
  const perWait = ((waits.waiting.heapMiB - waits.before.heapMiB) * 1_048_576) / Math.max(waits.waits, 1);
  console.log(
    `heap held per waiting execution (heap waiting − before): ${Math.round(perWait)} bytes; ` +
      `the execution bench took ${result.seconds} s`,
  );
  console.log(`every enrollment ran every action after the clock move: ${result.complete ? 'yes' : 'NO'}`);
};

if (import.meta.main) {
  const result = await runExecutionBench();
  printExecutionBench(result);
  if (!result.complete) process.exitCode = 1;
}
