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

/** Step Functions' limit on an execution name. */
export const MAX_EXECUTION_NAME_LENGTH = 80;

/**
 * The execution name of an enrollment's `generation`-th execution (0: the first; continue-as-new counts up): the
 * enrollment id alone, then `<id>-c<n>`. Names are deterministic, so a redelivered start never starts twice.
 * @example executionName('enr_1', 0) // 'enr_1'; executionName('enr_1', 2) // 'enr_1-c2'
 */
export const executionName = (enrollmentId: string, generation: number): string =>
  generation === 0 ? enrollmentId : `${enrollmentId}-c${generation}`;

/** The execution ARN of `name` under a state machine ARN (`…:stateMachine:<sm>` → `…:execution:<sm>:<name>`). */
export const executionArnOf = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
