/**
 * The enrollment engine's figures (printed, never asserted): one record change against 1,000 active contacts
 * workflows (CPU time and DynamoDB requests per change), changes per second through the embedded bus to
 * `enrolled`, and `enrollExisting` over many records (records per second, memory against the number of records).
 */
import { randomUUID } from 'node:crypto';
import { createDynamoDBCrmServices } from '../../shared/adapters/dynamodb/crm-services.dynamodb.ts';
import type { EnrollmentChange } from '../../shared/core/enrollment/change-views.ts';
import type { FilterGroups } from '../../shared/core/filters/filter.schema.ts';
import type { Properties } from '../../shared/core/records/record.schema.ts';
import { LOCAL_ACTION_FUNCTION_ARN } from '../../shared/core/services/workflow-service.ts';
import { startLocalDynamoDB } from '../../shared/runtime/local-dynamodb.ts';
import { COMMAND_ORDER, countRequests } from './api.bench.ts';
import { collect, mib, seedContacts, withBenchRuntime } from './bench-runtime.ts';
import { CONTACT, generateCriteria } from './filters-workload.ts';

/** Active contacts workflows a measured change is decided against. */
const WORKFLOWS = 1_000;
/** Of those, workflows the enrolling change (b) enters: the others keep the generated criteria. */
const ENROLLING = 10;
/** Measured changes per kind (the median is reported). */
const CHANGES = 60;
/** The target: a change that enrolls nothing costs at most this many DynamoDB requests. */
const NOTHING_TARGET = 3;
/** Through the embedded runtime: active workflows, contacts posted, concurrent posts. */
const BUS_WORKFLOWS = 50;
const BUS_CONTACTS = 500;
const BUS_CONCURRENCY = 10;
/** Record counts `enrollExisting` runs over (each in its own table); `ENROLL_BENCH_SIZES=100000` for 100,000. */
const EXISTING_SIZES = (process.env.ENROLL_BENCH_SIZES ?? '20000,50000')
  .split(',')
  .map((size) => Number(size.trim()))
  .filter((size) => size > 0);
/**
 * The parts to run, `per-change,bus,existing` by default: `ENROLL_BENCH_PARTS=per-change` times only the CPU of
 * one change against the active workflows (a minute or so instead of eight).
 */
const PARTS = new Set(
  (process.env.ENROLL_BENCH_PARTS ?? 'per-change,bus,existing').split(',').map((part) => part.trim()),
);
/** The share of the records the `enrollExisting` workflow matches (`score gte 90` over scores 0–99). */
const EXISTING_MATCH = 'score ≥ 90 (10 % of the records)';

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** A contact like the filter bench's, with a unique email (its unique value) and without the system dates. */
const contactProperties = (i: number): Properties => {
  const { createdate, lastmodifieddate, ...properties } = CONTACT.properties as Properties;
  return { ...properties, email: `marie.curie.${i}@example.fr` };
};

interface ChangeFigure {
  readonly kind: string;
  readonly changes: number;
  /** Median CPU time of one `onRecordChanged` (user + system), µs. */
  readonly cpuMicros: number;
  /** Median wall time, ms. */
  readonly wallMs: number;
  /** DynamoDB requests of one change by command (median per command), and the median total. */
  readonly requests: Readonly<Record<string, number>>;
  readonly totalRequests: number;
  /** Median enrollments the change started (`enroll` decisions) and history-writing skips. */
  readonly enrolls: number;
  readonly skips: number;
}

export interface PerChangeResult {
  readonly criteria: string;
  readonly workflows: number;
  readonly figures: readonly ChangeFigure[];
}

/** The enrolling workflows' criteria: a contact whose job title becomes `Bench enroll` enters each of them. */
const enrollingCriteria = (i: number): FilterGroups => [
  {
    filters: [
      { property: 'jobtitle', operator: 'eq', value: 'Bench enroll' },
      { property: 'score', operator: 'gte', value: i },
    ],
  },
];

