import type { ExecutionState } from '../contract/task-contract.ts';

/** What starts one execution: the revision's state machine, a deterministic name, the input. */
export interface StartExecutionRequest {
  readonly stateMachineArn: string;
  /** Unique per state machine: a second start with the same name is refused (no duplicate execution). */
  readonly name: string;
  readonly input: ExecutionState;
}

/**
 * The executions of the revisions' state machines: Step Functions on AWS, the embedded runtime's engine locally, both
 * reached through `@aws-sdk/client-sfn`. Every call is safe to repeat: a start with a name already used answers
 * `alreadyStarted`, a stop of an ended execution and an answer to a token already answered do nothing.
 */
export interface Executions {
  start(
    request: StartExecutionRequest,
  ): Promise<{ readonly executionArn: string; readonly alreadyStarted: boolean }>;
  stop(executionArn: string, cause: string): Promise<void>;
  /** Answers a `.waitForTaskToken` Task with its output (the next ExecutionState). */
  sendTaskSuccess(taskToken: string, output: ExecutionState): Promise<void>;
}

/**
 * A start refused because the revision's state machine does not exist (yet): named, where Step Functions answers
 * `StateMachineDoesNotExist`. A run moves to an edited revision only once it is published (`revisionPublished`), so
 * this is a fault, not a race: the Task fails and is retried like any other.
 */
export class StateMachineMissing extends Error {
  override readonly name = 'StateMachineMissing';
}

/** Step Functions' limit on an execution name. */
export const MAX_EXECUTION_NAME_LENGTH = 80;

/**
 * The execution name of an enrollment's `generation`-th execution (0: the first; continue-as-new counts up) in its
 * `retry`-th run (0: the first; a retry after a failure counts up): the enrollment id alone, `<id>-r<retry>` for a
 * retry's first execution, then `-c<n>` after either. Names are deterministic, so a redelivered start never
 * starts twice.
 * @example executionName('enr_1', 0) // 'enr_1'; executionName('enr_1', 2) // 'enr_1-c2'; executionName('enr_1', 1, 3) // 'enr_1-r3-c1'
 */
export const executionName = (enrollmentId: string, generation: number, retry = 0): string => {
  const run = retry === 0 ? enrollmentId : `${enrollmentId}-r${retry}`;
  return generation === 0 ? run : `${run}-c${generation}`;
};

/**
 * The generation of an execution of the run `executionName(enrollmentId, 0, retry)` names (0: that first
 * execution, n: its `-c<n>`), or undefined when the ARN or name belongs to another run.
 * @example generationIn('arn:…:enr_1-r2-c3', 'enr_1', 2) // 3
 */
export const generationIn = (
  executionArnOrName: string | undefined,
  enrollmentId: string,
  retry = 0,
): number | undefined => {
  const order = executionOrder(executionArnOrName, enrollmentId);
  return order && order[0] === retry ? order[1] : undefined;
};

/** The execution ARN of `name` under a state machine ARN (`…:stateMachine:<sm>` → `…:execution:<sm>:<name>`). */
export const executionArnOf = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/**
 * Where an execution of the enrollment stands in its order: its run (retry) first, then its generation; undefined for
 * a name of another enrollment (or none). A later execution of an enrollment always stands after an earlier one.
 * @example executionOrder('arn:…:enr_1-r2-c3', 'enr_1') // [2, 3]
 */
export const executionOrder = (
  executionArnOrName: string | undefined,
  enrollmentId: string,
): readonly [number, number] | undefined => {
  if (executionArnOrName === undefined) return undefined;
  const name = executionArnOrName.slice(executionArnOrName.lastIndexOf(':') + 1);
  if (!name.startsWith(enrollmentId)) return undefined;
  const match = /^(?:-r([1-9]\d*))?(?:-c([1-9]\d*))?$/.exec(name.slice(enrollmentId.length));
  if (!match) return undefined;
  return [Number(match[1] ?? 0), Number(match[2] ?? 0)];
};

/** Whether the execution `a` stands after `b` in the enrollment's order (an execution noted nowhere stands first). */
export const standsAfter = (a: string | undefined, b: string | undefined, enrollmentId: string): boolean => {
  const [ra, ga] = executionOrder(a, enrollmentId) ?? [-1, -1];
  const [rb, gb] = executionOrder(b, enrollmentId) ?? [-1, -1];
  return ra > rb || (ra === rb && ga > gb);
};
