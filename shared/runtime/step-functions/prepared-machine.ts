import { StateMachine } from 'aws-local-stepfunctions';
import type { Retrier } from '../../core/compiler/asl.types.ts';

/** A state of an ASL document, as far as the engine reads it. */
interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Resource?: string;
  readonly TimeoutSeconds?: number;
  readonly Retry?: readonly Retrier[];
  readonly Seconds?: number;
  readonly Timestamp?: string;
  readonly SecondsPath?: string;
  readonly TimestampPath?: string;
  readonly Choices?: readonly {
    readonly Variable?: string;
    readonly StringEquals?: string;
    readonly Next: string;
  }[];
  readonly [field: string]: unknown;
}

export interface AslDocument {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly [field: string]: unknown;
}

/** What the engine keeps of a Task: its own retry policy and timeout, which the engine applies durably. */
export interface TaskPlan {
  readonly resource: string;
  readonly parameters?: unknown;
  readonly retry: readonly Retrier[];
  readonly timeoutSeconds?: number;
  readonly waitsForToken: boolean;
  readonly next?: string;
}

/** A definition the engine cannot run (Step Functions' `InvalidDefinition`). */
export class InvalidDefinition extends Error {
  override readonly name = 'InvalidDefinition';
}

/** The resource of the Task that stands for a Wait state (answered by the engine itself). */
const DURABLE_WAIT_RESOURCE = 'arn:aws:lambda:local:000000000000:function:durable-wait';

/**
 * A state machine definition ready for aws-local-stepfunctions with durable time: each Wait state becomes a Task the
 * engine answers (it parks the execution until the instant), and each Task loses its `Retry` and `TimeoutSeconds`,
 * which the engine applies itself from the stored state, so that no interval is ever held in a process timer.
 * Everything else — Choice, Catch, Pass, Fail, paths — is the package's, on the very document.
 */
export class PreparedMachine {
  readonly waits = new Map<string, AslState>();
  readonly tasks = new Map<string, TaskPlan>();
  readonly #runnable: AslDocument;
  readonly #original: AslDocument;
  readonly #machines = new Map<string, StateMachine>();

  constructor(definition: AslDocument) {
    this.#original = definition;
    const states: Record<string, AslState> = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type === 'Wait') {
        this.waits.set(name, state);
        const { Seconds, Timestamp, SecondsPath, TimestampPath, Type, ...rest } = state;
        states[name] = { ...rest, Type: 'Task', Resource: DURABLE_WAIT_RESOURCE };
        continue;
      }
      if (state.Type === 'Task') {
        const { Retry, TimeoutSeconds, Parameters, ...rest } = state;
        const waitsForToken = String(state.Resource).endsWith('.waitForTaskToken');
        for (const field of ['ResultPath', 'ResultSelector', 'OutputPath'] as const) {
          if (waitsForToken && state[field] !== undefined) {
            throw new InvalidDefinition(
              `${name}: a token Task with ${field} is not supported by the embedded runtime`,
            );
          }
        }
        this.tasks.set(name, {
          resource: String(state.Resource),
          ...(Parameters === undefined ? {} : { parameters: Parameters }),
          retry: Retry ?? [],
          ...(TimeoutSeconds === undefined ? {} : { timeoutSeconds: TimeoutSeconds }),
          waitsForToken,
          ...(state.Next === undefined ? {} : { next: state.Next }),
        });
        states[name] = rest as AslState;
        continue;
      }
      states[name] = state;
    }
    this.#runnable = { ...definition, States: states };
  }

  /** The package's state machine starting at `state` (built once per start state); InvalidDefinition if refused. */
  machineFrom(state: string): StateMachine {
    let machine = this.#machines.get(state);
    if (!machine) {
      if (this.#runnable.States[state] === undefined) throw new InvalidDefinition(`no state named ${state}`);
      try {
        // The document was validated whole with its own StartAt; from another state some states are unreachable,
        // which the package's validation would refuse.
        machine = new StateMachine({ ...structuredClone(this.#runnable), StartAt: state } as never, {
          validationOptions:
            state === this.#original.StartAt ? { checkArn: true, checkPaths: true } : { noValidate: true },
        });
      } catch (error) {
        throw new InvalidDefinition((error as Error).message);
      }
      this.#machines.set(state, machine);
    }
    return machine;
  }

  /**
   * Where to go on from `state` with `input`: through the document's own resume entry when its first state is a
   * Choice on `$.resumeAt` that leads to `state` (the compiler's `Resume`), else straight at `state`.
   */
  entryFor(state: string, input: unknown): { state: string; input: unknown } {
    const first = this.#original.States[this.#original.StartAt];
    const rule =
      first?.Type === 'Choice' && input !== null && typeof input === 'object' && !Array.isArray(input)
        ? first.Choices?.find(
            (choice) =>
              choice.Variable === '$.resumeAt' && choice.StringEquals !== undefined && choice.Next === state,
          )
        : undefined;
    if (!rule) return { state, input };
    return { state: this.#original.StartAt, input: { ...(input as object), resumeAt: rule.StringEquals } };
  }

  get startAt(): string {
    return this.#original.StartAt;
  }

  /** The Wait state's instant for this input (ms), as Step Functions reads `Seconds`/`Timestamp`/their paths. */
  waitUntil(state: string, input: unknown, enteredAt: number): number {
    const wait = this.waits.get(state);
    if (!wait) throw new Error(`${state} is not a Wait state`);
    const read = (path: string): unknown => readPath(input, path);
    if (wait.Seconds !== undefined) return enteredAt + wait.Seconds * 1000;
    if (wait.SecondsPath !== undefined) return enteredAt + Number(read(wait.SecondsPath)) * 1000;
    const timestamp =
      wait.Timestamp ?? (wait.TimestampPath === undefined ? undefined : read(wait.TimestampPath));
    const instant = Date.parse(String(timestamp));
    if (Number.isNaN(instant))
      throw Object.assign(new Error(`${state}: no timestamp`), { name: 'States.Runtime' });
    return instant;
  }
}

/** A reference path (`$.a.b`) in a JSON value: the only form the compiler writes in Wait states. */
const readPath = (input: unknown, path: string): unknown => {
  if (path === '$') return input;
  let value: unknown = input;
  for (const part of path.replace(/^\$\./, '').split('.')) {
    value =
      value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
};