/** Drops the filters that need the record's surroundings (associated records, lists): properties only. */
const propertiesOnly = (groups: FilterGroups): FilterGroups =>
  groups
    .map((group) => ({
      ...group,
      filters: group.filters.filter(
        (filter) => 'property' in filter && !String(filter.property).includes('.'),
      ),
    }))
    .filter((group) => group.filters.length > 0);

/**
 * One change against `WORKFLOWS` active contacts workflows (the active-workflows cache warm), on in-memory
 * dynalite with every request counted: a change no workflow's criteria turn on, and one entering `ENROLLING`.
 */
const runPerChange = async (
  name: string,
  shape: (groups: FilterGroups) => FilterGroups,
): Promise<PerChangeResult> => {
  const db = await startLocalDynamoDB();
  try {
    const counter = countRequests(db.client);
    const world = createDynamoDBCrmServices({
      client: db.client,
      tableName: db.tableName,
      clock: { now: () => new Date() },
      newId: randomUUID,
      actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
      publish: async () => {},
      // The cache stays warm through the measure (the default is 10 s).
      activeWorkflowsTtlMs: 3_600_000,
    });
    const { services, enrollment, changeLog, workflowRepository } = world;

    // Prepare: the workflows, set active without publishing state machines (not what is measured).
    const criteria = [
      ...generateCriteria(WORKFLOWS - ENROLLING, 10).map(shape),
      ...Array.from({ length: ENROLLING }, (_, i) => enrollingCriteria(i)),
    ];
    for (const [i, groups] of criteria.entries()) {
      const draft = await services.workflows.create({
        name: `Bench ${i}`,
        objectType: 'contacts',
        enrollment: { trigger: 'criteria', criteria: groups },
        startActionId: null,
        actions: [],
      });
      await workflowRepository.setStatus(draft, 'active', new Date().toISOString());
    }
    enrollment.invalidate('contacts');
    const deliver = async (): Promise<EnrollmentChange[]> => {
      const delivered: EnrollmentChange[] = [];
      for (;;) {
        const { results } = await changeLog.unpublished({ limit: 100 });
        if (results.length === 0) return delivered;
        for (const change of results) {
          delivered.push(change);
          await changeLog.markPublished(change);
        }
      }
    };
    // The contacts, created and their creations decided (they enroll where they match: not measured).
    const ids: string[] = [];
    for (let i = 0; i < CHANGES; i++) {
      ids.push((await services.records.create('contacts', contactProperties(i))).id);
    }
    for (const change of await deliver()) await enrollment.onRecordChanged(change);

    const kinds: { kind: string; properties: (i: number) => Properties }[] = [
      {
        kind: '(a) lastname (no workflow reads it; lastmodifieddate moves)',
        properties: (i) => ({ lastname: `Curie ${i}` }),
      },
      { kind: '(a) score 72 → 73 (many read it, no transition)', properties: () => ({ score: 73 }) },
      {
        kind: `(b) jobtitle → Bench enroll (enters ${ENROLLING})`,
        properties: () => ({ jobtitle: 'Bench enroll' }),
      },
    ];
    const figures: ChangeFigure[] = [];
    for (const { kind, properties } of kinds) {
      for (const [i, id] of ids.entries()) await services.records.update('contacts', id, properties(i));
      const changes = await deliver();
      // A warm-up decision, not measured: the JIT and the cache are ready when the measure starts.
      counter.take();
      const cpu: number[] = [];
      const wall: number[] = [];
      const perChange: Map<string, number>[] = [];
      const enrolls: number[] = [];
      const skips: number[] = [];
      for (const change of changes) {
        counter.take();
        const started = performance.now();
        const before = process.cpuUsage();
        const decisions = await enrollment.onRecordChanged(change);
        const used = process.cpuUsage(before);
        wall.push(performance.now() - started);
        cpu.push(used.user + used.system);
        perChange.push(counter.take());
        enrolls.push(decisions.filter((d) => d.kind === 'enroll').length);
        skips.push(decisions.filter((d) => d.kind === 'skip').length);
      }
      const names = new Set(perChange.flatMap((c) => [...c.keys()]));
      figures.push({
        kind,
        changes: changes.length,
        cpuMicros: Math.round(median(cpu)),
        wallMs: Math.round(median(wall) * 100) / 100,
        requests: Object.fromEntries([...names].map((n) => [n, median(perChange.map((c) => c.get(n) ?? 0))])),
        totalRequests: median(perChange.map((c) => [...c.values()].reduce((s, n) => s + n, 0))),
        enrolls: median(enrolls),
        skips: median(skips),
      });
    }
    return { criteria: name, workflows: criteria.length, figures };
  } finally {
    await db.close();
  }
};

