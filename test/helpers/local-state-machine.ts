import { StateMachine } from 'aws-local-stepfunctions';
import type { StateMachineDefinition } from '../../shared/core/compiler/asl.types.ts';
import type { ExecutionState, TaskRequest, TaskResponse } from '../../shared/core/contract/task-contract.ts';

/** An event of the local execution log (the package does not export its type). */
export interface ExecutionEvent {
  readonly type: string;
  readonly state?: { readonly name: string };
}

/** How an execution ended: its output, or the error name of the Fail state (or failure) that ended it. */
export type ExecutionOutcome =
  | { readonly status: 'succeeded'; readonly output: unknown; readonly events: readonly ExecutionEvent[] }
  | { readonly status: 'failed'; readonly error: string; readonly events: readonly ExecutionEvent[] };

/** What a Task state asks of the executor: the request, and the token when the Task waits for one. */
export interface TaskInvocation {
  readonly state: string;
  readonly request: TaskRequest;
  readonly taskToken?: string;
}

export interface LocalExecutionOptions {
  /** The execution's id (`$$.Execution.Id`); the task token is derived from it. */
  readonly executionId: string;
  /** When the execution began on the system's clock (the package would take the real clock's). */
  readonly startedAt: string;
  /** Runs one Task: returns its output (for a token Task, the answer sent with task success). */
  readonly invokeTask: (invocation: TaskInvocation) => Promise<TaskResponse | undefined>;
  /** When true, Wait states and retry intervals do not sleep: the caller moves its own clock. */
  readonly skipWaits?: boolean;
}

/** The error a Task throws to say that its state's timeout passed (what Step Functions raises). */
export class StatesTimeout extends Error {
  override readonly name = 'States.Timeout';
}

/** The task token of an execution's token Tasks (one event wait at a time per execution). */
export const taskTokenOf = (executionId: string): string => `${executionId}:token`;

const requestOf = (raw: unknown, waitsForToken: boolean): TaskRequest =>
  (waitsForToken ? (raw as { Payload: TaskRequest }).Payload : raw) as TaskRequest;

/**
 * Runs a compiled state machine definition with aws-local-stepfunctions, every Task answered by
 * `invokeTask`. The package has no task tokens and sets `$$.Execution.StartTime` from the real clock:
 * the token comes from the context, and `startedAt` replaces the start instant in every request.
 * @example await runStateMachine(compileWorkflow(json, { actionFunctionArn }), input, { executionId, startedAt, invokeTask })
 */
export const runStateMachine = async (
  definition: StateMachineDefinition,
  input: ExecutionState,
  options: LocalExecutionOptions,
): Promise<ExecutionOutcome> => {
  const machine = new StateMachine(structuredClone(definition) as never, {
    validationOptions: { checkArn: true, checkPaths: true },
  });
  const taskToken = taskTokenOf(options.executionId);
  const handlers: Record<string, (raw: unknown) => Promise<never>> = {};
  const waits: Record<string, number> = {};
  const retries: Record<string, number> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type === 'Wait') waits[name] = 0;
    if (state.Type !== 'Task') continue;
    retries[name] = 0;
    const waitsForToken = state.Resource.endsWith('.waitForTaskToken');
    handlers[name] = async (raw) => {
      const request: TaskRequest = { ...requestOf(raw, waitsForToken), startedAt: options.startedAt };
      const invocation = waitsForToken ? { state: name, request, taskToken } : { state: name, request };
      return (await options.invokeTask(invocation)) as never;
    };
  }
  const execution = machine.run(input as never, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      ...(options.skipWaits ? { waitTimeOverrides: waits, retryIntervalOverrides: retries } : {}),
    },
    context: {
      Execution: { Id: options.executionId, Input: input as never, StartTime: options.startedAt },
      Task: { Token: taskToken },
    },
  });
  const events: ExecutionEvent[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) events.push(event as ExecutionEvent);
  })();
  try {
    const output = await execution.result;
    await collecting;
    return { status: 'succeeded', output, events };
  } catch (error) {
    await collecting.catch(() => undefined);
    // The package wraps the failure: its cause carries the Fail state's error name.
    const failure = error as Error & { cause?: Error };
    return { status: 'failed', error: failure.cause?.name ?? failure.name, events };
  }
};
