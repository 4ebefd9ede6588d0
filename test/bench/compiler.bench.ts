import { compileWorkflow } from '../../shared/core/compiler/compile-workflow.ts';
import { worstCaseHistoryEvents } from '../../shared/core/compiler/history-bound.ts';
import { startExecution } from '../../shared/core/executor/start-execution.ts';
import {
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
  WorkflowDefinitionSchema,
} from '../../shared/core/workflow/workflow.schema.ts';
import { nurtureFrenchLeads } from '../fixtures/compiler-workflows.ts';
import { InMemoryWorld } from '../helpers/in-memory-world.ts';
import { runLocally } from '../helpers/run-local.ts';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:crm-workflows-executor';
const NOW = '2026-11-30T08:00:00.000Z';
/** States every execution enters once, whatever its length: the Resume choice and the final Succeed. */
const PER_EXECUTION_STATES = 2;

interface TransitionFigure {
  readonly scenario: string;
  readonly actionsRun: number;
  readonly delaysPassed: number;
  readonly transitions: number;
  readonly perAction: number;
}

export interface CompilerBenchResult {
  readonly transitions: readonly TransitionFigure[];
  readonly extraPerDelay: number;
  readonly large: {
    readonly actions: number;
    readonly compileMs: number;
    readonly bytes: number;
    readonly worstCaseHistoryEvents: number;
  };
  readonly targetsMet: boolean;
}

const ACTION_KINDS: ((i: number) => Record<string, unknown>)[] = [
  (i) => ({ type: 'setProperty', property: 'score', value: i }),
  () => ({ type: 'sendEmail', subject: 'Hello {{firstname}}', body: 'News' }),
  () => ({ type: 'addToList', listId: 'engaged' }),
  () => ({ type: 'createTask', title: 'Call {{firstname}}', due: 'P1D' }),
  () => ({ type: 'webhook', url: 'https://hooks.example.com/crm' }),
];

/** A chain of `count` actions of mixed types, with a delay before each one when `withDelays`. */
const chain = (count: number, withDelays: boolean): WorkflowDefinition => {
  const actions: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    if (withDelays && i > 0) actions.push({ id: `d${i}`, type: 'delay', duration: 'PT1H', next: `a${i}` });
    const next = i + 1 < count ? (withDelays ? `d${i + 1}` : `a${i + 1}`) : null;
    actions.push({ id: `a${i}`, ...(ACTION_KINDS[i % ACTION_KINDS.length]?.(i) ?? {}), next });
  }
  return WorkflowDefinitionSchema.parse({
    name: `Chain of ${count}${withDelays ? ' with delays' : ''}`,
    objectType: 'contacts',
    enrollment: { trigger: 'manual' },
    startActionId: 'a0',
    actions,
  } as WorkflowDefinitionInput);
};

const measureTransitions = async (
  scenario: string,
  workflow: WorkflowDefinition,
  properties: Record<string, string | number>,
) => {
  const world = new InMemoryWorld(NOW);
  world.addWorkflow('wf', 1, workflow);
  const recordId = world.addRecord(workflow.objectType, properties);
  const enrollment = {
    workflowId: 'wf',
    revision: 1,
    enrollmentId: 'e',
    recordId,
    objectType: workflow.objectType,
  };
  const start = startExecution(workflow, enrollment, new Date(NOW), properties);
  if (start.kind !== 'start') throw new Error(`${scenario}: the record left at once`);
  const run = await runLocally(compileWorkflow(workflow, { actionFunctionArn: ARN }), start.input, world);
  if (run.status !== 'succeeded') throw new Error(`${scenario}: the execution ${run.status} (${run.error})`);
  const ran = new Set(run.tasks.map((task) => task.state.replace(/^Run:/, '')));
  const actionsRun = workflow.actions.filter((action) => ran.has(action.id)).length;
  const delaysPassed = workflow.actions.filter((action) => action.type === 'delay').length;
  const transitions = run.entered.length;
  return {
    scenario,
    actionsRun,
    delaysPassed,
    transitions,
    perAction: (transitions - PER_EXECUTION_STATES) / actionsRun,
  } satisfies TransitionFigure;
};

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** State transitions per executed action (from local executions' event logs), and compile cost of 500 actions. */
export async function runCompilerBench(): Promise<CompilerBenchResult> {
  const contact = { firstname: 'Ada', email: 'ada@example.com', score: 60 };
  const plain = await measureTransitions('50 actions in a row', chain(50, false), contact);
  const delayed = await measureTransitions('50 actions, a delay before each', chain(50, true), contact);
  const example = await measureTransitions(
    'workflow.md example (set, delay, branch, task)',
    nurtureFrenchLeads,
    contact,
  );
  const transitions = [plain, delayed, example];
  const extraPerDelay = (delayed.transitions - plain.transitions) / delayed.delaysPassed;

  const large = chain(500, false);
  const timings: number[] = [];
  let definition = compileWorkflow(large, { actionFunctionArn: ARN });
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    definition = compileWorkflow(large, { actionFunctionArn: ARN });
    timings.push(performance.now() - started);
  }
  const result: CompilerBenchResult = {
    transitions,
    extraPerDelay,
    large: {
      actions: large.actions.length,
      compileMs: median(timings),
      bytes: Buffer.byteLength(JSON.stringify(definition)),
      worstCaseHistoryEvents: worstCaseHistoryEvents(definition),
    },
    targetsMet: plain.perAction <= 2 && extraPerDelay === 0,
  };
  return result;
}

/** Prints the figures of a compiler bench run. */
export const printCompilerBench = (result: CompilerBenchResult): void => {
  console.log(
    '\nState transitions per executed action (StateEntered events of aws-local-stepfunctions runs)',
  );
  console.table(
    result.transitions.map((figure) => ({
      scenario: figure.scenario,
      'actions run': figure.actionsRun,
      'delays passed': figure.delaysPassed,
      transitions: figure.transitions,
      [`per action (less ${PER_EXECUTION_STATES} per execution)`]: Number(figure.perAction.toFixed(3)),
    })),
  );
  console.log(`extra transitions per delay: ${result.extraPerDelay}  (target 0)`);
  console.log(
    `500-action workflow: compiled in ${result.large.compileMs.toFixed(1)} ms (median of 20), ${(result.large.bytes / 1024).toFixed(0)} KiB of ASL (limit 1024 KiB), worst-case history ${result.large.worstCaseHistoryEvents} events (limit 25,000)`,
  );
  console.log(`targets met: ${result.targetsMet ? 'yes' : 'NO'} (≤ 2 transitions per action, 0 per delay)`);
};

if (import.meta.main) {
  printCompilerBench(await runCompilerBench());
}
