/**
 * A simulation of parked waits on AWS, on a virtual clock, driving the deployment's real Lambda handlers: enrollments
 * in 7-day delays, each a contact created through the record service the API composes, whose `Record Changed` the
 * change publisher function (`functions/change-publisher/handler.ts`) puts on the bus and the enrollment function
 * (`functions/enrollment/handler.ts`) takes, parking the enrollment's first execution; the resumer function
 * (`functions/resumer/handler.ts`) invoked on its schedule (every minute, its Lambda timeout the remaining time), and
 * the executor function (`functions/executor/handler.ts`) invoked for each Task, which, with two stages, continues as
 * new (parks a successor) at the second delay. Each module is imported as Lambda loads it, with a deployment's
 * environment (`DEPLOYMENT_ENVIRONMENT`, `PARK_AFTER_SECONDS`, `RESUME_RATE_PER_SECOND`), tracing off: Powertools' documented
 * `POWERTOOLS_TRACE_ENABLED=false`, and the X-Ray SDK in manual mode (`AWS_XRAY_MANUAL_MODE`), whose context would
 * otherwise hook every promise; traces are observability, not behaviour, so no outcome depends on them.
 *
 * Every AWS SDK client is mocked with `aws-sdk-client-mock`: `DynamoDBDocumentClient` answers from a table in
 * memory (`test/helpers/in-memory-table.ts`, checked against dynalite by `parked-waits.dynamodb.test.ts`) or from a
 * given one; `SFNClient` is Step Functions simulated (`simulated-step-functions.ts`: CreateStateMachine, and
 * StartExecution with its token bucket); `EventBridgeClient` takes PutEvents and delivers each `Record Changed` to
 * the enrollment function, as the rule does (the mocks record their calls without call stacks,
 * `test/helpers/stub-answers.ts`); a raw `DynamoDBClient` send fails, and any other client would reach
 * only 127.0.0.1 (`AWS_ENDPOINT_URL`). `@sinonjs/fake-timers` fakes `Date`, `setTimeout` and `clearTimeout`, so the
 * handlers' `new Date()` and the resumer's sleeps follow the simulation's clock; the ids the functions draw
 * (`randomUUID`) come in order, so that a run repeats exactly.
 *
 * An execution is open from its start until its first Task, `taskLatencyMs` after its Wait ends (at its `runAt`,
 * or at once when it started late); that Task ends it (the workflow's last action) or hands over to a parked
 * successor (continue-as-new). After each Task the change publisher runs (the table's stream wakes it).
 *
 * Calls to the table, the bus and Step Functions take no simulated time: the virtual clock moves only between events
 * (arrivals, Tasks, other callers' draws) and in the resumer's sleeps, so the figures are what the pacing allows, not
 * what a batch's own round trips would add. A resumer run is skipped when nothing is due by its look-ahead (it would
 * find nothing); that changes no outcome. The handler modules are loaded once per process: every run of a process
 * must share one environment (its rate and parking threshold) and one number of stages.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import FakeTimers from '@sinonjs/fake-timers';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { DateTime } from 'luxon';
import { createDynamoDBParkedExecutions } from '../../shared/adapters/dynamodb/parked-executions.dynamodb.ts';
import { TABLE_KEYS } from '../../shared/adapters/dynamodb/table.ts';
import type { WorkflowSystem } from '../../shared/adapters/workflow-system.ts';
import type { ExecutionState, TaskRequest, TaskResponse } from '../../shared/core/contract/task-contract.ts';
import { ERRORS } from '../../shared/core/contract/task-contract.ts';
import { RESUME_SAFETY_MS } from '../../shared/core/executions/paced-resume.ts';
import type { ParkedExecution } from '../../shared/core/executions/parked-executions.ts';
import type { WorkflowDefinitionInput } from '../../shared/core/workflow/workflow.schema.ts';
import { deliveredEvent } from '../helpers/bus-delivery.ts';
import { DEPLOYMENT_ENVIRONMENT } from '../helpers/deployment-environment.ts';
import { InMemoryParkedExecutions } from '../helpers/in-memory-parked-executions.ts';
import { type DocumentTable, InMemoryTable, routeDocumentClient } from '../helpers/in-memory-table.ts';
import { MinHeap } from '../helpers/min-heap.ts';
import { answerSends } from '../helpers/stub-answers.ts';
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
const WINDOW_START_HOUR = 9;
const WINDOW_END_HOUR = 17;
/** The action the first execution's first Task runs (after the start delay). */
const FIRST_ACTION = 'tag';

