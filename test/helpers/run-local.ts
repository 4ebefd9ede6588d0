import type { StateMachineDefinition } from '../../shared/core/compiler/asl.types.ts';
import type { ExecutionState } from '../../shared/core/contract/task-contract.ts';
import { executeTask } from '../../shared/core/executor/execute-task.ts';
import type { InMemoryWorld } from './in-memory-world.ts';
import { type ExecutionEvent, runStateMachine, StatesTimeout } from './local-state-machine.ts';

export interface LocalRun {
  readonly status: 'succeeded' | 'failed';
  readonly output?: unknown;
  readonly error?: string;
  readonly events: ExecutionEvent[];
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
 * Executes a compiled definition with the embedded runtime's runner, every Task answered by the
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
  const tasks: { state: string; at: string }[] = [];
  const outcome = await runStateMachine(runnable(definition), input, {
    executionId,
    startedAt: world.now.toISOString(),
    skipWaits: true,
    invokeTask: async ({ state, request, taskToken }) => {
      world.advanceTo(request.state.runAt);
      tasks.push({ state, at: world.now.toISOString() });
      control.beforeTask?.(state);
      const response = await executeTask(request, world.ports());
      if (taskToken === undefined) return response;
      const answered = world.tokenAnswers.get(taskToken);
      if (answered) {
        world.tokenAnswers.delete(taskToken);
        return answered;
      }
      const waited = (await control.onWait?.(taskToken)) ?? 'timeout';
      const answer = world.tokenAnswers.get(taskToken);
      if (waited === 'timeout' || !answer) throw new StatesTimeout('the task timed out');
      world.tokenAnswers.delete(taskToken);
      return answer;
    },
  });
  const events = [...outcome.events];
  const entered = events.flatMap((event) =>
    event.type === 'StateEntered' && event.state ? [event.state.name] : [],
  );
  return outcome.status === 'succeeded'
    ? { status: 'succeeded', output: outcome.output, events, entered, tasks }
    : { status: 'failed', error: outcome.error, events, entered, tasks };
};
