import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/ports/clock.ts';
import type { ExecutionStore, Progress, StoredExecution } from './execution-store.ts';
import { type AslDocument, InvalidDefinition, PreparedMachine } from './prepared-machine.ts';
import { retrierFor, retryDelayMs } from './retry-policy.ts';
import { applyParameters, type TaskContext } from './task-parameters.ts';

/** An error Step Functions' API answers with (`__type`), for the SFN endpoint to render. */
export class StepFunctionsError extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
    this.name = type;
  }
}

/** The local region and account of every ARN the engine makes. */
export const LOCAL_REGION = 'local';
export const LOCAL_ACCOUNT = '000000000000';

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** How long after a fault of the engine or its store a segment is tried again. */
const FAULT_RETRY_MS = 5_000;

export interface DurableStepFunctionsOptions {
  readonly store: ExecutionStore;
  readonly clock: Clock;
  /** Invokes a Lambda function (the executor) with a Task's payload and returns its result; throws its error. */
  readonly invokeFunction: (functionArn: string, payload: unknown) => Promise<unknown>;
  /** How many executions go on at once (default 8). */
  readonly concurrency?: number;
  readonly logError: (error: unknown) => void;
}

/** What a token Task fails with when its timeout passes. */
const TIMED_OUT = { error: 'States.Timeout', cause: 'the task timed out' } as const;

const failureError = (failure: { readonly error: string; readonly cause: string }): Error =>
  Object.assign(new Error(failure.cause), { name: failure.error });

interface TokenRef {
  readonly executionArn: string;
  readonly state: string;
}

const encodeToken = (ref: TokenRef): string =>
  Buffer.from(JSON.stringify({ e: ref.executionArn, s: ref.state, n: randomUUID() })).toString('base64url');

const decodeToken = (token: string): TokenRef => {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      e?: unknown;
      s?: unknown;
    };
    if (typeof parsed.e === 'string' && typeof parsed.s === 'string')
      return { executionArn: parsed.e, state: parsed.s };
  } catch {}
  throw new StepFunctionsError('InvalidToken', 'Invalid Token: the task token is not one of this runtime');
};

const errorNameOf = (error: unknown): string => (error instanceof Error ? error.name : 'Error');
const iso = (ms: number) => new Date(ms).toISOString();

/** An answer to a token that arrived while its Task was still running. */
interface EarlyAnswer {
  output?: unknown;
  failure?: { readonly error: string; readonly cause: string };
}

/**
 * Step Functions (Standard) for the embedded runtime: the compiled ASL runs in aws-local-stepfunctions, and every
 * instant — Wait states, retry intervals, token Tasks' timeouts — is a durable timer in the table, never a process
 * timer. An execution runs in segments: from its checkpoint until it must wait, then its new checkpoint and due
 * instant are written and the segment ends; `fireDue()` runs the segments whose instant has come, earliest first.
 * After a crash a segment runs again from its last checkpoint (the executor's effects are idempotent by key).
 */