/** The lifecycle stage each workflow enrolls (a contact is created in one or the other). */
const STAGE_OF = { windowed: 'lead', plain: 'subscriber' } as const;

/**
 * The workflow of a cohort: a 7-day delay, an action, and with two stages a second 7-day delay (the first execution
 * continues as new, parked) and a last action.
 */
const nurture = (windowed: boolean, stages: Stages): WorkflowDefinitionInput => ({
  name: windowed ? 'Nurture (Mondays 09:00–17:00, Paris)' : 'Nurture',
  objectType: 'contacts',
  enrollment: {
    trigger: 'criteria',
    criteria: [
      {
        filters: [
          {
            property: 'lifecyclestage',
            operator: 'eq',
            value: windowed ? STAGE_OF.windowed : STAGE_OF.plain,
          },
        ],
      },
    ],
  },
  ...(windowed ? { settings: { timeZone: ZONE, executionWindows: [WINDOW] } } : {}),
  startActionId: 'first-wait',
  actions: [
    { id: 'first-wait', type: 'delay', duration: 'P7D', next: FIRST_ACTION },
    {
      id: FIRST_ACTION,
      type: 'setProperty',
      property: 'leadstatus',
      value: 'open',
      next: stages === 1 ? null : 'second-wait',
    },
    ...(stages === 1
      ? []
      : [
          { id: 'second-wait', type: 'delay' as const, duration: 'P7D', next: 'done' },
          {
            id: 'done',
            type: 'setProperty' as const,
            property: 'leadstatus',
            value: 'connected',
            next: null,
          },
        ]),
  ],
});

/**
 * Executions per enrollment: the first (parked at enrollment), and with two its successor (parked by
 * continue-as-new). The enrollment's n-th action sets the n-th lead status.
 */
export type Stages = 1 | 2;
const LEAD_STATUS_SET_BY = ['open', 'connected'] as const;

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
  /** Parked stages per enrollment (two unless told): one 7-day delay, or two with a continue-as-new between. */
  readonly stages?: Stages;
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
   * interleaving of a Task that continues as new, with two stages, or ends the enrollment, and the resumer's delete).
   */
  readonly taskBeforeForgetEvery?: number;
  /** Every n-th time the resumer forgets a started execution, the store fails once (the invocation fails). */
  readonly forgetFaultEvery?: number;
  /**
   * The table behind every mocked `DynamoDBDocumentClient` (a table in memory when absent; dynalite through
   * `forwardedTo` in the test that checks the fake). Its name must be the deployment's `TABLE_NAME`.
   */
  readonly table?: DocumentTable;
  /**
   * Told once a simulated day is over, at the first step of the run's loop past its end (a day the loop steps over
   * whole is told as the later one); a long run's progress, not a figure.
   */
  readonly onProgress?: (progress: ParkedWaitsProgress) => void;
}

/** Where a run is: its simulated day (from the start, Monday 00:00 in Paris), and its counts and costs so far. */
export interface ParkedWaitsProgress {
  readonly day: number;
  readonly arrived: number;
  readonly executionsStarted: number;
  readonly parked: number;
  readonly open: number;
  /** Items in the table and bytes of their bodies stored (replaced versions included), when it is the run's own. */
  readonly items?: number;
  readonly storedBytes?: number;
  readonly wallMs: number;
  readonly cpuMs: number;
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
  /**
   * A windowed enrollment whose first delay ended outside the window and was not moved into the first 15 minutes
   * of the next window (or ended inside it and was moved).
   */
  readonly notSpread: number;
  /** An execution started with another `runAt` than the due instant it was parked for, or never parked. */
  readonly startedOffDue: number;
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
  readonly scenario: Required<Omit<ParkedWaitsScenario, 'table' | 'otherLoad' | 'onProgress'>> & {
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
  /**
   * The windowed first delays that ended outside the window, moved to the next window's opening, and the distinct
   * minutes of its first 15 their due instants fall in.
   */
  readonly spread: { readonly moved: number; readonly minutes: number };
  /** The bound lateness must stay under, from the peak backlog, the pacing and the throttled batches. */
  readonly latenessBound: number;
  readonly violations: Violations;
}

type Spread = ParkedWaitsResult['lateness'];

/** CPU time of the process since `start` (user + system), ms. */
const cpuMsSince = (start: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1_000;
};

const spreadOf = (values: readonly number[]): Spread => {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) =>
    sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return { max: at(1), p99: at(0.99), p50: at(0.5) };
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

/** What each enrollment went through, by the index of its contact (typed arrays: a million enrollments fit). */
class Ledger {
  readonly count: number;
  /** Per stage: the due instant it was parked for, when it started, how many times. */
  readonly dueAt: Float64Array[];
  readonly startedAt: Float64Array[];
  readonly starts: Uint8Array[];
  /** Per action (one a stage): how many times it was carried out (the contact written with its lead status). */
  readonly applied: Uint8Array[];
  /** 0 active, 1 completed, 2 ended otherwise (the `Enrollment Ended` events the functions put on the bus). */
  readonly status: Uint8Array;
  /** The contacts' ids, to their index. */
  readonly indexOfRecord = new Map<string, number>();

