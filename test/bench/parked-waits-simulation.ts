/**
 * A simulation of parked waits on AWS, on a virtual clock: enrollments in 7-day delays, the real execution control
 * (`createExecutionControl`: an enrollment's start, continue-as-new and `resumeParked`), the resumer's real pacing
 * loop (`resumeParkedPaced`, one run a minute starting what falls due before the next run), the real executor
 * (`executeTask`) for the Tasks, and Step Functions simulated behind `aws-sdk-client-mock` on `SFNClient`
 * (`simulated-step-functions.ts`), reached through the real adapter (`createSfnExecutions`).
 *
 * An execution is open from its start until its first Task, `taskLatencyMs` after its Wait ends (at its `runAt`,
 * or at once when it started late); that Task ends it (the workflow's last action) or hands over to a parked
 * successor (continue-as-new).
 *
 * Calls to the stores and to Step Functions take no simulated time: the virtual clock moves only between events
 * (arrivals, Tasks, other callers' draws) and in the resumer's sleeps, so the figures are what the pacing allows, not
 * what a batch's own round trips would add. A resumer run is skipped when nothing is due by its look-ahead (it would
 * find nothing); that changes no outcome.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { DateTime } from 'luxon';
import { createSfnExecutions } from '../../shared/adapters/stepfunctions/executions.sfn.ts';
import type { ExecutionState, TaskRequest } from '../../shared/core/contract/task-contract.ts';
import { WorkflowContinued } from '../../shared/core/contract/task-errors.ts';
import type { Enrollment } from '../../shared/core/enrollment/enrollment-repository.ts';
import { createExecutionControl } from '../../shared/core/executions/execution-control.ts';
import { executionArnOf, executionName } from '../../shared/core/executions/executions.ts';
import { RESUME_SAFETY_MS, resumeParkedPaced } from '../../shared/core/executions/paced-resume.ts';
import type { ParkedExecutions } from '../../shared/core/executions/parked-executions.ts';
import type { ResumedBatch } from '../../shared/core/executions/resume-parked.ts';
import { executeTask } from '../../shared/core/executor/execute-task.ts';
import type { ExecutorPorts } from '../../shared/core/executor/ports.ts';
import { stateMachineName } from '../../shared/core/workflow/state-machines.ts';
import {
  type WorkflowDefinition,
  WorkflowDefinitionSchema,
} from '../../shared/core/workflow/workflow.schema.ts';
import { InMemoryParkedExecutions } from '../helpers/in-memory-parked-executions.ts';
import { MinHeap } from '../helpers/min-heap.ts';
import { type StartQuota, simulateStepFunctions } from './simulated-step-functions.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The time zone of the windowed workflow and of the scenario's calendar. */
const ZONE = 'Europe/Paris';
/** Monday 4 January 2027, 00:00 in Paris: arrivals begin. */
const SIMULATION_START = DateTime.fromISO('2027-01-04T00:00:00', { zone: ZONE }).toMillis();
/** The execution window of the windowed workflow: Mondays 09:00–17:00 in Paris. */
const WINDOW = { days: ['mon' as const], start: '09:00', end: '17:00' };
const WINDOW_END_HOUR = 17;
const ACCOUNT_STATE_MACHINES = 'arn:aws:states:us-east-1:123456789012:stateMachine:';
/** The action the first execution's first Task runs (after the start delay). */
const FIRST_ACTION = 'tag';

const nurture = (windowed: boolean): WorkflowDefinition =>
  WorkflowDefinitionSchema.parse({
    name: windowed ? 'Nurture (Mondays 09:00–17:00, Paris)' : 'Nurture',
    objectType: 'contacts',
    enrollment: {
      trigger: 'criteria',
      criteria: [{ filters: [{ property: 'score', operator: 'gte', value: 1 }] }],
    },
    ...(windowed ? { settings: { timeZone: ZONE, executionWindows: [WINDOW] } } : {}),
    startActionId: 'first-wait',
    actions: [
      { id: 'first-wait', type: 'delay', duration: 'P7D', next: FIRST_ACTION },
      { id: FIRST_ACTION, type: 'setProperty', property: 'leadstatus', value: 'open', next: 'second-wait' },
      { id: 'second-wait', type: 'delay', duration: 'P7D', next: 'done' },
      { id: 'done', type: 'setProperty', property: 'leadstatus', value: 'nurtured', next: null },
    ],
  });