/** The parts of the API's answers the bench reads: an id, a page of history lines. */
interface Answer {
  readonly id: string;
  readonly results: readonly { readonly at: string }[];
  readonly nextCursor?: string | null;
}

export interface BusResult {
  readonly workflows: number;
  readonly contacts: number;
  readonly enrolled: number;
  readonly seconds: number;
  readonly changesPerSecond: number;
  readonly postsPerSecond: number;
}

/**
 * Through `npm start`'s runtime: contacts posted over HTTP (a bounded number in flight), each entering two of
 * `BUS_WORKFLOWS` active workflows by its city; from the first post to the last `enrolled` history line.
 */
const runThroughBus = (): Promise<BusResult> =>
  withBenchRuntime({ name: 'enroll-bench' }, async ({ runtime, call }) => {
    const cities = BUS_WORKFLOWS / 2;
    const workflowIds: string[] = [];
    for (let i = 0; i < BUS_WORKFLOWS; i++) {
      const workflow: Answer = await call('POST', '/workflows', {
        name: `Bus ${i}`,
        objectType: 'contacts',
        enrollment: {
          trigger: 'criteria',
          criteria: [
            {
              filters: [
                { property: 'city', operator: 'eq', value: `City ${i % cities}` },
                { property: 'lifecyclestage', operator: 'in', values: ['lead', 'customer'] },
              ],
            },
          ],
        },
        startActionId: null,
        actions: [],
      });
      await call('POST', `/workflows/${workflow.id}/activate`, { enrollExisting: false });
      workflowIds.push(workflow.id);
    }

    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < BUS_CONTACTS) {
        const i = next++;
        await call('POST', '/objects/contacts', {
          properties: { email: `bus-${i}@example.com`, city: `City ${i % cities}`, lifecyclestage: 'lead' },
        });
      }
    };
    await Promise.all(Array.from({ length: BUS_CONCURRENCY }, worker));
    const posted = Date.now();
    await runtime.changes.drain();
    await runtime.bus.settle();

    let enrolled = 0;
    let last = started;
    for (const id of workflowIds) {
      let cursor: string | undefined;
      do {
        const query = new URLSearchParams({ event: 'enrolled', limit: '100', ...(cursor ? { cursor } : {}) });
        const page: Answer = await call('GET', `/workflows/${id}/history?${query}`);
        if (cursor === undefined && page.results[0]) last = Math.max(last, Date.parse(page.results[0].at));
        enrolled += page.results.length;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
    }
    const seconds = (last - started) / 1_000;
    return {
      workflows: BUS_WORKFLOWS,
      contacts: BUS_CONTACTS,
      enrolled,
      seconds,
      changesPerSecond: BUS_CONTACTS / seconds,
      postsPerSecond: BUS_CONTACTS / ((posted - started) / 1_000),
    };
  });

export interface ExistingFigure {
  readonly records: number;
  readonly seedSeconds: number;
  readonly enrolled: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly heapBeforeMiB: number;
  readonly heapPeakMiB: number;
  /** The peak of the heap after a full collection, sampled every second. */
  readonly liveHeapPeakMiB: number;
  readonly heapAfterMiB: number;
  readonly rssBeforeMiB: number;
  readonly rssPeakMiB: number;
}

/**
 * `enrollExisting` over `records` contacts in in-memory dynalite: the activation's first step, then its
 * checkpoints continued to the end, memory sampled every 100 ms. The table is in this process's heap too, so
 * what `enrollExisting` itself holds is the peak above the heap before (collected) and the heap after.
 */
