import { StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDefinition } from '../../shared/core/compiler/asl.types.ts';
import type { ExecutionState, TaskRequest } from '../../shared/core/contract/task-contract.ts';
import { executeTask } from '../../shared/core/executor/execute-task.ts';
import type { InMemoryWorld } from './in-memory-world.ts';

/** An event of the local execution log (the package does not export its type). */
export interface EventLog {
  readonly type: string;
  readonly state?: { readonly name: string };
}

export interface LocalRun {
  readonly status: 'succeeded' | 'failed';
  readonly output?: unknown;
  readonly error?: string;
  readonly events: EventLog[];
  /** Names of the states entered, in order (retries not repeated). */
  readonly entered: string[];
  /** Task invocations: state name and the instant it ran on the world's clock. */
  readonly tasks: { state: string; at: string }[];
}

export interface RunControl {
  /** Called when an event-wait task starts waiting: answer with 'met' (after changing the record) or 'timeout'. */
  readonly onWait?: (token: string) => Promise<'met' | 'timeout'>;
  /** Called before each Task runs (after the clock moved to its instant): a test changes the world here. */
  readonly beforeTask?: (state: string) => void;
  readonly executionId?: string;
}

const timeoutError = (): Error => Object.assign(new Error('the task timed out'), { name: 'States.Timeout' });

/**
 * The package times a Task's `TimeoutSeconds` with `setTimeout`, whose delay is at most 2^31 − 1 ms
 * (~24.8 days): a longer one prints a TimeoutOverflowWarning and fires after 1 ms, timing the Task out
 * at once. No test waits that long (the runner answers token tasks itself), so longer timeouts are
 * shortened to the longest timer.
 */
const MAX_TIMER_SECONDS = Math.floor(0x7fffffff / 1000);

/** A copy of `definition` the package can run: Task timeouts within what its timers hold. */
const runnable = (definition: StateMachineDefinition): StateMachineDefinition => {
  const copy = structuredClone(definition);
  for (const state of Object.values(copy.States)) {
    if (state.Type === 'Task' && state.TimeoutSeconds !== undefined) {
      state.TimeoutSeconds = Math.min(state.TimeoutSeconds, MAX_TIMER_SECONDS);
    }
  }
  return copy;
};

/**
 * Executes a compiled definition with aws-local-stepfunctions, every Task answered by the
 * executor over the in-memory world. Waits do not sleep: the world's clock jumps to the
 * instant the Wait was for when the next Task runs. Retries do not sleep either. A Task's own
 * timeout is a real timer of the package: a test that lets one expire uses fake timers.
 */
export const runLocally = async (
  definition: StateMachineDefinition,
  input: ExecutionState,
  world: InMemoryWorld,
  control: RunControl = {},
): Promise<LocalRun> => {
  const executionId = control.executionId ?? `exec-${Math.random().toString(36).slice(2)}`;
  const token = `${executionId}:token`;
  const machine = new StateMachine(runnable(definition) as never, {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  const tasks: { state: string; at: string }[] = [];
  const startedAt = world.now.toISOString();
  const handlers: Record<string, (input: unknown) => Promise<never>> = {};
  const waits: Record<string, number> = {};
  const retries: Record<string, number> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Wait') waits[name] = 0;
    if (state.Type !== 'Task') continue;
    retries[name] = 0;
    handlers[name] = async (raw) => {
      const isToken = state.Resource.endsWith('.waitForTaskToken');
      const sent = (isToken ? (raw as { Payload: TaskRequest }).Payload : raw) as TaskRequest;
      // The package sets $$.Execution.StartTime from the real clock: the world's clock is the one that counts.
      const request: TaskRequest = { ...sent, startedAt };
      world.advanceTo(request.state.runAt);
      tasks.push({ state: name, at: world.now.toISOString() });
      control.beforeTask?.(name);
      const response = await executeTask(request, world.ports());
      if (!isToken) return response as never;
      const answered = world.tokenAnswers.get(token);
      if (answered) {
        world.tokenAnswers.delete(token);
        return answered as never;
      }
      const outcome = (await control.onWait?.(token)) ?? 'timeout';
      const answer = world.tokenAnswers.get(token);
      if (outcome === 'timeout' || !answer) throw timeoutError();
      world.tokenAnswers.delete(token);
      return answer as never;
    };
  }
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      waitTimeOverrides: waits,
      retryIntervalOverrides: retries,
    },
    context: {
      Execution: { Id: executionId, Input: input as never, StartTime: startedAt },
      Task: { Token: token },
    },
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event as EventLog);
  })();
  let result: LocalRun;
  try {
    const output = await execution.result;
    await collecting;
    result = { status: 'succeeded', output, events, entered: [], tasks };
  } catch (error) {
    await collecting.catch(() => undefined);
    // The package wraps the failure: its cause carries the Fail state's error name.
    const failure = error as Error & { cause?: Error };
    result = { status: 'failed', error: failure.cause?.name ?? failure.name, events, entered: [], tasks };
  }
  const entered = events.flatMap((event) =>
    event.type === 'StateEntered' && event.state ? [event.state.name] : [],
  );
  return { ...result, entered };
};