/** The workflows' actions, by index in the per-enrollment counters. */
const ACTIONS = [FIRST_ACTION, 'done'] as const;
/** Executions per enrollment: the first (parked at enrollment), and its successor (parked by continue-as-new). */
const STAGES = 2;

/** The share of each cohort of enrollments (they sum to 1). */
export interface Cohorts {
  /** In the windowed workflow, enrolled evenly over the first week: due together at Monday 09:00 + spread. */
  readonly windowed: number;
  /** In the plain workflow, enrolled evenly over the first week: due evenly. */
  readonly steady: number;
  /** In the plain workflow, enrolled by an import on Wednesday 14:00 (Paris) within `importMs`: due together. */
  readonly imported: number;
}

/** Other callers of the account drawing on the StartExecution bucket: `perSecond` from `fromMs` after the start. */
export interface OtherLoad {
  readonly fromMs: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface ParkedWaitsScenario {
  readonly enrollments: number;
  readonly cohorts?: Cohorts;
  /** How long the import's enrollments take to arrive. */
  readonly importMs?: number;
  /** The resumer's `RESUME_RATE_PER_SECOND`. */
  readonly ratePerSecond: number;
  /** The StartExecution token bucket. */
  readonly quota: StartQuota;
  readonly otherLoad?: readonly OtherLoad[];
  /** `PARK_AFTER_SECONDS` in ms (the default: a day). */
  readonly parkAfterMs?: number;
  /** From an execution's Wait to the end of its first Task (a Lambda invocation). */
  readonly taskLatencyMs?: number;
  /** The resumer function's timeout; it is invoked every `schedulePeriodMs`. */
  readonly lambdaTimeoutMs?: number;
  readonly schedulePeriodMs?: number;
  /** How far ahead of their due instant the resumer starts parked executions (the handler's: its period). */
  readonly aheadMs?: number;
  /**
   * Every n-th accepted start runs its first Task at once, before the resumer forgets the timer (the worst
   * interleaving of a Task that continues as new and the resumer's delete).
   */
  readonly taskBeforeForgetEvery?: number;
  /** Every n-th time the resumer forgets a started execution, the store fails once (the invocation fails). */
  readonly forgetFaultEvery?: number;
  /** The parked store (in memory when absent); it is shadowed in memory to know what is due. */
  readonly store?: ParkedExecutions;
}

/** Invariants the run checks, as counts of what broke them (all 0 when they hold). */
export interface Violations {
  /** A StartExecution second with more of the system's calls than the resumer's rate. */
  readonly secondsOverRate: number;
  /** An execution started more than the parking threshold before its Wait ends (it would hold a long wait). */
  readonly heldBeyondThreshold: number;
  /** A stage of an enrollment started more than once, or never. */
  readonly startedTwice: number;
  readonly neverStarted: number;
  /** An action of an enrollment carried out more than once, or never. */
  readonly appliedTwice: number;
  readonly neverApplied: number;
  /** An execution started earlier than the look-ahead before its due instant. */
  readonly early: number;
  /** A windowed execution whose Wait ended after its window closed. */
  readonly outsideWindow: number;
  /** Enrollments not completed at the end, executions left parked, executions left open. */
  readonly notCompleted: number;
  readonly leftParked: number;
  readonly leftOpen: number;
  /** Task failures other than the expected continue-as-new. */
  readonly taskErrors: number;
  /** A throttled batch not followed by another one second later (in the same run) or by the next run. */
  readonly throttledNotRetried: number;
  /** A resumer run still going when the next one was due (runs must not overlap). */
  readonly overlappingRuns: number;
}

export interface ParkedWaitsResult {
  readonly scenario: Required<Omit<ParkedWaitsScenario, 'store' | 'otherLoad'>> & {
    readonly otherLoad: readonly OtherLoad[];
  };
  /** From the first arrival to the last completion, ms of simulated time. */
  readonly simulatedMs: number;
  readonly wallMs: number;
  /** CPU time of the process during the run (user + system), ms. */
  readonly cpuMs: number;
  readonly executionsStarted: number;
  /** The system's StartExecution calls (accepted, throttled, refused as duplicates). */
  readonly startCalls: number;
  readonly throttledCalls: number;
  readonly duplicateCalls: number;
  readonly otherCalls: number;
  readonly maxCallsPerSecond: number;
  readonly maxOpen: number;
  /**
   * The bound open executions stay under: the resumer's batches (one a second) whose executions can be in their
   * Wait (at most the look-ahead) or first Task at once.
   */
  readonly openBound: number;
  /** The most parked at once. */
  readonly maxParked: number;
  /** The most executions due and not started yet, at once. */
  readonly peakBacklog: number;
  readonly runs: number;
  readonly failedRuns: number;
  readonly batches: number;
  readonly throttledBatches: number;
  /** Lateness of the Wait's end past the due instant, ms: all executions, and the windowed ones. */
  readonly lateness: { readonly max: number; readonly p99: number; readonly p50: number };
  readonly windowedLateness: { readonly max: number; readonly p99: number; readonly p50: number };
  /** The bound lateness must stay under, from the peak backlog, the pacing and the throttled batches. */
  readonly latenessBound: number;
  readonly violations: Violations;
}

type Spread = ParkedWaitsResult['lateness'];

const spreadOf = (values: readonly number[]): Spread => {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) =>
    sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return { max: at(1), p99: at(0.99), p50: at(0.5) };
};