  constructor(count: number, stages: Stages) {
    this.count = count;
    this.dueAt = Array.from({ length: stages }, () => new Float64Array(count).fill(Number.NaN));
    this.startedAt = Array.from({ length: stages }, () => new Float64Array(count).fill(Number.NaN));
    this.starts = Array.from({ length: stages }, () => new Uint8Array(count));
    this.applied = Array.from({ length: stages }, () => new Uint8Array(count));
    this.status = new Uint8Array(count);
  }

  #index(recordId: string): number {
    const index = this.indexOfRecord.get(recordId);
    if (index === undefined) throw new Error(`no contact ${recordId} in the simulation`);
    return index;
  }

  /** The stage of an execution: its name is the enrollment's id, then `-c<n>` for its n-th successor. */
  static stageOf(name: string, enrollmentId: string): number {
    return name === enrollmentId ? 0 : Number(name.slice(enrollmentId.length + 2));
  }

  /** The stage of an execution, one of the workflow's. */
  #stage(name: string, enrollmentId: string): number {
    const stage = Ledger.stageOf(name, enrollmentId);
    if (!(stage < this.starts.length))
      throw new Error(`execution ${name} beyond the workflow's ${this.starts.length} stages`);
    return stage;
  }

  parked(parked: ParkedExecution): void {
    const { enrollment } = parked.input;
    this.dueAt[this.#stage(parked.name, enrollment.enrollmentId)]![this.#index(enrollment.recordId)] =
      Date.parse(parked.dueAt);
  }

  /** Executions started with another `runAt` than the due instant they were parked for (or never parked). */
  startedOffDue = 0;

  started(name: string, state: ExecutionState, at: number): void {
    const index = this.#index(state.enrollment.recordId);
    const stage = this.#stage(name, state.enrollment.enrollmentId);
    if (Date.parse(state.runAt) !== this.dueAt[stage]![index]) this.startedOffDue += 1;
    this.startedAt[stage]![index] = at;
    this.starts[stage]![index] = Math.min(255, this.starts[stage]![index]! + 1);
  }

  carriedOut(recordId: string, action: number): void {
    const counters = this.applied[action];
    if (!counters)
      throw new Error(`action ${action + 1} carried out, beyond the workflow's ${this.applied.length}`);
    const index = this.#index(recordId);
    counters[index] = Math.min(255, counters[index]! + 1);
  }

  ended(recordId: string, outcome: string): void {
    this.status[this.#index(recordId)] = outcome === 'completed' ? 1 : 2;
  }
}

const PARKED_PREFIX = 'PARKED#';
/** The first partition of the parked executions' due index, which every resumer batch queries. */
const FIRST_DUE_PARTITION = 'PARKED#DUE#00';

/**
 * The table as the simulation sees it: each parked execution noted (the ledger's due instants, a shadow that tells
 * when one is due and how many are parked), each contact written with a lead status counted as an action carried
 * out, every `forgetFaultEvery`-th conditional delete of a parked execution (the resumer forgetting one it started)
 * failed once; requests in flight counted, so that the driver knows when the functions wait on the clock only.
 */
const observedTable = (
  table: DocumentTable,
  ledger: Ledger,
  shadow: InMemoryParkedExecutions,
  forgetFaultEvery: number,
  /** A resumer batch begins: its query of the due index's first partition. */
  onBatch: () => void,
) => {
  let inFlight = 0;
  let maxParked = 0;
  let forgets = 0;
  const counted =
    <I, O>(request: (input: I) => O) =>
    async (input: I): Promise<Awaited<O>> => {
      inFlight += 1;
      try {
        return await request(input);
      } finally {
        inFlight -= 1;
      }
    };
  const put = counted((input: Parameters<DocumentTable['put']>[0]) => table.put(input));
  const remove = counted((input: Parameters<DocumentTable['delete']>[0]) => table.delete(input));
  const observed: DocumentTable = {
    get: counted((input) => table.get(input)),
    update: counted((input) => table.update(input)),
    query: counted((input) => {
      if (
        input.IndexName === TABLE_KEYS.gsi1.name &&
        input.ExpressionAttributeValues?.[':pk'] === FIRST_DUE_PARTITION
      )
        onBatch();
      return table.query(input);
    }),
    batchWrite: counted((input) => table.batchWrite(input)),
    async put(input) {
      const output = await put(input);
      const item = input.Item as Record<string, unknown>;
      if (item.entity === 'parkedExecution') {
        const parked = item as unknown as ParkedExecution;
        ledger.parked(parked);
        await shadow.park({
          name: parked.name,
          stateMachineArn: parked.stateMachineArn,
          input: parked.input,
          dueAt: parked.dueAt,
        });
        maxParked = Math.max(maxParked, shadow.size);
      } else if (item.kind === 'record') {
        const pending = item.pending as { changedProperties?: readonly string[] } | undefined;
        const status = (item.properties as Record<string, unknown> | undefined)?.leadstatus;
        const action = LEAD_STATUS_SET_BY.indexOf(status as (typeof LEAD_STATUS_SET_BY)[number]);
        if (action >= 0 && pending?.changedProperties?.includes('leadstatus'))
          ledger.carriedOut(item.id as string, action);
      }
      return output;
    },
    async delete(input) {
      const pk = String(input.Key?.[TABLE_KEYS.pk]);
      const parked = pk.startsWith(PARKED_PREFIX);
      const name = input.ExpressionAttributeValues?.[':name'] as string | undefined;
      if (parked && name !== undefined && forgetFaultEvery > 0 && ++forgets % forgetFaultEvery === 0) {
        throw Object.assign(new Error('the table failed to forget a parked execution'), {
          name: 'InternalServerError',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        });
      }
      const output = await remove(input);
      if (parked) await shadow.cancel(pk.slice(PARKED_PREFIX.length), name);
      return output;
    },
  };
  return { observed, inFlight: () => inFlight, maxParked: () => maxParked };
};

/** The context Lambda gives an invocation: `getRemainingTimeInMillis` on the simulation's clock. */
const lambdaContext = (functionName: string, requestId: number, remainingMs: () => number): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: `00000000-0000-4000-8000-${requestId.toString(16).padStart(12, '0')}`,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'simulated',
  getRemainingTimeInMillis: remainingMs,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/** The deployment's functions, loaded once per process with the environment of the first run. */
interface Functions {
  readonly environment: string;
  readonly stages: Stages;
  readonly changePublisher: Handler<unknown, unknown>;
  readonly enrollment: Handler<unknown, void>;
  readonly resumer: Handler<unknown, { started: number }>;
  readonly executor: Handler<TaskRequest, TaskResponse | undefined>;
  /** The record service of the API's composition (contacts are created through it). */
  readonly system: WorkflowSystem;
}
let loaded: Functions | undefined;

/**
 * The functions, loaded at the first run. Every run draws the same ids, so its workflows have the ids of the first
 * run's, and the functions keep what they cached by id (the workflows' revisions): the runs of a process must share
 * their workflows (their `stages`) as well as the environment.
 */
const loadFunctions = async (environment: Record<string, string>, stages: Stages): Promise<Functions> => {
  const key = JSON.stringify(environment);
  if (loaded) {
    if (loaded.environment !== key)
      throw new Error('the functions are loaded once per process: every run must share one environment');
    if (loaded.stages !== stages)
      throw new Error(
        `the functions are loaded once per process: every run must share one number of stages (${loaded.stages})`,
      );
    return loaded;
  }
  Object.assign(process.env, environment);
  const [changePublisher, enrollment, resumer, executor, { workflowSystemFromEnvironment }] =
    await Promise.all([
      import('../../functions/change-publisher/handler.ts'),
      import('../../functions/enrollment/handler.ts'),
      import('../../functions/resumer/handler.ts'),
      import('../../functions/executor/handler.ts'),
      import('../../functions/commons/workflow-system.aws.ts'),
    ]);
  loaded = {
    environment: key,
    stages,
    changePublisher: changePublisher.handler as Handler<unknown, unknown>,
    enrollment: enrollment.handler as Handler<unknown, void>,
    resumer: resumer.handler as Handler<unknown, { started: number }>,
    executor: executor.handler as Handler<TaskRequest, TaskResponse | undefined>,
    system: workflowSystemFromEnvironment(process.env),
  };
  return loaded;
};

/**
 * `randomUUID` of `node:crypto` drawing ids in order while a run is on (the functions compose it at load: it is
 * replaced once, before they load), the real one otherwise.
 */
let orderedIds: (() => string) | undefined;
const orderIds = (() => {
  let installed = false;
  return (): void => {
    if (installed) return;
    installed = true;
    const crypto = createRequire(import.meta.url)('node:crypto') as { randomUUID: () => string };
    const random = crypto.randomUUID;
    crypto.randomUUID = () => (orderedIds ? orderedIds() : random());
    syncBuiltinESMExports();
  };
})();

interface SimEvent {
  readonly at: number;
  readonly seq: number;
  readonly run: () => Promise<void> | void;
}

/**
 * One resumer batch, at its instant, in its run: it begins with its queries of the parked executions' due index,
 * and was throttled when one of its StartExecution calls was.
 */
interface LoggedBatch {
  readonly at: number;
  readonly run: number;
  readonly throttled: boolean;
}

/** The table's key schema and global secondary indexes (`tableDefinition`'s). */
const TABLE_SCHEMA = { pk: TABLE_KEYS.pk, sk: TABLE_KEYS.sk, indexes: [TABLE_KEYS.gsi1, TABLE_KEYS.gsi2] };

const STATE_MACHINES = 'arn:aws:states:eu-west-1:123456789012:stateMachine:';
/** What Powertools' metrics log when an invocation added none (disabled metrics log it all the same). */
const EMPTY_METRICS_WARNING = 'No application metrics to publish';

/**
 * Runs the scenario to the end (every enrollment completed, or nothing left to happen) through the deployment's
 * functions and returns its figures and the invariants' violations. Mocks the AWS SDK clients and fakes the clock
 * for its duration.
 */
export const simulateParkedWaits = async (input: ParkedWaitsScenario): Promise<ParkedWaitsResult> => {
  const { table: givenTable, onProgress, ...rest } = input;
  const scenario: ParkedWaitsResult['scenario'] = {
    stages: 2,
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
  // The resumer looks ahead by its schedule's period, a minute: the scenario cannot change it.
  if (scenario.schedulePeriodMs !== MINUTE || scenario.aheadMs !== MINUTE)
    throw new Error('the resumer function runs every minute and looks a minute ahead');
  const count = scenario.enrollments;
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const environment: Record<string, string> = {
    ...DEPLOYMENT_ENVIRONMENT,
    PARK_AFTER_SECONDS: String(scenario.parkAfterMs / SECOND),
    RESUME_RATE_PER_SECOND: String(scenario.ratePerSecond),
    // Quiet functions: no EMF lines a Task, errors only.
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    // No tracing (observability, not behaviour): Powertools' tracer off, and the X-Ray SDK in manual mode, so that
    // its context (an async hook on every promise) is not kept.
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_XRAY_MANUAL_MODE: 'true',
    // A client this simulation does not mock reaches nothing but a closed local port.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  };
  const savedEnvironment = Object.fromEntries(
    Object.keys(environment).map((name) => [name, process.env[name]]),
  );

  // The resumer's batches, told by the table's queries and the Step Functions counters.
  const batches: LoggedBatch[] = [];
  let runs = 0;
  let inRun = false;
  let stepFunctions: ReturnType<typeof simulateStepFunctions> | undefined;
  const batchLog = (() => {
    let current: { at: number; run: number; throttledBefore: number } | undefined;
    const close = () => {
      if (!current) return;
      const throttled = stepFunctions!.counters.throttled > current.throttledBefore;
      batches.push({ at: current.at, run: current.run, throttled });
      current = undefined;
    };
    return {
      begin: () => {
        if (!inRun) return;
        close();
        current = { at: Date.now(), run: runs, throttledBefore: stepFunctions!.counters.throttled };
      },
      close,
    };
  })();

  orderIds();
  let idCount = 0;
  orderedIds = () => `00000000-0000-4000-8000-${(++idCount).toString(16).padStart(12, '0')}`;
  const ledger = new Ledger(count, scenario.stages);
  const shadow = new InMemoryParkedExecutions();
  /** The table of this run, when it is not given: closed at the end. */
  const ownTable =
    givenTable === undefined
      ? new InMemoryTable({ ...TABLE_SCHEMA, tableName: environment.TABLE_NAME! })
      : undefined;
  const table = observedTable(givenTable ?? ownTable!, ledger, shadow, scenario.forgetFaultEvery, () =>
    batchLog.begin(),
  );
  const documents = routeDocumentClient(table.observed);
  const rawDynamoDB = mockClient(DynamoDBClient);
  rawDynamoDB
    .onAnyCommand()
    .rejects(new Error('the functions send DynamoDB commands through the document client'));

  // The bus: `Record Changed` delivered to the enrollment function (the rule), `Enrollment Ended` read.
  const deliveries: PutEventsRequestEntry[] = [];
  let eventIds = 0;
  const bus = mockClient(EventBridgeClient);
  answerSends(bus, async (command) => {
    if (!(command instanceof PutEventsCommand)) throw new Error('the simulated bus takes PutEvents only');
    const entries = command.input.Entries ?? [];
    for (const entry of entries) {
      if (entry.DetailType === 'Record Changed') deliveries.push(entry);
      else if (entry.DetailType === 'Enrollment Ended') {
        const detail = JSON.parse(entry.Detail!) as { recordId: string; outcome: string };
        ledger.ended(detail.recordId, detail.outcome);
      }
    }
    return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: `event-${++eventIds}` })) };
  });

  // The metrics' warning of an invocation that added none (every one but the executor's), dropped.
  const stderrWrite = process.stderr.write;
  process.stderr.write = ((chunk: unknown, ...rest: never[]) =>
    String(chunk).startsWith(EMPTY_METRICS_WARNING)
      ? true
      : stderrWrite.call(process.stderr, chunk as string, ...rest)) as typeof process.stderr.write;

  const setupAt = SIMULATION_START - HOUR;
  const clock = FakeTimers.withGlobal(globalThis).install({
    now: setupAt,
    toFake: ['Date', 'setTimeout', 'clearTimeout'],
    // A timer set before the clock was faked (dynalite's, middy's) is cleared as the real one it is.
    shouldClearNativeTimers: true,
  });
  try {
    // Events: arrivals are kept apart (they are many, and sorted already).
    let seq = 0;
    const events = new MinHeap<SimEvent>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
    const schedule = (at: number, run: SimEvent['run']) => events.push({ at, seq: seq++, run });
    const arrivals = arrivalsOf(count, scenario.cohorts, scenario.importMs);
    let nextArrival = 0;
    const nextArrivalAt = () =>
      nextArrival < count ? arrivals.at[arrivals.order[nextArrival]!]! : Number.POSITIVE_INFINITY;
    let requests = 0;
    const context = (name: string, remainingMs: () => number = () => 15 * MINUTE) =>
      lambdaContext(name, ++requests, remainingMs);

    // Executions: open from their start until their first Task, which ends them or continues as new (parked).
    let open = 0;
    let maxOpen = 0;
    let accepted = 0;
    let heldBeyondThreshold = 0;
    let taskErrors = 0;
    const report = (what: string, error: unknown) => {
      if (taskErrors === 0) console.error(`${what} of the simulation failed:`, error);
      taskErrors += 1;
    };
    let functions: Functions | undefined;
    const forgetCalls = () => {
      stepFunctions?.forgetCalls();
      documents.resetHistory();
      bus.resetHistory();
    };
    /** The change publisher (the stream wakes it), then each `Record Changed` to the enrollment function. */
    const publishChanges = async () => {
      await functions!.changePublisher({}, context('crm-change-publisher'));
      while (deliveries.length > 0) {
        const entry = deliveries.shift()!;
        await functions!.enrollment(
          deliveredEvent(entry, `delivery-${++requests}`),
          context('crm-enrollment'),
        );
      }
      // The mocks keep every call for inspection: forgotten here, between invocations, or the heap fills up.
      if (!inRun) forgetCalls();
    };
    const firstTask = async (executionArn: string, state: ExecutionState, startedAt: string) => {
      const request: TaskRequest = {
        kind: 'action',
        actionId: state.resumeAt ?? FIRST_ACTION,
        state,
        executionId: executionArn,
        startedAt,
      };
      try {
        const next = await functions!.executor(request, context('crm-executor'));
        if (next?.continueAt) {
          await functions!.executor(
            { ...request, actionId: next.continueAt.resumeAt, state: next },
            context('crm-executor'),
          );
        }
      } catch (error) {
        if ((error as Error).name !== ERRORS.continued) report('a Task', error);
      } finally {
        open -= 1;
      }
      try {
        await publishChanges();
      } catch (error) {
        report('a change publication', error);
      }
    };
    stepFunctions = simulateStepFunctions({
      now: () => Date.now(),
      quota: scenario.quota,
      stateMachineArnPrefix: STATE_MACHINES,
      onStart: async ({ name, executionArn, input: state }) => {
        const now = Date.now();
        ledger.started(name, state, now);
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
          stepFunctions!.drawOther(load.perSecond),
        );
      }
    }

    // The deployment: its functions loaded, the two workflows created and activated (their state machines created).
    functions = await loadFunctions(environment, scenario.stages);
    const { system } = functions;
    const workflowOf = new Map<boolean, string>();
    for (const windowed of [true, false]) {
      const workflow = await system.services.workflows.create(nurture(windowed, scenario.stages));
      await system.activation.activate(workflow.id, { enrollExisting: false });
      workflowOf.set(windowed, workflow.id);
    }
    await publishChanges();

    /** A contact created (the API's record service), its `Record Changed` enrolling it (parked). */
    const arrive = async (index: number) => {
      const record = await system.services.records.create('contacts', {
        lifecyclestage: arrivals.windowed[index] ? STAGE_OF.windowed : STAGE_OF.plain,
        leadstatus: 'new',
      });
      ledger.indexOfRecord.set(record.id, index);
      try {
        await publishChanges();
      } catch (error) {
        report('an enrollment', error);
      }
    };
    const moveTo = (at: number) => {
      if (at > Date.now()) clock.tick(at - Date.now());
    };
    /** Runs every arrival and event due by the clock's instant, in order. */
    const runDue = async () => {
      for (;;) {
        const event = events.peek();
        const eventAt = event?.at ?? Number.POSITIVE_INFINITY;
        const arrivalAt = nextArrivalAt();
        if (Math.min(eventAt, arrivalAt) > Date.now()) return;
        if (arrivalAt <= eventAt) await arrive(arrivals.order[nextArrival++]!);
        else {
          events.pop();
          await event!.run();
        }
      }
    };
    /** Moves the clock to `to`, running every arrival and event due by then at its instant. */
    const advance = async (to: number) => {
      for (;;) {
        const at = Math.min(events.peek()?.at ?? Number.POSITIVE_INFINITY, nextArrivalAt());
        if (at > to) break;
        moveTo(at);
        await runDue();
      }
      moveTo(to);
    };
    /** Until nothing but the clock can move the functions on: no table request in flight. */
    const settle = async () => {
      do await new Promise<void>((resolve) => setImmediate(resolve));
      while (table.inFlight() > 0);
    };
    /**
     * One invocation of the resumer function, its sleeps on the simulation's clock: while it waits on a timer, the
     * events due before that timer run at their instants. Whether it succeeded.
     */
    const invokeResumer = async (deadline: number): Promise<boolean> => {
      let outcome: boolean | undefined;
      functions!
        .resumer(
          {},
          context('crm-resumer', () => deadline - Date.now()),
        )
        .then(
          () => {
            outcome = true;
          },
          () => {
            outcome = false;
          },
        );
      for (;;) {
        await settle();
        if (outcome !== undefined) return outcome;
        if (clock.countTimers() === 0) throw new Error('the resumer waits on something the clock cannot end');
        const eventAt = Math.min(events.peek()?.at ?? Number.POSITIVE_INFINITY, nextArrivalAt());
        let driven = false;
        const driver =
          eventAt === Number.POSITIVE_INFINITY
            ? undefined
            : setTimeout(
                () => {
                  driven = true;
                },
                Math.max(0, eventAt - Date.now()),
              );
        clock.next();
        if (driven) await runDue();
        else if (driver !== undefined) clearTimeout(driver);
      }
    };

    let failedRuns = 0;
    let overlappingRuns = 0;
    const period = scenario.schedulePeriodMs;
    const tickAtOrAfter = (at: number) =>
      SIMULATION_START + Math.ceil((at - SIMULATION_START) / period) * period;
    let day = 0;
    for (;;) {
      if (onProgress && Date.now() >= SIMULATION_START + (day + 1) * DAY) {
        day = Math.floor((Date.now() - SIMULATION_START) / DAY);
        onProgress({
          day,
          arrived: nextArrival,
          executionsStarted: accepted,
          parked: shadow.size,
          open,
          ...(ownTable ? { items: ownTable.size, storedBytes: ownTable.storedBytes } : {}),
          wallMs: performance.now() - wallStart,
          cpuMs: cpuMsSince(cpuStart),
        });
      }
      const next = Math.min(
        events.peek()?.at ?? Number.POSITIVE_INFINITY,
        nextArrivalAt(),
        shadow.earliestDueMs() - scenario.aheadMs,
      );
      if (next === Number.POSITIVE_INFINITY) break;
      const tick = Math.max(tickAtOrAfter(Date.now() + 1), tickAtOrAfter(next));
      await advance(tick);
      if (shadow.earliestDueMs() - scenario.aheadMs > Date.now()) continue;
      runs += 1;
      inRun = true;
      if (!(await invokeResumer(tick + scenario.lambdaTimeoutMs))) failedRuns += 1;
      inRun = false;
      batchLog.close();
      if (Date.now() > tick + period) overlappingRuns += 1;
      forgetCalls();
    }
    const left = await createDynamoDBParkedExecutions(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
      tableName: environment.TABLE_NAME!,
    }).due('9999-12-31T00:00:00.000Z', 1_000);

    const { counters } = stepFunctions;
    const figures = figuresOf(ledger, arrivals, scenario, batches, counters.callsPerSecond);
    return {
      scenario,
      simulatedMs: Date.now() - SIMULATION_START,
      wallMs: performance.now() - wallStart,
      cpuMs: cpuMsSince(cpuStart),
      executionsStarted: accepted,
      startCalls: counters.calls,
      throttledCalls: counters.throttled,
      duplicateCalls: counters.duplicates,
      otherCalls: counters.other,
      maxOpen,
      openBound:
        scenario.ratePerSecond * (Math.floor((scenario.aheadMs + scenario.taskLatencyMs) / SECOND) + 1),
      maxParked: table.maxParked(),
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
        startedOffDue: ledger.startedOffDue,
        leftParked: Math.max(shadow.size, left.length),
        leftOpen: open,
        taskErrors,
        overlappingRuns,
      },
    };
  } finally {
    ownTable?.close();
    process.stderr.write = stderrWrite;
    clock.uninstall();
    stepFunctions?.restore();
    documents.restore();
    rawDynamoDB.restore();
    bus.restore();
    orderedIds = undefined;
    for (const [name, value] of Object.entries(savedEnvironment)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
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
    notSpread: 0,
    notCompleted: 0,
    secondsOverRate: 0,
    throttledNotRetried: 0,
  };
  const lateness: number[] = [];
  const windowedLateness: number[] = [];
  const spreadMinutes = new Set<number>();
  let moved = 0;
  /**
   * A windowed enrollment's first delay (7 days from its arrival, January has no clock change in Paris) ends at that
   * instant inside the Monday 09:00–17:00 window; outside it, in the first 15 minutes of the next window.
   */
  const checkSpread = (index: number, due: number) => {
    const end = DateTime.fromMillis(arrivals.at[index]! + 7 * DAY, { zone: ZONE });
    const opening = end.set({ hour: WINDOW_START_HOUR, minute: 0, second: 0, millisecond: 0 });
    const closing = opening.set({ hour: WINDOW_END_HOUR });
    if (end.weekday === 1 && end >= opening && end < closing) {
      if (due !== end.toMillis()) violations.notSpread += 1;
      return;
    }
    const daysToOpening = end.weekday === 1 ? (end < opening ? 0 : 7) : 8 - end.weekday;
    const offset = due - opening.plus({ days: daysToOpening }).toMillis();
    moved += 1;
    if (offset >= 0 && offset < 15 * MINUTE) spreadMinutes.add(Math.floor(offset / MINUTE));
    else violations.notSpread += 1;
  };
  /** +1 at each due instant (odd), −1 at each release (even): a release at the due instant sorts first. */
  const backlogMoves: number[] = [];
  for (let index = 0; index < ledger.count; index++) {
    if (ledger.status[index] !== 1) violations.notCompleted += 1;
    for (let stage = 0; stage < scenario.stages; stage++) {
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
        if (stage === 0) checkSpread(index, due);
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
    if (!entry.throttled) continue;
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
      throttledBatches: batches.filter((entry) => entry.throttled).length,
      lateness: spreadOf(lateness),
      windowedLateness: spreadOf(windowedLateness),
      spread: { moved, minutes: spreadMinutes.size },
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
    `${scenario.enrollments.toLocaleString('en')} enrollments in 7-day delays (` +
      `${scenario.stages === 1 ? 'one parked stage' : 'two parked stages'} each; ` +
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
    `windowed first delays ending outside the window: ${result.spread.moved.toLocaleString('en')}, moved to the ` +
      `next opening, over ${result.spread.minutes} of its first 15 minutes`,
    broken.length === 0
      ? 'invariants: all held'
      : `invariants NOT held: ${broken.map(([name, n]) => `${name} ${n}`).join(', ')}`,
  ];
  return lines.join('\n');
};
