import { Bench } from 'tinybench';
import { createCriteriaIndex } from '../../shared/filters/criteria-index.ts';
import { matchFilters } from '../../shared/filters/match-filters.ts';
import { CONTACT, generateCriteria, siftDocument, toClosure, toSift } from './filters-workload.ts';

const WORKFLOWS = 1_000;
const FILTERS_PER_WORKFLOW = 10;
/** The single property whose change drives the indexed run: a common one, referenced by many workflows. */
const CHANGED_PROPERTY = 'city';

/** What `runFilterBench` measured: one "operation" evaluates the contact against every workflow. */
export interface FilterBenchResult {
  readonly workflows: number;
  readonly filtersPerWorkflow: number;
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

const MATCH_FILTERS_OVER_SIFT_TARGET = 30;
const CLOSURES_OVER_MATCH_FILTERS_TARGET = 10;

/** Benchmarks the filter engine against sift and hand-written closures on 1,000 generated workflows. */
export async function runFilterBench(): Promise<FilterBenchResult> {
  // Prepare: the same criteria in the three forms, each built once as its caller would.
  const workflows = generateCriteria(WORKFLOWS, FILTERS_PER_WORKFLOW).map((criteria, i) => ({
    id: `wf_${i}`,
    criteria,
    sift: toSift(criteria),
    closure: toClosure(criteria),
    memoisedClosure: toClosure(criteria, true),
  }));
  const document = siftDocument(CONTACT);
  const index = createCriteriaIndex(workflows);
  const byId = new Map(workflows.map((workflow) => [workflow.id, workflow]));
  const change = { ...CONTACT, changedProperties: [CHANGED_PROPERTY] };

  let matching = 0;
  for (const workflow of workflows) {
    const engine = matchFilters(workflow.criteria, CONTACT);
    const bySift = workflow.sift(document);
    const byClosure = workflow.closure(CONTACT);
    const byMemoisedClosure = workflow.memoisedClosure(CONTACT);
    if (engine !== bySift || engine !== byClosure || engine !== byMemoisedClosure) {
      throw new Error(
        `${workflow.id} disagrees: matchFilters ${engine}, sift ${bySift}, closures ${byClosure}` +
          ` (memoised ${byMemoisedClosure})\n` +
          JSON.stringify(workflow.criteria),
      );
    }
    if (engine) matching += 1;
  }
  const evaluated = index.affected({ changedProperties: [CHANGED_PROPERTY] }).length;

  // The sink keeps the JIT from discarding evaluations whose results nobody reads.
  let sink = 0;
  // A long warm-up: each hand-written closure is its own function, and a thousand of them take seconds to be
  // optimised by the JIT (the engine's few shared closures are hot within milliseconds).
  const bench = new Bench({ time: 1_500, warmupTime: 4_000 });
  bench
    .add('matchFilters', () => {
      for (const workflow of workflows) if (matchFilters(workflow.criteria, CONTACT)) sink += 1;
    })
    .add('sift', () => {
      for (const workflow of workflows) if (workflow.sift(document)) sink += 1;
    })
    .add('closures', () => {
      for (const workflow of workflows) if (workflow.closure(CONTACT)) sink += 1;
    })
    .add('closures, memoised', () => {
      for (const workflow of workflows) if (workflow.memoisedClosure(CONTACT)) sink += 1;
    })
    .add('matchFilters + index', () => {
      for (const id of index.affected({ changedProperties: [CHANGED_PROPERTY] })) {
        if (matchFilters(byId.get(id)!.criteria, change)) sink += 1;
      }
    });
  await bench.run();
  if (sink < 0) throw new Error('unreachable');

  // Assess
  const opsPerSecond = (name: string): number => {
    const result = bench.getTask(name)?.result;
    if (result?.state !== 'completed') throw new Error(`benchmark "${name}" did not complete`);
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
    workflows: WORKFLOWS,
    filtersPerWorkflow: FILTERS_PER_WORKFLOW,
    matchingWorkflows: matching,
    opsPerSecond: ops,
    indexed: { changedProperty: CHANGED_PROPERTY, evaluated },
    ratios,
    targetsMet:
      ratios.matchFiltersOverSift >= MATCH_FILTERS_OVER_SIFT_TARGET &&
      ratios.closuresOverMatchFilters <= CLOSURES_OVER_MATCH_FILTERS_TARGET,
  };
}

/** Prints a result as a small table. */
export const formatFilterBench = (result: FilterBenchResult): string => {
  const row = (label: string, ops: number) => `  ${label.padEnd(24)} ${ops.toFixed(0).padStart(10)} ops/s`;
  return [
    `filters: 1 contact × ${result.workflows} workflows × ${result.filtersPerWorkflow} filters ` +
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
    `  targets ${result.targetsMet ? 'met' : 'NOT met'}`,
  ].join('\n');
};

if (import.meta.main) {
  console.log(formatFilterBench(await runFilterBench()));
}