/** `enr_<i>` / `enr_<i>-c<n>` → i. */
const indexOfEnrollment = (id: string): number => {
  const dash = id.indexOf('-', 4);
  return Number(dash < 0 ? id.slice(4) : id.slice(4, dash));
};
/** `enr_<i>` → 0, `enr_<i>-c<n>` → n. */
const stageOfName = (name: string): number => {
  const at = name.indexOf('-c');
  return at < 0 ? 0 : Number(name.slice(at + 2));
};

/** 0 windowed, 1 steady, 2 imported: a low-discrepancy draw, so that any prefix of the run keeps the mix. */
const cohortOf = (index: number, cohorts: Cohorts): number => {
  const draw = (index * 0.618_033_988_749_895) % 1;
  return draw < cohorts.windowed ? 0 : draw < cohorts.windowed + cohorts.steady ? 1 : 2;
};

interface Arrivals {
  /** Each enrollment's arrival instant, and the enrollments in arrival order. */
  readonly at: Float64Array;
  readonly order: Uint32Array;
  /** 1 for an enrollment in the windowed workflow. */
  readonly windowed: Uint8Array;
}

/** Arrival instants: each cohort's enrollments spread evenly over its span. */
const arrivalsOf = (count: number, cohorts: Cohorts, importMs: number): Arrivals => {
  const cohort = new Uint8Array(count);
  const sizes = [0, 0, 0];
  for (let i = 0; i < count; i++) {
    cohort[i] = cohortOf(i, cohorts);
    sizes[cohort[i]!]! += 1;
  }
  const importStart = DateTime.fromISO('2027-01-06T14:00:00', { zone: ZONE }).toMillis();
  const spans = [
    { from: SIMULATION_START, length: 7 * DAY },
    { from: SIMULATION_START, length: 7 * DAY },
    { from: importStart, length: importMs },
  ];
  const ranks = [0, 0, 0];
  const at = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const k = cohort[i]!;
    const span = spans[k]!;
    at[i] = span.from + Math.floor(((ranks[k]!++ + 0.5) * span.length) / sizes[k]!);
  }
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => at[a]! - at[b]! || a - b);
  return { at, order, windowed: cohort.map((k) => (k === 0 ? 1 : 0)) };
};

/** What each enrollment went through, by index (typed arrays: a million enrollments fit). */
class Ledger {
  readonly count: number;
  /** Per stage: the due instant it was parked for, when it started, how many times. */
  readonly dueAt: Float64Array[];
  readonly startedAt: Float64Array[];
  readonly starts: Uint8Array[];
  /** Per action of `ACTIONS`: how many times it was carried out. */
  readonly applied: Uint8Array[];
  /** The generation of the execution noted on the enrollment (-1: none yet). */
  readonly generation: Int8Array;
  /** 0 active, 1 completed, 2 ended otherwise. */
  readonly status: Uint8Array;

