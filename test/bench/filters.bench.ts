import { Bench, type TimestampProvider } from 'tinybench';
import { type BatchMatcher, createBatchMatcher } from '../../shared/core/filters/batch-matcher.ts';
import { sharingKeyOf } from '../../shared/core/filters/compile-filter.ts';
import { createCriteriaIndex } from '../../shared/core/filters/criteria-index.ts';
import type { FilterGroups } from '../../shared/core/filters/filter.schema.ts';
import type { FilterInput } from '../../shared/core/filters/filter-input.ts';
import { matchFilters } from '../../shared/core/filters/match-filters.ts';
import { generateVariedCriteria, VARIED_CONTACT } from './filters-varied-workload.ts';
import {
  CONTACT,
  contactVariant,
  generateCriteria,
  type NormalisedRecord,
  normalise,
  siftDocument,
  toClosure,
  toSift,
} from './filters-workload.ts';

const WORKFLOWS = 1_000;

/** tinybench's clock: the process's CPU time (user + system, all threads), in milliseconds. */
const CPU_TIME: TimestampProvider = {
  name: 'process.cpuUsage',
  fn: () => {
    const used = process.cpuUsage();
    return (used.user + used.system) / 1_000;
  },
  fromMs: (ms) => ms,
  toMs: (value) => Number(value),
};
const FILTERS_PER_WORKFLOW = 10;

/** Criteria to measure against one contact, and the one property whose change drives the indexed run. */
export interface FilterWorkload {
  readonly name: string;
  readonly description: string;
  readonly contact: FilterInput;
  readonly criteria: readonly FilterGroups[];
  readonly changedProperty: string;
}

/**
 * The two workloads: `repeated` draws values from small pools, as one portal's workflows repeat the same stages
 * and countries, and so favours the engine's sharing of equal filters; `varied` makes (nearly) every filter
 * distinct, so that sharing gains nothing.
 */
export const filterWorkloads = (): FilterWorkload[] => [
  {
    name: 'repeated',
    description: 'values from small pools',
    contact: CONTACT,
    criteria: generateCriteria(WORKFLOWS, FILTERS_PER_WORKFLOW),
    // A common property, referenced by many workflows.
    changedProperty: 'city',
  },
  {
    name: 'varied',
    description: 'values from large pools, numbers and dates spread widely',
    contact: VARIED_CONTACT,
    criteria: generateVariedCriteria(WORKFLOWS, FILTERS_PER_WORKFLOW),
    // One custom property of a hundred, as most changes are.
    changedProperty: 'text_0',
  },
];

/** One workflow's criteria in every form the benchmark runs. */
export interface PreparedWorkflow {
  readonly id: string;
  readonly criteria: FilterGroups;
  readonly sift: (doc: unknown) => boolean;
  readonly closure: (record: NormalisedRecord) => boolean;
}

/** A workload ready to time: its forms built once, as their callers would, and checked to agree. */
export interface PreparedWorkload {
  readonly workload: FilterWorkload;
  readonly workflows: readonly PreparedWorkflow[];
  readonly batch: BatchMatcher;
  readonly document: Record<string, unknown>;
  /** The contact and two variants of it (`contactVariant`), read in turn: few remembered verdicts apply. */
  readonly rotation: readonly { readonly contact: FilterInput; readonly document: Record<string, unknown> }[];
  readonly matching: number;
  readonly distinctFilters: number;
}