const runExisting = async (records: number): Promise<ExistingFigure> => {
  const db = await startLocalDynamoDB();
  try {
    const { services, activation } = createDynamoDBCrmServices({
      client: db.client,
      tableName: db.tableName,
      clock: { now: () => new Date() },
      newId: randomUUID,
      actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
      publish: async () => {},
    });
    const seedStart = performance.now();
    await seedContacts(db, records, (i) => ({ firstname: `Contact ${i}`, score: i % 100 }));
    const seedSeconds = (performance.now() - seedStart) / 1_000;
    const workflow = await services.workflows.create({
      name: 'Existing',
      objectType: 'contacts',
      enrollment: {
        trigger: 'criteria',
        criteria: [{ filters: [{ property: 'score', operator: 'gte', value: 90 }] }],
      },
      startActionId: null,
      actions: [],
    });

    collect();
    const before = process.memoryUsage();
    let heapPeak = before.heapUsed;
    let rssPeak = before.rss;
    const sample = () => {
      const now = process.memoryUsage();
      heapPeak = Math.max(heapPeak, now.heapUsed);
      rssPeak = Math.max(rssPeak, now.rss);
    };
    // Every second, the live heap too (after a full collection): the raw peak is mostly uncollected garbage.
    let livePeak = before.heapUsed;
    let ticks = 0;
    const sampler = setInterval(() => {
      if (++ticks % 10 === 0) {
        collect();
        livePeak = Math.max(livePeak, process.memoryUsage().heapUsed);
      }
      sample();
    }, 100);
    const started = performance.now();
    await activation.activate(workflow.id, { enrollExisting: true });
    while ((await activation.continueUnfinished()) > 0) {}
    const seconds = (performance.now() - started) / 1_000;
    clearInterval(sampler);
    sample();
    collect();
    const after = process.memoryUsage();
    let enrolled = 0;
    let cursor: string | null | undefined;
    do {
      const batch = await services.enrollments.page(workflow.id, 'active', {
        limit: 1_000,
        ...(cursor ? { cursor } : {}),
      });
      enrolled += batch.results.length;
      cursor = batch.nextCursor;
    } while (cursor !== null);
    return {
      records,
      seedSeconds: Math.round(seedSeconds * 10) / 10,
      enrolled,
      seconds: Math.round(seconds * 10) / 10,
      recordsPerSecond: Math.round(records / seconds),
      heapBeforeMiB: mib(before.heapUsed),
      heapPeakMiB: mib(heapPeak),
      liveHeapPeakMiB: mib(livePeak),
      heapAfterMiB: mib(after.heapUsed),
      rssBeforeMiB: mib(before.rss),
      rssPeakMiB: mib(rssPeak),
    };
  } finally {
    await db.close();
  }
};

export interface EnrollmentBenchResult {
  readonly perChange: readonly PerChangeResult[];
  /** Absent when `ENROLL_BENCH_PARTS` leaves it out. */
  readonly bus?: BusResult;
  readonly existing: readonly ExistingFigure[];
}

export async function runEnrollmentBench(): Promise<EnrollmentBenchResult> {
  const perChange = PARTS.has('per-change')
    ? [
        await runPerChange(
          'generated (10 filters, some on associated records and lists)',
          (groups) => groups,
        ),
        await runPerChange('generated, properties only (surroundings-free)', propertiesOnly),
      ]
    : [];
  const bus = PARTS.has('bus') ? await runThroughBus() : undefined;
  const existing: ExistingFigure[] = [];
  if (PARTS.has('existing')) for (const size of EXISTING_SIZES) existing.push(await runExisting(size));
  return { perChange, ...(bus ? { bus } : {}), existing };
}