  constructor(count: number) {
    this.count = count;
    this.dueAt = Array.from({ length: STAGES }, () => new Float64Array(count).fill(Number.NaN));
    this.startedAt = Array.from({ length: STAGES }, () => new Float64Array(count).fill(Number.NaN));
    this.starts = Array.from({ length: STAGES }, () => new Uint8Array(count));
    this.applied = Array.from({ length: ACTIONS.length }, () => new Uint8Array(count));
    this.generation = new Int8Array(count).fill(-1);
    this.status = new Uint8Array(count);
  }

  parked(name: string, dueAt: string): void {
    this.dueAt[stageOfName(name)]![indexOfEnrollment(name)] = Date.parse(dueAt);
  }

  started(name: string, at: number): void {
    const index = indexOfEnrollment(name);
    const stage = stageOfName(name);
    this.startedAt[stage]![index] = at;
    this.starts[stage]![index] = Math.min(255, this.starts[stage]![index]! + 1);
  }

  carriedOut(enrollmentId: string, actionId: string): void {
    const counters = this.applied[ACTIONS.indexOf(actionId as (typeof ACTIONS)[number])]!;
    const index = indexOfEnrollment(enrollmentId);
    counters[index] = Math.min(255, counters[index]! + 1);
  }
}

/**
 * The executor's ports over the ledger: the record is there while the enrollment is active, effects are counted
 * (an action carried out twice shows), history is not kept, each action is on its first attempt.
 */
const simulatedExecutorPorts = (
  ledger: Ledger,
  clock: { readonly now: () => Date },
  parkAfterMs: number,
  continueAsNew: ExecutorPorts['continueAsNew'],
): ExecutorPorts => {
  const workflows = new Map([
    ['windowed', nurture(true)],
    ['plain', nurture(false)],
  ]);
  const noEventWaits = async (): Promise<never> => {
    throw new Error('no event waits in this simulation');
  };
  return {
    now: clock.now,
    parkLongerThanMs: parkAfterMs,
    workflow: async (workflowId) => workflows.get(workflowId)!,
    record: async (_type, recordId) =>
      ledger.status[Number(recordId.slice(2))] === 0 ? { score: 5 } : undefined,
    associated: async () => ({}),
    lists: async () => [],
    apply: async (_effect, enrollment, key) => {
      ledger.carriedOut(enrollment.enrollmentId, key.split(':')[1]!);
      return undefined;
    },
    history: async () => undefined,
    endEnrollment: async (enrollment, outcome) => {
      ledger.status[indexOfEnrollment(enrollment.enrollmentId)] = outcome === 'completed' ? 1 : 2;
    },
    registerEventWait: noEventWaits,
    succeedEventWait: noEventWaits,
    countAttempt: async () => 1,
    attempts: async () => 1,
    continueAsNew,
  };
};

const stateMachineArnOf = (workflowId: string) =>
  `${ACCOUNT_STATE_MACHINES}${stateMachineName(workflowId, 1)}`;

/** The enrollment of index `index`, as the enrollment repository would answer it. */
const enrollmentOf = (ledger: Ledger, arrivals: Arrivals, index: number): Enrollment => ({
  id: `enr_${index}`,
  workflowId: arrivals.windowed[index] ? 'windowed' : 'plain',
  revision: 1,
  objectType: 'contacts',
  recordId: `c_${index}`,
  count: 1,
  status: ledger.status[index] === 0 ? 'active' : ledger.status[index] === 1 ? 'completed' : 'unenrolled',
  enrolledBecause: 'criteria',
  enrolledAt: new Date(arrivals.at[index]!).toISOString(),
});

/**
 * The parked store the control uses: `backing`, mirrored into `shadow` (which tells when something is due and what
 * is left), the ledger noting each due instant; every `forgetFaultEvery`-th forget of a started execution fails.
 */
