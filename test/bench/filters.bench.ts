import { Bench } from 'tinybench';
import { sharingKeyOf } from '../../shared/core/filters/compile-filter.ts';
import { createCriteriaIndex } from '../../shared/core/filters/criteria-index.ts';
import type { FilterGroups } from '../../shared/core/filters/filter.schema.ts';
import type { FilterInput } from '../../shared/core/filters/filter-input.ts';
import { matchFilters } from '../../shared/core/filters/match-filters.ts';
import { generateVariedCriteria, VARIED_CONTACT } from './filters-varied-workload.ts';
import { CONTACT, generateCriteria, siftDocument, toClosure, toSift } from './filters-workload.ts';

const WORKFLOWS = 1_000;
const FILTERS_PER_WORKFLOW = 10;

/** Criteria to measure against one contact, and the one property whose change drives the indexed run. */
export interface FilterWorkload {
  readonly name: string;
  readonly description: string;
  readonly contact: FilterInput;
  readonly criteria: readonly FilterGroups[];
  readonly changedProperty: string;
  /** True for the workload the targets are set on; the others are reported beside it. */
  readonly gated: boolean;
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
    gated: true,
  },
  {
    name: 'varied',
    description: 'values from large pools, numbers and dates spread widely',
    contact: VARIED_CONTACT,
    criteria: generateVariedCriteria(WORKFLOWS, FILTERS_PER_WORKFLOW),
    // One custom property of a hundred, as most changes are.
    changedProperty: 'text_0',
    // Reported, not gated: 10,000 distinct compiled filters outgrow the CPU caches, and there even
    // hand-written closures fall short of 30× sift (the formatted result shows their ratio too).
    gated: false,
  },
];

/** One workflow's criteria in every form the benchmark runs. */
export interface PreparedWorkflow {
  readonly id: string;
  readonly criteria: FilterGroups;
  readonly sift: (doc: unknown) => boolean;
  readonly closure: (input: FilterInput) => boolean;
  readonly memoisedClosure: (input: FilterInput) => boolean;
}

/** A workload ready to time: its forms built once, as their callers would, and checked to agree. */
export interface PreparedWorkload {
  readonly workload: FilterWorkload;
  readonly workflows: readonly PreparedWorkflow[];
  readonly document: Record<string, unknown>;
  readonly matching: number;
  readonly distinctFilters: number;
}

/** Builds the workload's three forms and throws when any of them disagrees with matchFilters on a workflow. */
export const prepareWorkload = (workload: FilterWorkload): PreparedWorkload => {
  const workflows = workload.criteria.map((criteria, i) => ({
    id: `wf_${i}`,
    criteria,
    sift: toSift(criteria),
    closure: toClosure(criteria),
    memoisedClosure: toClosure(criteria, true),
  }));
  const { contact } = workload;
  const document = siftDocument(contact);
  let matching = 0;
  for (const workflow of workflows) {
    const engine = matchFilters(workflow.criteria, contact);
    const bySift = workflow.sift(document);
    const byClosure = workflow.closure(contact);
    const byMemoisedClosure = workflow.memoisedClosure(contact);
    if (engine !== bySift || engine !== byClosure || engine !== byMemoisedClosure) {
      throw new Error(
        `${workload.name} ${workflow.id} disagrees: matchFilters ${engine}, sift ${bySift}, closures ${byClosure}` +
          ` (memoised ${byMemoisedClosure})\n` +
          JSON.stringify(workflow.criteria),
      );
    }
    if (engine) matching += 1;
  }
  const keys = new Set(
    workload.criteria.flatMap((groups) =>
      groups.flatMap((group) => group.filters.map((f) => sharingKeyOf(f))),
    ),
  );
  return { workload, workflows, document, matching, distinctFilters: keys.size };
};

/** What one workload measured: one "operation" evaluates the contact against every workflow. */
export interface FilterWorkloadResult {
  readonly name: string;
  readonly description: string;
  readonly workflows: number;
  readonly filtersPerWorkflow: number;
  /** Filters that differ, as the engine's sharing of equal compiled filters sees them. */
  readonly distinctFilters: number;
  readonly matchingWorkflows: number;
  readonly opsPerSecond: {
    readonly matchFilters: number;
    readonly sift: number;
    readonly closures: number;
    /** The hand-written closures given the engine's memoised lowercasing and date parsing. */
    readonly memoisedClosures: number;
    readonly indexed: number;
  };
  /** Workflows the index selected (and evaluated) for a change of `changedProperty`. */
  readonly indexed: {
    readonly changedProperty: string;
    readonly evaluated: number;
  };
  readonly ratios: { readonly matchFiltersOverSift: number; readonly closuresOverMatchFilters: number };
  readonly targetsMet: boolean;
}

/** What `runFilterBench` measured, workload by workload; `targetsMet` only when every workload met them. */
export interface FilterBenchResult {
  readonly workloads: readonly FilterWorkloadResult[];
  readonly targetsMet: boolean;
}

const MATCH_FILTERS_OVER_SIFT_TARGET = 30;
const CLOSURES_OVER_MATCH_FILTERS_TARGET = 10;