/** Builds the workload's forms and throws when any of them disagrees with matchFilters on a workflow. */
export const prepareWorkload = (workload: FilterWorkload): PreparedWorkload => {
  const workflows = workload.criteria.map((criteria, i) => ({
    id: `wf_${i}`,
    criteria,
    sift: toSift(criteria),
    closure: toClosure(criteria),
  }));
  const { contact } = workload;
  const document = siftDocument(contact);
  const normalised = normalise(contact);
  const batch = createBatchMatcher(workflows);
  const byBatch = new Set(batch.match(contact));
  let matching = 0;
  for (const workflow of workflows) {
    const engine = matchFilters(workflow.criteria, contact);
    const bySift = workflow.sift(document);
    const byClosure = workflow.closure(normalised);
    const inBatch = byBatch.has(workflow.id);
    if (engine !== bySift || engine !== byClosure || engine !== inBatch) {
      throw new Error(
        `${workload.name} ${workflow.id} disagrees: matchFilters ${engine}, sift ${bySift}, closure ${byClosure},` +
          ` batch ${inBatch}\n${JSON.stringify(workflow.criteria)}`,
      );
    }
    if (engine) matching += 1;
  }
  const rotation = [contact, contactVariant(contact, 1), contactVariant(contact, 2)].map((each) => ({
    contact: each,
    document: siftDocument(each),
  }));
  for (const { contact: each, document: eachDocument } of rotation.slice(1)) {
    for (const workflow of workflows) {
      if (matchFilters(workflow.criteria, each) !== workflow.sift(eachDocument))
        throw new Error(`${workload.name} ${workflow.id} disagrees with sift on a variant of the contact`);
    }
  }
  const keys = new Set(
    workload.criteria.flatMap((groups) =>
      groups.flatMap((group) => group.filters.map((f) => sharingKeyOf(f))),
    ),
  );
  return { workload, workflows, batch, document, rotation, matching, distinctFilters: keys.size };
};

/** Operations per second of each form; one operation reads the contact against every workflow. */
export interface FilterOps {
  readonly sift: number;
  /** Hand-written closures over the contact normalised once (the normalisation counted). */
  readonly closures: number;
  /** `matchFilters`, one workflow at a time. */
  readonly matchFilters: number;
  /** The batch matcher over every workflow. */
  readonly batch: number;
  /** `matchFilters` on the workflows the criteria index selects for a change of `changedProperty`. */
  readonly indexed: number;
  /** The batch matcher on the same selection (`matchAffected`). */
  readonly batchIndexed: number;
  /** `sift` on three contacts in turn (`PreparedWorkload.rotation`), one an operation. */
  readonly siftInTurn: number;
  /** `matchFilters` on the same three in turn: few verdicts remembered from the operation before apply. */
  readonly matchFiltersInTurn: number;
  /** The batch matcher on the same three in turn. */
  readonly batchInTurn: number;
}

/** The ratios the targets are set on. */
export interface FilterRatios {
  readonly batchOverSift: number;
  readonly batchOverClosures: number;
  readonly matchFiltersOverSift: number;
}

/** What one workload measured. */
export interface FilterWorkloadResult {
  readonly name: string;
  readonly description: string;
  readonly workflows: number;
  readonly filtersPerWorkflow: number;
  /** Filters that differ, as the engine's sharing of equal compiled filters sees them. */
  readonly distinctFilters: number;
  readonly matchingWorkflows: number;
  readonly opsPerSecond: FilterOps;
  /** Workflows the index selected (and evaluated) for a change of `changedProperty`. */
  readonly indexed: {
    readonly changedProperty: string;
    readonly evaluated: number;
  };
  readonly ratios: FilterRatios;
  readonly targets: FilterRatios;
  readonly targetsMet: boolean;
}

/** What `runFilterBench` measured, workload by workload; `targetsMet` only when every workload met them. */
export interface FilterBenchResult {
  readonly workloads: readonly FilterWorkloadResult[];
  readonly targetsMet: boolean;
}

/** The targets by workload: the batch against sift and the hand-written closures, matchFilters against sift. */
const TARGETS: Readonly<Record<string, FilterRatios>> = {
  repeated: { batchOverSift: 50, batchOverClosures: 1, matchFiltersOverSift: 30 },
  varied: { batchOverSift: 30, batchOverClosures: 0.5, matchFiltersOverSift: 30 },
};