const observedStore = (
  backing: ParkedExecutions,
  shadow: InMemoryParkedExecutions,
  ledger: Ledger,
  forgetFaultEvery: number,
): ParkedExecutions & { readonly maxParked: () => number } => {
  let maxParked = 0;
  let forgets = 0;
  return {
    maxParked: () => maxParked,
    async park(parked) {
      ledger.parked(parked.name, parked.dueAt);
      await backing.park(parked);
      if (backing !== shadow) await shadow.park(parked);
      maxParked = Math.max(maxParked, shadow.size);
    },
    async cancel(enrollmentId, name) {
      if (name !== undefined && forgetFaultEvery > 0 && ++forgets % forgetFaultEvery === 0) {
        throw Object.assign(new Error('the store failed to forget a parked execution'), {
          name: 'InternalServerError',
        });
      }
      await backing.cancel(enrollmentId, name);
      if (backing !== shadow) await shadow.cancel(enrollmentId, name);
    },
    due: (at, limit) => backing.due(at, limit),
  };
};

interface SimEvent {
  readonly at: number;
  readonly seq: number;
  readonly run: () => Promise<void> | void;
}

/** One resumer batch, at its instant, in its run. */
interface LoggedBatch {
  readonly at: number;
  readonly run: number;
  readonly batch: ResumedBatch;
}

/**
 * Runs the scenario to the end (every enrollment completed, or nothing left to happen) and returns its figures and
 * the invariants' violations. Mocks `SFNClient` for its duration.
 */