const runWorkload = async (prepared: PreparedWorkload): Promise<FilterWorkloadResult> => {
  // Prepare
  const { workload, workflows, document } = prepared;
  const { contact, changedProperty } = workload;
  const index = createCriteriaIndex(workflows);
  const byId = new Map(workflows.map((workflow) => [workflow.id, workflow]));
  const change = { ...contact, changedProperties: [changedProperty] };
  const evaluated = index.affected({ changedProperties: [changedProperty] }).length;

  // The sink keeps the JIT from discarding evaluations whose results nobody reads.
  let sink = 0;
  // A long warm-up: each hand-written closure is its own function, and a thousand of them take seconds to be
  // optimised by the JIT (the engine's few shared closures are hot within milliseconds).
  const bench = new Bench({ time: 1_500, warmupTime: 4_000 });
  bench
    .add('matchFilters', () => {
      for (const workflow of workflows) if (matchFilters(workflow.criteria, contact)) sink += 1;
    })
    .add('sift', () => {
      for (const workflow of workflows) if (workflow.sift(document)) sink += 1;
    })
    .add('closures', () => {
      for (const workflow of workflows) if (workflow.closure(contact)) sink += 1;
    })
    .add('closures, memoised', () => {
      for (const workflow of workflows) if (workflow.memoisedClosure(contact)) sink += 1;
    })
    .add('matchFilters + index', () => {
      for (const id of index.affected({ changedProperties: [changedProperty] })) {
        if (matchFilters(byId.get(id)!.criteria, change)) sink += 1;
      }
    });
  await bench.run();
  if (sink < 0) throw new Error('unreachable');

  // Assess
  const opsPerSecond = (name: string): number => {
    const result = bench.getTask(name)?.result;
    if (result?.state !== 'completed')
      throw new Error(`benchmark "${workload.name} ${name}" did not complete`);
    // The median sample, not the mean: other processes on a shared machine add outliers, not signal.
    return 1_000 / result.latency.p50;
  };
  const ops = {
    matchFilters: opsPerSecond('matchFilters'),
    sift: opsPerSecond('sift'),
    closures: opsPerSecond('closures'),
    memoisedClosures: opsPerSecond('closures, memoised'),
    indexed: opsPerSecond('matchFilters + index'),
  };
  const ratios = {
    matchFiltersOverSift: ops.matchFilters / ops.sift,
    // The faster of the two hand-written forms is the practical limit.
    closuresOverMatchFilters: Math.max(ops.closures, ops.memoisedClosures) / ops.matchFilters,
  };
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
    targetsMet:
      ratios.matchFiltersOverSift >= MATCH_FILTERS_OVER_SIFT_TARGET &&
      ratios.closuresOverMatchFilters <= CLOSURES_OVER_MATCH_FILTERS_TARGET,
  };
};

/** Benchmarks the filter engine against sift and hand-written closures on each workload of 1,000 workflows. */
export async function runFilterBench(): Promise<FilterBenchResult> {
  // Every workload is checked before any is timed: a disagreement fails fast.
  const prepared = filterWorkloads().map(prepareWorkload);
  const workloads: FilterWorkloadResult[] = [];
  for (const workload of prepared) workloads.push(await runWorkload(workload));
  const targetsMet = workloads.every((result, i) => result.targetsMet || !prepared[i]?.workload.gated);
  return { workloads, targetsMet };
}

const formatWorkload = (result: FilterWorkloadResult): string => {
  const row = (label: string, ops: number) => `  ${label.padEnd(24)} ${ops.toFixed(0).padStart(10)} ops/s`;
  const filters = result.workflows * result.filtersPerWorkflow;
  return [
    `filters, ${result.name} (${result.description}): 1 contact × ${result.workflows} workflows × ` +
      `${result.filtersPerWorkflow} filters, ${result.distinctFilters} of ${filters} distinct ` +
      `(${result.matchingWorkflows} match)`,
    row('matchFilters', result.opsPerSecond.matchFilters),
    row('sift', result.opsPerSecond.sift),
    row('hand-written closures', result.opsPerSecond.closures),
    row('  the same, memoised', result.opsPerSecond.memoisedClosures),
    row('matchFilters + index', result.opsPerSecond.indexed),
    `  index: a change of "${result.indexed.changedProperty}" evaluates ${result.indexed.evaluated} of ` +
      `${result.workflows} (the others do not read it: not evaluated at all)`,
    `  matchFilters / sift      ${result.ratios.matchFiltersOverSift.toFixed(1)}× (target ≥ ${MATCH_FILTERS_OVER_SIFT_TARGET}×)`,
    `  closures / matchFilters  ${result.ratios.closuresOverMatchFilters.toFixed(1)}× (target ≤ ${CLOSURES_OVER_MATCH_FILTERS_TARGET}×)`,
    `  closures / sift          ${(result.opsPerSecond.closures / result.opsPerSecond.sift).toFixed(1)}× (the practical limit)`,
    `  targets ${result.targetsMet ? 'met' : 'NOT met'}`,
  ].join('\n');
};

/** Prints a result as one small table per workload. */
export const formatFilterBench = (result: FilterBenchResult): string =>
  [
    ...result.workloads.map(formatWorkload),
    `filters: targets ${result.targetsMet ? 'met' : 'NOT met'} on the repeated workload (the issue's); the varied one is reported beside it`,
  ].join('\n\n');

if (import.meta.main) {
  console.log(formatFilterBench(await runFilterBench()));
}