export const printEnrollmentBench = (result: EnrollmentBenchResult): void => {
  for (const run of result.perChange) {
    console.log(
      `\nOne change against ${run.workflows} active contacts workflows (criteria: ${run.criteria}; in-memory ` +
        `dynalite, cache warm, median over ${CHANGES} changes)`,
    );
    const seen = new Set(run.figures.flatMap((f) => Object.keys(f.requests)));
    const commands = [
      ...COMMAND_ORDER.filter((n) => seen.has(n)),
      ...[...seen].filter((n) => !COMMAND_ORDER.includes(n)).sort(),
    ];
    console.table(
      run.figures.map((f) => ({
        change: f.kind,
        'CPU (µs)': f.cpuMicros,
        'wall (ms)': f.wallMs,
        ...Object.fromEntries(commands.map((n) => [n, f.requests[n] ?? 0])),
        requests: f.totalRequests,
        enrolls: f.enrolls,
        skips: f.skips,
      })),
    );
    for (const f of run.figures.filter((f) => f.kind.startsWith('(a)') && f.enrolls === 0 && f.skips === 0)) {
      console.log(
        `target: ${f.kind} enrolls nothing in ≤ ${NOTHING_TARGET} requests: ` +
          `${f.totalRequests <= NOTHING_TARGET ? 'met' : 'NOT met'} (${f.totalRequests})`,
      );
    }
  }
  const { bus } = result;
  if (bus) {
    console.log(
      `\nThrough the embedded runtime (HTTP, ${BUS_CONCURRENCY} posts in flight, ${bus.workflows} active workflows): ` +
        `${bus.contacts} contacts posted at ${Math.round(bus.postsPerSecond)}/s; ${bus.enrolled} enrolled lines; ` +
        `${Math.round(bus.changesPerSecond)} changes/s from the first post to the last enrolled line (${bus.seconds.toFixed(1)} s)`,
    );
  }
  if (result.existing.length === 0) return;
  console.log(
    `\nenrollExisting (one workflow, ${EXISTING_MATCH}, in-memory dynalite, memory sampled every 100 ms)`,
  );
  console.table(
    result.existing.map((f) => ({
      records: f.records,
      'seed (s)': f.seedSeconds,
      enrolled: f.enrolled,
      'run (s)': f.seconds,
      'records/s': f.recordsPerSecond,
      'heap before (MiB)': f.heapBeforeMiB,
      'heap peak (MiB)': f.heapPeakMiB,
      'live peak (MiB)': f.liveHeapPeakMiB,
      'live peak − before': Math.round((f.liveHeapPeakMiB - f.heapBeforeMiB) * 10) / 10,
      'heap after (MiB)': f.heapAfterMiB,
      'after − before': Math.round((f.heapAfterMiB - f.heapBeforeMiB) * 10) / 10,
      'live peak − after': Math.round((f.liveHeapPeakMiB - f.heapAfterMiB) * 10) / 10,
      'RSS before (MiB)': f.rssBeforeMiB,
      'RSS peak (MiB)': f.rssPeakMiB,
    })),
  );
  if (result.existing.length > 1) {
    // What the run holds beyond what stays (the table's new enrollments and history, in this process's heap).
    const working = result.existing.map((f) => f.liveHeapPeakMiB - f.heapAfterMiB);
    const ratio = result.existing.at(-1)!.records / result.existing[0]!.records;
    const flat = working.at(-1)! <= working[0]! + 8;
    console.log(
      `target: memory flat in the number of records (live heap peak above the heap after, ${ratio.toFixed(1)}× ` +
        `the records): ${flat ? 'met' : 'NOT met'} (${working.map((g) => `${g.toFixed(1)} MiB`).join(' vs ')})`,
    );
    // What stays grows with the enrollments: the table's new items share this heap, so they are not told apart.
    const retained = result.existing.map(
      (f) => `${(((f.heapAfterMiB - f.heapBeforeMiB) * 1_024) / Math.max(f.enrolled, 1)).toFixed(1)} KiB`,
    );
    console.log(
      `retained after the run (heap after − before) per enrolled record: ${retained.join(' vs ')} ` +
        '(the new enrollment and history items in dynalite, in this heap, included)',
    );
  }
};

if (import.meta.main) {
  printEnrollmentBench(await runEnrollmentBench());
}