export const simulateParkedWaits = async (input: ParkedWaitsScenario): Promise<ParkedWaitsResult> => {
  const { store: givenStore, ...rest } = input;
  const scenario: ParkedWaitsResult['scenario'] = {
    cohorts: { windowed: 0.5, steady: 0.3, imported: 0.2 },
    importMs: 10 * MINUTE,
    otherLoad: [],
    parkAfterMs: DAY,
    taskLatencyMs: SECOND,
    lambdaTimeoutMs: MINUTE,
    schedulePeriodMs: MINUTE,
    aheadMs: input.schedulePeriodMs ?? MINUTE,
    taskBeforeForgetEvery: 0,
    forgetFaultEvery: 0,
    ...rest,
  };
  const count = scenario.enrollments;
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();

  // The virtual clock and its events (arrivals are kept apart: they are many, and sorted already).
  let now = SIMULATION_START;
  const clock = { now: () => new Date(now) };
  let seq = 0;
  const events = new MinHeap<SimEvent>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  const schedule = (at: number, run: SimEvent['run']) => events.push({ at, seq: seq++, run });
  const arrivals = arrivalsOf(count, scenario.cohorts, scenario.importMs);
  let nextArrival = 0;
  const nextArrivalAt = () =>
    nextArrival < count ? arrivals.at[arrivals.order[nextArrival]!]! : Number.POSITIVE_INFINITY;

  const ledger = new Ledger(count);
  const shadow = new InMemoryParkedExecutions();
  const store = observedStore(givenStore ?? shadow, shadow, ledger, scenario.forgetFaultEvery);
  let control: ReturnType<typeof createExecutionControl> | undefined;
  const executor = simulatedExecutorPorts(ledger, clock, scenario.parkAfterMs, (state, from) =>
    control!.continueAsNew(state, from),
  );

  // Executions: open from their start until their first Task, which ends them or continues as new (parked).
  let open = 0;
  let maxOpen = 0;
  let accepted = 0;
  let heldBeyondThreshold = 0;
  let taskErrors = 0;
  const firstTask = async (executionArn: string, state: ExecutionState, startedAt: string) => {
    const request: TaskRequest = {
      kind: 'action',
      actionId: state.resumeAt ?? FIRST_ACTION,
      state,
      executionId: executionArn,
      startedAt,
    };
    try {
      const next = await executeTask(request, executor);
      if (next?.continueAt) {
        await executeTask({ ...request, actionId: next.continueAt.resumeAt, state: next }, executor);
      }
    } catch (error) {
      if (!(error instanceof WorkflowContinued)) {
        if (taskErrors === 0) console.error('a Task of the simulation failed:', error);
        taskErrors += 1;
      }
    } finally {
      open -= 1;
    }
  };
  const stepFunctions = simulateStepFunctions({
    now: () => now,
    quota: scenario.quota,
    onStart: async ({ name, executionArn, input: state }) => {
      ledger.started(name, now);
      const runAt = Date.parse(state.runAt);
      if (runAt - now > scenario.parkAfterMs) heldBeyondThreshold += 1;
      open += 1;
      accepted += 1;
      maxOpen = Math.max(maxOpen, open);
      const startedAt = new Date(now).toISOString();
      if (scenario.taskBeforeForgetEvery > 0 && accepted % scenario.taskBeforeForgetEvery === 0) {
        await firstTask(executionArn, state, startedAt);
      } else {
        schedule(Math.max(runAt, now) + scenario.taskLatencyMs, () =>
          firstTask(executionArn, state, startedAt),
        );
      }
    },
  });
  for (const load of scenario.otherLoad) {
    for (let s = 0; s < load.seconds; s++) {
      schedule(SIMULATION_START + load.fromMs + s * SECOND + SECOND / 2, () =>
        stepFunctions.drawOther(load.perSecond),
      );
    }
  }

  control = createExecutionControl({
    clock,
    executions: createSfnExecutions({ client: new SFNClient({ region: 'us-east-1' }) }),
    stateMachines: { arnOf: async (workflowId) => stateMachineArnOf(workflowId) },
    enrollments: {
      current: async (workflowId, objectType, recordId) => {
        const index = Number(recordId.slice(2));
        const latest = enrollmentOf(ledger, arrivals, index);
        const generation = ledger.generation[index]!;
        const executionArn =
          generation < 0
            ? undefined
            : executionArnOf(stateMachineArnOf(workflowId), executionName(latest.id, generation));
        return {
          workflowId,
          objectType,
          recordId,
          count: 1,
          latest,
          waitingActionIds: [],
          ...(executionArn ? { executionArn } : {}),
        };
      },
      setExecution: async (ref, executionArn) => {
        const name = executionArn.slice(executionArn.lastIndexOf(':') + 1);
        ledger.generation[indexOfEnrollment(ref.enrollmentId)] = stageOfName(name);
      },
    },
    executor: () => executor,
    parking: { executions: store, afterMs: scenario.parkAfterMs },
    eventWaits: { find: async () => undefined, forget: async () => undefined },
  });

  /** Moves the clock to `to`, running every arrival (an enrollment's start) and event due by then, in order. */
  const advance = async (to: number) => {
    for (;;) {
      const event = events.peek();
      const eventAt = event?.at ?? Number.POSITIVE_INFINITY;
      const arrivalAt = nextArrivalAt();
      if (Math.min(eventAt, arrivalAt) > to) break;
      now = Math.max(now, Math.min(eventAt, arrivalAt));
      if (arrivalAt <= eventAt) {
        const enrollment = enrollmentOf(ledger, arrivals, arrivals.order[nextArrival++]!);
        const workflow = await executor.workflow(enrollment.workflowId, 1);
        await control.ports.startExecution?.(enrollment, {
          ...workflow,
          id: enrollment.workflowId,
          revision: 1,
        });
      } else {
        events.pop();
        await event!.run();
      }
    }
    now = Math.max(now, to);
  };

  // The resumer: one run each period (skipped when nothing is due by the look-ahead), paced by the real loop.
  const batches: LoggedBatch[] = [];
  let runs = 0;
  let failedRuns = 0;
  let overlappingRuns = 0;
  const period = scenario.schedulePeriodMs;
  const tickAtOrAfter = (at: number) =>
    SIMULATION_START + Math.ceil((at - SIMULATION_START) / period) * period;
  try {
    for (;;) {
      const next = Math.min(
        events.peek()?.at ?? Number.POSITIVE_INFINITY,
        nextArrivalAt(),
        shadow.earliestDueMs() - scenario.aheadMs,
      );
      if (next === Number.POSITIVE_INFINITY) break;
      const tick = Math.max(tickAtOrAfter(now + 1), tickAtOrAfter(next));
      await advance(tick);
      if (shadow.earliestDueMs() - scenario.aheadMs > now) continue;
      runs += 1;
      const run = runs;
      const deadline = now + scenario.lambdaTimeoutMs;
      try {
        await resumeParkedPaced({
          resumeParked: async (limit) => {
            const batch = await control.resumeParked(limit, scenario.aheadMs);
            batches.push({ at: now, run, batch });
            return batch;
          },
          ratePerSecond: scenario.ratePerSecond,
          clock,
          sleep: (ms) => advance(now + ms),
          timeLeftMs: () => deadline - now,
          safetyMs: RESUME_SAFETY_MS,
        });
      } catch {
        failedRuns += 1;
      }
      if (now > tick + period) overlappingRuns += 1;
      stepFunctions.forgetCalls();
    }
  } finally {
    stepFunctions.restore();
  }
  const left = givenStore ? await givenStore.due('9999-12-31T00:00:00.000Z', 1_000) : [];

  const { counters } = stepFunctions;
  const figures = figuresOf(ledger, arrivals, scenario, batches, counters.callsPerSecond);
  return {
    scenario,
    simulatedMs: now - SIMULATION_START,
    wallMs: performance.now() - wallStart,
    cpuMs: (({ user, system }) => (user + system) / 1_000)(process.cpuUsage(cpuStart)),
    executionsStarted: accepted,
    startCalls: counters.calls,
    throttledCalls: counters.throttled,
    duplicateCalls: counters.duplicates,
    otherCalls: counters.other,
    maxOpen,
    openBound:
      scenario.ratePerSecond * (Math.floor((scenario.aheadMs + scenario.taskLatencyMs) / SECOND) + 1),
    maxParked: store.maxParked(),
    runs,
    failedRuns,
    ...figures.figures,
    latenessBound:
      period *
      (1 +
        failedRuns +
        Math.ceil(
          (Math.ceil(figures.figures.peakBacklog / scenario.ratePerSecond) +
            figures.figures.throttledBatches +
            1) /
            Math.floor((scenario.lambdaTimeoutMs - RESUME_SAFETY_MS) / SECOND),
        )),
    violations: {
      ...figures.violations,
      heldBeyondThreshold,
      leftParked: Math.max(shadow.size, left.length),
      leftOpen: open,
      taskErrors,
      overlappingRuns,
    },
  };
};