const runWorkload = async (prepared: PreparedWorkload): Promise<FilterWorkloadResult> => {
  // Prepare
  const { workload, workflows, document, batch, rotation } = prepared;
  const { contact, changedProperty } = workload;
  const index = createCriteriaIndex(workflows);
  const byId = new Map(workflows.map((workflow) => [workflow.id, workflow]));
  const change = { ...contact, changedProperties: [changedProperty] };
  const touched = { changedProperties: [changedProperty] };
  const evaluated = index.affected(touched).length;

  // The sink keeps the JIT from discarding evaluations whose results nobody reads.
  let sink = 0;
  // The contact of the rotation the last operation read.
  let turn = 0;
  // Timed in this process's CPU time (every thread's, so sift's garbage collection counts), not wall time: on a
  // machine shared with other work, a task preempted mid-sample would otherwise be charged for the others' time.
  // Each task is warmed up right before it is measured, from a fully collected heap (`--expose-gc`, as
  // `npm run bench` runs): no task pays for the garbage of the one before it (sift leaves the most), and no
  // warmed-up code goes through other tasks' collections before its measurement (V8 may drop the compiled code of
  // functions unused across collections: with every warm-up first and every measurement after, a collection
  // before each measurement halved the hand-written closures' figure). A long warm-up: each hand-written closure
  // is its own function, and a thousand of them take seconds to be optimised by the JIT (the engine's few shared
  // closures are hot within milliseconds).
  if (!globalThis.gc)
    console.warn('filters bench: run node with --expose-gc, or each task starts on the heap the last left');
  const opsPerSecond = async (name: string, task: () => void): Promise<number> => {
    globalThis.gc?.();
    const bench = new Bench({ time: 1_500, warmupTime: 4_000, timestampProvider: CPU_TIME });
    bench.add(name, task);
    await bench.run();
    const result = bench.getTask(name)?.result;
    if (result?.state !== 'completed')
      throw new Error(`benchmark "${workload.name} ${name}" did not complete`);
    // The mean of the samples: CPU time excludes the time other processes hold the cores, and its clock ticks
    // in microseconds, too coarse for one short sample but exact over the thousands of a task.
    return 1_000 / result.latency.mean;
  };
  const ops: FilterOps = {
    sift: await opsPerSecond('sift', () => {
      for (const workflow of workflows) if (workflow.sift(document)) sink += 1;
    }),
    closures: await opsPerSecond('closures', () => {
      const record = normalise(contact);
      for (const workflow of workflows) if (workflow.closure(record)) sink += 1;
    }),
    matchFilters: await opsPerSecond('matchFilters', () => {
      for (const workflow of workflows) if (matchFilters(workflow.criteria, contact)) sink += 1;
    }),
    batch: await opsPerSecond('batch', () => {
      sink += batch.match(contact).length;
    }),
    indexed: await opsPerSecond('matchFilters + index', () => {
      for (const id of index.affected(touched)) {
        if (matchFilters(byId.get(id)!.criteria, change)) sink += 1;
      }
    }),
    batchIndexed: await opsPerSecond('batch + index', () => {
      sink += batch.matchAffected(change, touched).length;
    }),
    siftInTurn: await opsPerSecond('sift, contacts in turn', () => {
      turn = (turn + 1) % rotation.length;
      const { document: current } = rotation[turn]!;
      for (const workflow of workflows) if (workflow.sift(current)) sink += 1;
    }),
    matchFiltersInTurn: await opsPerSecond('matchFilters, contacts in turn', () => {
      turn = (turn + 1) % rotation.length;
      const { contact: current } = rotation[turn]!;
      for (const workflow of workflows) if (matchFilters(workflow.criteria, current)) sink += 1;
    }),
    batchInTurn: await opsPerSecond('batch, contacts in turn', () => {
      turn = (turn + 1) % rotation.length;
      sink += batch.match(rotation[turn]!.contact).length;
    }),
  };
  if (sink < 0) throw new Error('unreachable');

  const ratios: FilterRatios = {
    batchOverSift: ops.batch / ops.sift,
    batchOverClosures: ops.batch / ops.closures,
    matchFiltersOverSift: ops.matchFilters / ops.sift,
  };
  const targets = TARGETS[workload.name]!;
  return {
    name: workload.name,
    description: workload.description,
    workflows: workflows.length,
    filtersPerWorkflow: FILTERS_PER_WORKFLOW,
    distinctFilters: prepared.distinctFilters,
    matchingWorkflows: prepared.matching,
    opsPerSecond: ops,
    indexed: { changedProperty, evaluated },
    ratios,
    targets,
    targetsMet: targetsMet(ratios, targets),
  };
};

