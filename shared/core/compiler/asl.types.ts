/**
 * The subset of the Amazon States Language the compiler emits (JSONPath, the default query
 * language: JSONata is not used, so that the embedded runtime runs the very same documents).
 * https://states-language.net/spec.html
 */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string;
}

interface StateBase {
  Comment?: string;
}

export interface WaitState extends StateBase {
  Type: 'Wait';
  TimestampPath: string;
  Next: string;
}

export interface TaskState extends StateBase {
  Type: 'Task';
  Resource: string;
  Parameters: Record<string, unknown>;
  OutputPath?: string;
  TimeoutSeconds?: number;
  Retry?: Retrier[];
  Catch?: Catcher[];
  Next: string;
}

interface ChoiceCondition {
  Variable?: string;
  StringEquals?: string;
  NumericEquals?: number;
  IsPresent?: boolean;
  Not?: ChoiceCondition;
  And?: ChoiceCondition[];
}

interface ChoiceRule extends ChoiceCondition {
  Next: string;
}

export interface ChoiceState extends StateBase {
  Type: 'Choice';
  Choices: ChoiceRule[];
  Default?: string;
}

interface SucceedState extends StateBase {
  Type: 'Succeed';
}

interface FailState extends StateBase {
  Type: 'Fail';
  Error: string;
  Cause?: string;
}

export type State = WaitState | TaskState | ChoiceState | SucceedState | FailState;

export interface StateMachineDefinition {
  Comment?: string;
  StartAt: string;
  States: Record<string, State>;
}