/** The figures and invariants read from the ledger, the resumer's batches and the calls per second. */
const figuresOf = (
  ledger: Ledger,
  arrivals: Arrivals,
  scenario: ParkedWaitsResult['scenario'],
  batches: readonly LoggedBatch[],
  callsPerSecond: ReadonlyMap<number, number>,
) => {
  const windowEnds = new Map<number, number>();
  /** The end of the window `due` falls in (the same local date, 17:00 in Paris), cached by hour. */
  const windowEndOf = (due: number) => {
    const hour = Math.floor(due / HOUR);
    let end = windowEnds.get(hour);
    if (end === undefined) {
      end = DateTime.fromMillis(due, { zone: ZONE })
        .set({ hour: WINDOW_END_HOUR, minute: 0, second: 0, millisecond: 0 })
        .toMillis();
      windowEnds.set(hour, end);
    }
    return end;
  };
  const violations = {
    startedTwice: 0,
    neverStarted: 0,
    appliedTwice: 0,
    neverApplied: 0,
    early: 0,
    outsideWindow: 0,
    notCompleted: 0,
    secondsOverRate: 0,
    throttledNotRetried: 0,
  };
  const lateness: number[] = [];
  const windowedLateness: number[] = [];
  /** +1 at each due instant (odd), −1 at each release (even): a release at the due instant sorts first. */
  const backlogMoves: number[] = [];
  for (let index = 0; index < ledger.count; index++) {
    if (ledger.status[index] !== 1) violations.notCompleted += 1;
    for (let stage = 0; stage < STAGES; stage++) {
      const starts = ledger.starts[stage]![index]!;
      if (starts === 0) {
        violations.neverStarted += 1;
        continue;
      }
      if (starts > 1) violations.startedTwice += 1;
      const due = ledger.dueAt[stage]![index]!;
      const started = ledger.startedAt[stage]![index]!;
      if (started < due - scenario.aheadMs) violations.early += 1;
      // The execution's Wait ends at its due instant, or at once when it started late.
      const released = Math.max(started, due);
      lateness.push(released - due);
      backlogMoves.push(due * 2 + 1, released * 2);
      if (arrivals.windowed[index]) {
        windowedLateness.push(released - due);
        if (released >= windowEndOf(due)) violations.outsideWindow += 1;
      }
    }
    for (const counters of ledger.applied) {
      if (counters[index]! > 1) violations.appliedTwice += 1;
      if (counters[index] === 0) violations.neverApplied += 1;
    }
  }
  let backlog = 0;
  let peakBacklog = 0;
  for (const move of Float64Array.from(backlogMoves).sort()) {
    backlog += move % 2 === 1 ? 1 : -1;
    peakBacklog = Math.max(peakBacklog, backlog);
  }
  let maxCallsPerSecond = 0;
  for (const calls of callsPerSecond.values()) {
    maxCallsPerSecond = Math.max(maxCallsPerSecond, calls);
    if (calls > scenario.ratePerSecond) violations.secondsOverRate += 1;
  }
  // A throttled batch is tried again a second later in the same run, or that run is out of time and the next goes on.
  for (const [i, entry] of batches.entries()) {
    if (!entry.batch.throttled) continue;
    const after = batches[i + 1];
    const retried =
      after !== undefined &&
      (after.run === entry.run ? after.at - entry.at === SECOND : after.run === entry.run + 1);
    if (!retried) violations.throttledNotRetried += 1;
  }
  return {
    figures: {
      maxCallsPerSecond,
      peakBacklog,
      batches: batches.length,
      throttledBatches: batches.filter((entry) => entry.batch.throttled).length,
      lateness: spreadOf(lateness),
      windowedLateness: spreadOf(windowedLateness),
    },
    violations,
  };
};