/** True when every ratio reaches its target. */
export const targetsMet = (ratios: FilterRatios, targets: FilterRatios): boolean =>
  ratios.batchOverSift >= targets.batchOverSift &&
  ratios.batchOverClosures >= targets.batchOverClosures &&
  ratios.matchFiltersOverSift >= targets.matchFiltersOverSift;

/** Benchmarks the filter engine against sift and hand-written closures on each workload of 1,000 workflows. */
export async function runFilterBench(): Promise<FilterBenchResult> {
  // Every workload is checked before any is timed: a disagreement fails fast.
  const prepared = filterWorkloads().map(prepareWorkload);
  const workloads: FilterWorkloadResult[] = [];
  for (const workload of prepared) workloads.push(await runWorkload(workload));
  return { workloads, targetsMet: workloads.every((result) => result.targetsMet) };
}

const formatWorkload = (result: FilterWorkloadResult): string => {
  const row = (label: string, ops: number) => `  ${label.padEnd(24)} ${ops.toFixed(0).padStart(10)} ops/s`;
  const ratio = (label: string, value: number, target: number) =>
    `  ${label.padEnd(24)} ${value.toFixed(2).padStart(7)}× (target ≥ ${target}×)`;
  const filters = result.workflows * result.filtersPerWorkflow;
  const { opsPerSecond: ops, ratios, targets } = result;
  return [
    `filters, ${result.name} (${result.description}): 1 contact × ${result.workflows} workflows × ` +
      `${result.filtersPerWorkflow} filters, ${result.distinctFilters} of ${filters} distinct ` +
      `(${result.matchingWorkflows} match)`,
    row('sift', ops.sift),
    row('hand-written closures', ops.closures),
    row('matchFilters', ops.matchFilters),
    row('batch matcher', ops.batch),
    row('matchFilters + index', ops.indexed),
    row('batch matcher + index', ops.batchIndexed),
    `  index: a change of "${result.indexed.changedProperty}" evaluates ${result.indexed.evaluated} of ` +
      `${result.workflows} (the others do not read it: not evaluated at all)`,
    ratio('batch / sift', ratios.batchOverSift, targets.batchOverSift),
    ratio('batch / closures', ratios.batchOverClosures, targets.batchOverClosures),
    ratio('matchFilters / sift', ratios.matchFiltersOverSift, targets.matchFiltersOverSift),
    `  closures / sift          ${(ops.closures / ops.sift).toFixed(2).padStart(7)}×`,
    row('sift, 3 contacts in turn', ops.siftInTurn),
    row('matchFilters, in turn', ops.matchFiltersInTurn),
    row('batch matcher, in turn', ops.batchInTurn),
    `  matchFilters / sift, 3 contacts in turn (few verdicts remembered from one operation apply to the next; no target) ` +
      `${(ops.matchFiltersInTurn / ops.siftInTurn).toFixed(2)}×`,
    `  targets ${result.targetsMet ? 'met' : 'NOT met'}`,
  ].join('\n');
};

/** Prints a result as one small table per workload. */
export const formatFilterBench = (result: FilterBenchResult): string =>
  [
    ...result.workloads.map(formatWorkload),
    `filters: targets ${result.targetsMet ? 'met' : 'NOT met'} on ${result.workloads.map((w) => w.name).join(' and ')}`,
  ].join('\n\n');

if (import.meta.main) {
  console.log(formatFilterBench(await runFilterBench()));
}