export const createDurableStepFunctions = (options: DurableStepFunctionsOptions) => {
  const { store, clock } = options;
  const concurrency = options.concurrency ?? 8;
  const machines = new Map<string, Promise<PreparedMachine>>();
  const segments = new Map<string, Promise<void>>();
  const early = new Map<string, EarlyAnswer>();
  const answersAfterSegment = new Map<string, (() => Promise<void>)[]>();
  /** Executions stopped while a segment of theirs runs: the segment ends at its next Task. */
  const stopped = new Set<string>();
  let active = 0;
  const slots: (() => void)[] = [];

  const now = () => clock.now().getTime();

  const machineOf = (stateMachineArn: string): Promise<PreparedMachine> => {
    let machine = machines.get(stateMachineArn);
    if (!machine) {
      machine = (async () => {
        const stored = await store.stateMachine(stateMachineArn);
        if (!stored)
          throw new StepFunctionsError(
            'StateMachineDoesNotExist',
            `State Machine Does Not Exist: '${stateMachineArn}'`,
          );
        return new PreparedMachine(JSON.parse(stored.definition) as AslDocument);
      })();
      machine.catch(() => machines.delete(stateMachineArn));
      machines.set(stateMachineArn, machine);
    }
    return machine;
  };

  const acquire = async () => {
    if (active < concurrency) {
      active += 1;
      return;
    }
    await new Promise<void>((resolve) => slots.push(resolve));
  };
  const release = () => {
    const next = slots.shift();
    if (next) next();
    else active -= 1;
  };

  /** Runs `work` for an execution when no segment of it runs (one at a time per execution). */
  const exclusively = (executionArn: string, work: () => Promise<void>): Promise<void> => {
    const previous = segments.get(executionArn) ?? Promise.resolve();
    const current = previous
      .catch(() => undefined)
      .then(work)
      .finally(async () => {
        if (segments.get(executionArn) === current) {
          segments.delete(executionArn);
          stopped.delete(executionArn);
        }
        for (const answer of answersAfterSegment.get(executionArn)?.splice(0) ?? []) await answer();
      });
    segments.set(executionArn, current);
    return current;
  };

  /** One segment: from the checkpoint until the execution waits, ends, fails or is stopped. */
  const runSegment = async (execution: StoredExecution): Promise<void> => {
    const { executionArn, checkpoint } = execution;
    if (!checkpoint) return;
    const machine = await machineOf(execution.stateMachineArn);
    const entry = checkpoint.fail ? checkpoint : machine.entryFor(checkpoint.state, checkpoint.input);
    let retries: Record<string, number> = { ...(execution.retries ?? {}) };
    let parked = false;
    let failPending = checkpoint.fail;
    let abort: () => void = () => undefined;

    const park = async (progress: Progress): Promise<void> => {
      parked = true;
      await store.progress(executionArn, { ...progress, retries });
      // Deferred: the package's first Task may run before `run()` has returned its abort.
      await Promise.resolve();
      abort();
    };
    const stillRunning = async (): Promise<boolean> => {
      if (parked) return false;
      if (!stopped.has(executionArn)) return true;
      parked = true;
      await Promise.resolve();
      abort();
      return false;
    };

    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const name of machine.waits.keys()) {
      handlers[name] = async (input) => {
        if (parked) return input;
        const until = machine.waitUntil(name, input, now());
        if (until > now()) await park({ checkpoint: { state: name, input }, dueAt: iso(until) });
        return input;
      };
    }
    for (const [name, plan] of machine.tasks) {
      handlers[name] = async (input) => {
        if (!(await stillRunning())) return null;
        const token = plan.waitsForToken ? encodeToken({ executionArn, state: name }) : undefined;
        const context: TaskContext = {
          Execution: {
            Id: executionArn,
            Name: execution.name,
            StartTime: execution.startDate,
            Input: JSON.parse(execution.input),
          },
          State: { Name: name, EnteredTime: iso(now()) },
          StateMachine: { Id: execution.stateMachineArn },
          ...(token ? { Task: { Token: token } } : {}),
        };
        const parameters = applyParameters(plan.parameters, input, context) as Record<string, unknown>;
        const functionArn = plan.waitsForToken ? String(parameters?.FunctionName) : plan.resource;
        const payload = plan.waitsForToken ? parameters?.Payload : (parameters ?? input);
        if (!functionArn.startsWith('arn:aws:lambda:')) {
          throw Object.assign(new Error(`${name}: the embedded runtime invokes Lambda functions only`), {
            name: 'States.Runtime',
          });
        }
        try {
          if (failPending && name === checkpoint.state) {
            const failure = failPending;
            failPending = undefined;
            throw failureError(failure);
          }
          if (token) early.set(token, {});
          const result = await options.invokeFunction(functionArn, payload);
          const { [name]: _done, ...others } = retries;
          retries = others;
          if (!token) return result;
          const answered = early.get(token);
          if (answered?.failure) throw failureError(answered.failure);
          if (answered && 'output' in answered) return answered.output;
          const timeoutAt =
            plan.timeoutSeconds === undefined ? undefined : iso(now() + plan.timeoutSeconds * 1000);
          await park({
            checkpoint: { state: name, input, fail: TIMED_OUT },
            waiting: { token, state: name, input },
            ...(timeoutAt ? { dueAt: timeoutAt } : {}),
          });
          // An answer that landed while the wait was being written is given once this segment has ended.
          const late = early.get(token);
          if (late && (late.failure || 'output' in late)) {
            const queue = answersAfterSegment.get(executionArn) ?? [];
            queue.push(() =>
              late.failure
                ? sendTaskFailure(token, late.failure.error, late.failure.cause)
                : sendTaskSuccess(token, late.output),
            );
            answersAfterSegment.set(executionArn, queue);
          }
          return null;
        } catch (error) {
          const retrier = retrierFor(plan.retry, errorNameOf(error));
          const retried = retries[name] ?? 0;
          const delay = retrier ? retryDelayMs(retrier, retried, `${executionArn}:${name}`) : undefined;
          if (delay !== undefined) {
            retries = { ...retries, [name]: retried + 1 };
            await park({ checkpoint: { state: name, input }, dueAt: iso(now() + delay) });
            return null;
          }
          const { [name]: _failed, ...others } = retries;
          retries = others;
          throw error;
        } finally {
          if (token) early.delete(token);
        }
      };
    }

    const run = machine.machineFrom(entry.state).run(entry.input as never, {
      noThrowOnAbort: true,
      overrides: { taskResourceLocalHandlers: handlers as never },
      context: {
        Execution: { Id: executionArn, Name: execution.name, StartTime: execution.startDate },
      } as never,
    });
    abort = run.abort;
    try {
      const output = await run.result;
      if (parked) return;
      await store.end(executionArn, {
        status: 'SUCCEEDED',
        stopDate: iso(now()),
        output: JSON.stringify(output ?? null),
      });
    } catch (error) {
      if (parked) return;
      // The package wraps the failure: its cause is the error of the state that failed the execution.
      const failure = (error as Error & { cause?: Error }).cause ?? (error as Error);
      await store.end(executionArn, {
        status: 'FAILED',
        stopDate: iso(now()),
        error: failure.name,
        cause: failure.message,
      });
    }
  };

  const runDue = (executionArn: string): Promise<void> =>
    exclusively(executionArn, async () => {
      await acquire();
      try {
        const execution = await store.execution(executionArn);
        if (execution?.status !== 'RUNNING' || execution.dueAt === undefined) return;
        if (Date.parse(execution.dueAt) > now()) return;
        try {
          await runSegment(execution);
        } catch (error) {
          // A fault of the engine or its store, not of the workflow: the checkpoint stays, tried again later.
          options.logError(error);
          await store.progress(executionArn, {
            ...(execution.checkpoint ? { checkpoint: execution.checkpoint } : {}),
            ...(execution.waiting ? { waiting: execution.waiting } : {}),
            ...(execution.retries ? { retries: execution.retries } : {}),
            dueAt: iso(now() + FAULT_RETRY_MS),
          });
        }
      } catch (error) {
        options.logError(error);
      } finally {
        release();
      }
    });

  const sendTaskSuccess = async (taskToken: string, output: unknown): Promise<void> => {
    const ref = decodeToken(taskToken);
    const pending = early.get(taskToken);
    if (pending) {
      pending.output = output;
      return;
    }
    await exclusively(ref.executionArn, async () => {
      const execution = await store.execution(ref.executionArn);
      if (execution?.status !== 'RUNNING' || execution.waiting?.token !== taskToken) {
        throw new StepFunctionsError(
          'TaskTimedOut',
          'Task Timed Out: the token was answered, timed out or its execution ended',
        );
      }
      const machine = await machineOf(execution.stateMachineArn);
      const next = machine.tasks.get(ref.state)?.next;
      if (next === undefined) {
        await store.end(ref.executionArn, {
          status: 'SUCCEEDED',
          stopDate: iso(now()),
          output: JSON.stringify(output),
        });
        return;
      }
      await store.progress(ref.executionArn, {
        checkpoint: { state: next, input: output },
        dueAt: iso(now()),
      });
    });
    void runDue(ref.executionArn);
  };

  const sendTaskFailure = async (taskToken: string, error: string, cause: string): Promise<void> => {
    const ref = decodeToken(taskToken);
    const pending = early.get(taskToken);
    if (pending) {
      pending.failure = { error, cause };
      return;
    }
    await exclusively(ref.executionArn, async () => {
      const execution = await store.execution(ref.executionArn);
      if (execution?.status !== 'RUNNING' || execution.waiting?.token !== taskToken) {
        throw new StepFunctionsError(
          'TaskTimedOut',
          'Task Timed Out: the token was answered, timed out or its execution ended',
        );
      }
      // The Task is entered again and fails at once with this error (its Retry and Catch apply).
      await store.progress(ref.executionArn, {
        checkpoint: { state: ref.state, input: execution.waiting.input, fail: { error, cause } },
        dueAt: iso(now()),
      });
    });
    void runDue(ref.executionArn);
  };

  return {
    async createStateMachine(input: { name: string; definition: string; roleArn: string }) {
      if (!NAME.test(input.name))
        throw new StepFunctionsError('InvalidName', `Invalid Name: '${input.name}'`);
      let parsed: AslDocument;
      try {
        parsed = JSON.parse(input.definition) as AslDocument;
        new PreparedMachine(parsed).machineFrom(parsed.StartAt);
      } catch (error) {
        throw new StepFunctionsError(
          'InvalidDefinition',
          `Invalid State Machine Definition: ${(error as Error).message}`,
        );
      }
      const stateMachineArn = `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${input.name}`;
      const createdAt = iso(now());
      const created = await store.createStateMachine({
        stateMachineArn,
        name: input.name,
        definition: input.definition,
        roleArn: input.roleArn,
        createdAt,
      });
      if (!created) {
        const existing = await store.stateMachine(stateMachineArn);
        if (existing?.definition !== input.definition || existing.roleArn !== input.roleArn) {
          throw new StepFunctionsError(
            'StateMachineAlreadyExists',
            `State Machine Already Exists: '${stateMachineArn}'`,
          );
        }
        return { stateMachineArn, creationDate: existing.createdAt };
      }
      return { stateMachineArn, creationDate: createdAt };
    },

    async updateStateMachine(input: { stateMachineArn: string; definition?: string; roleArn?: string }) {
      const existing = await store.stateMachine(input.stateMachineArn);
      if (!existing) {
        throw new StepFunctionsError(
          'StateMachineDoesNotExist',
          `State Machine Does Not Exist: '${input.stateMachineArn}'`,
        );
      }
      const definition = input.definition ?? existing.definition;
      try {
        const parsed = JSON.parse(definition) as AslDocument;
        new PreparedMachine(parsed).machineFrom(parsed.StartAt);
      } catch (error) {
        throw new StepFunctionsError(
          'InvalidDefinition',
          `Invalid State Machine Definition: ${(error as Error).message}`,
        );
      }
      const updateDate = iso(now());
      await store.updateStateMachine(
        input.stateMachineArn,
        definition,
        input.roleArn ?? existing.roleArn,
        updateDate,
      );
      machines.delete(input.stateMachineArn);
      return { updateDate };
    },

    async describeStateMachine(stateMachineArn: string) {
      const existing = await store.stateMachine(stateMachineArn);
      if (!existing) {
        throw new StepFunctionsError(
          'StateMachineDoesNotExist',
          `State Machine Does Not Exist: '${stateMachineArn}'`,
        );
      }
      return existing;
    },

    /** Starts an execution, due at once. The same name again: the same execution if its input is the same. */
    async startExecution(input: { stateMachineArn: string; name?: string; input?: string }) {
      const name = input.name ?? randomUUID();
      if (!NAME.test(name)) throw new StepFunctionsError('InvalidName', `Invalid Name: '${name}'`);
      const text = input.input ?? '{}';
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new StepFunctionsError('InvalidExecutionInput', 'Invalid Execution Input: not JSON');
      }
      const machine = await machineOf(input.stateMachineArn);
      const executionArn = `${input.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
      const startDate = iso(now());
      const created = await store.createExecution({
        executionArn,
        stateMachineArn: input.stateMachineArn,
        name,
        status: 'RUNNING',
        input: text,
        startDate,
        checkpoint: { state: machine.startAt, input: parsed },
        dueAt: startDate,
      });
      if (!created) {
        const existing = await store.execution(executionArn);
        if (existing?.status !== 'RUNNING' || existing.input !== text) {
          throw new StepFunctionsError(
            'ExecutionAlreadyExists',
            `Execution Already Exists: '${executionArn}'`,
          );
        }
        return { executionArn, startDate: existing.startDate };
      }
      void runDue(executionArn);
      return { executionArn, startDate };
    },

    async stopExecution(input: { executionArn: string; error?: string; cause?: string }) {
      const existing = await store.execution(input.executionArn);
      if (!existing) {
        throw new StepFunctionsError(
          'ExecutionDoesNotExist',
          `Execution Does Not Exist: '${input.executionArn}'`,
        );
      }
      const stopDate = iso(now());
      if (segments.has(input.executionArn)) stopped.add(input.executionArn);
      await store.end(input.executionArn, {
        status: 'ABORTED',
        stopDate,
        ...(input.error === undefined ? {} : { error: input.error }),
        ...(input.cause === undefined ? {} : { cause: input.cause }),
      });
      return { stopDate: (await store.execution(input.executionArn))?.stopDate ?? stopDate };
    },

    async describeExecution(executionArn: string): Promise<StoredExecution> {
      const existing = await store.execution(executionArn);
      if (!existing) {
        throw new StepFunctionsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
      }
      return existing;
    },

    sendTaskSuccess,
    sendTaskFailure,

    /**
     * Runs every execution due now, earliest first, and resolves once they have all reached their next wait or
     * their end (segments they start, like continue-as-new and answers, included).
     */
    async fireDue(): Promise<number> {
      let fired = 0;
      // Each execution once per call: one whose segment failed is due again later, not in a loop now.
      const seen = new Set<string>();
      for (;;) {
        const due = await store.due(iso(now()), 100);
        const fresh = due.filter(
          ({ executionArn }) => !segments.has(executionArn) && !seen.has(executionArn),
        );
        for (const { executionArn } of fresh) seen.add(executionArn);
        if (fresh.length === 0) {
          if (segments.size === 0) return fired;
          await Promise.allSettled([...segments.values()]);
          continue;
        }
        fired += fresh.length;
        await Promise.allSettled(fresh.map(({ executionArn }) => runDue(executionArn)));
      }
    },

    /** The earliest instant an execution is due at, if any. */
    nextDue: () => store.nextDue(),

    /** Whether a segment is running now. */
    busy: () => segments.size > 0,

    /** Resolves once no segment runs. */
    async idle(): Promise<void> {
      while (segments.size > 0) await Promise.allSettled([...segments.values()]);
    },
  };
};

export type DurableStepFunctions = ReturnType<typeof createDurableStepFunctions>;
export { InvalidDefinition };