const minutes = (ms: number) => `${(ms / MINUTE).toFixed(1)} min`;

/** The figures and invariants of a run, as printed lines. */
export const formatParkedWaits = (result: ParkedWaitsResult): string => {
  const { scenario, violations } = result;
  const broken = Object.entries(violations).filter(([, n]) => n > 0);
  const lines = [
    `${scenario.enrollments.toLocaleString('en')} enrollments in 7-day delays (two parked stages each; ` +
      `${Math.round(scenario.cohorts.windowed * 100)} % windowed Mondays 09:00–17:00 ${ZONE}, ` +
      `${Math.round(scenario.cohorts.steady * 100)} % enrolled evenly, ${Math.round(scenario.cohorts.imported * 100)} % ` +
      `by an import within ${minutes(scenario.importMs)}); resumer ${scenario.ratePerSecond}/s, one run a minute ` +
      `(timeout ${scenario.lambdaTimeoutMs / SECOND} s); StartExecution bucket ${scenario.quota.bucket}, ` +
      `refill ${scenario.quota.refillPerSecond}/s`,
    `simulated ${(result.simulatedMs / DAY).toFixed(2)} days in ${(result.wallMs / SECOND).toFixed(1)} s of wall ` +
      `time (${(result.cpuMs / SECOND).toFixed(1)} s of CPU)`,
    `executions started ${result.executionsStarted.toLocaleString('en')}; StartExecution calls ` +
      `${result.startCalls.toLocaleString('en')} (throttled ${result.throttledCalls}, refused as duplicates ` +
      `${result.duplicateCalls}); other callers ${result.otherCalls.toLocaleString('en')}`,
    `max calls/s ${result.maxCallsPerSecond} (rate ${scenario.ratePerSecond}); max open executions ${result.maxOpen} ` +
      `(bound ${result.openBound}); max parked ${result.maxParked.toLocaleString('en')}; peak backlog ` +
      `${result.peakBacklog.toLocaleString('en')}`,
    `resumer runs ${result.runs} (failed ${result.failedRuns}), batches ${result.batches} (throttled ` +
      `${result.throttledBatches})`,
    `lateness past the due instant: max ${minutes(result.lateness.max)}, p99 ${minutes(result.lateness.p99)}, ` +
      `p50 ${minutes(result.lateness.p50)}; windowed max ${minutes(result.windowedLateness.max)}, p99 ` +
      `${minutes(result.windowedLateness.p99)} (bound ${minutes(result.latenessBound)})`,
    broken.length === 0
      ? 'invariants: all held'
      : `invariants NOT held: ${broken.map(([name, n]) => `${name} ${n}`).join(', ')}`,
  ];
  return lines.join('\n');
};
