import { ERRORS, type TaskKind } from '../contract/task-contract.ts';
import type { Action, ActionOf } from '../workflow/action.schema.ts';
import type { Catcher, ChoiceState, Retrier, TaskState, WaitState } from './asl.types.ts';
import { BOOKKEEPING_RETRY, NO_RETRY_ON_EXIT, TRANSIENT_RETRY, WEBHOOK_RETRY } from './retry-policies.ts';
import { stateNames } from './state-names.ts';

/** How a Task state reaches the executor. */
export interface TaskTarget {
  readonly actionFunctionArn: string;
}

const EXIT_CATCHERS: Catcher[] = [
  { ErrorEquals: [ERRORS.exit], Next: stateNames.exit },
  { ErrorEquals: [ERRORS.continued], Next: stateNames.continued },
];

const failureCatcher = (actionId: string): Catcher => ({
  ErrorEquals: ['States.ALL'],
  Next: stateNames.failed(actionId),
  ResultPath: '$.error',
});

const request = (kind: TaskKind, actionId: string | null): Record<string, unknown> => ({
  kind,
  actionId,
  'state.$': '$',
  'executionId.$': '$$.Execution.Id',
  'startedAt.$': '$$.Execution.StartTime',
});

const retriesOf = (action: Action | null): Retrier[] =>
  action?.type === 'webhook' ? [WEBHOOK_RETRY, TRANSIENT_RETRY] : [TRANSIENT_RETRY];

/** Sleeps until the instant the previous step computed. */
export const renderWait = (next: string): WaitState => ({
  Type: 'Wait',
  TimestampPath: '$.runAt',
  Next: next,
});

/** Runs an action (or evaluates a branch) through the executor, retrying transient faults. */
export const renderRunTask = (
  target: TaskTarget,
  action: Action,
  kind: 'action' | 'branch',
  next: string,
): TaskState => ({
  Type: 'Task',
  Resource: target.actionFunctionArn,
  Parameters: request(kind, action.id),
  Retry: retriesOf(action),
  Catch: [...EXIT_CATCHERS, failureCatcher(action.id)],
  Next: next,
});

/** Waits on a task token until the record meets the criteria, at most the action's timeout. */
export const renderEventWaitTask = (
  target: TaskTarget,
  action: ActionOf<'delayUntilEvent'>,
  timeoutSeconds: number,
  next: string,
): TaskState => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
  Parameters: {
    FunctionName: target.actionFunctionArn,
    Payload: { ...request('waitForEvent', action.id), 'taskToken.$': '$$.Task.Token' },
  },
  TimeoutSeconds: timeoutSeconds,
  Retry: [TRANSIENT_RETRY],
  Catch: [
    ...EXIT_CATCHERS,
    { ErrorEquals: ['States.Timeout'], Next: stateNames.timedOut(action.id), ResultPath: '$.error' },
    failureCatcher(action.id),
  ],
  Next: next,
});

/** A bookkeeping step of the executor (event timeout, failure, completion): retries any fault, then stops. */
export const renderFollowUpTask = (
  target: TaskTarget,
  kind: 'eventTimeout' | 'actionFailed' | 'complete',
  actionId: string | null,
  next: string,
  onFailure: string,
): TaskState => ({
  Type: 'Task',
  Resource: target.actionFunctionArn,
  Parameters: request(kind, actionId),
  Retry: [NO_RETRY_ON_EXIT, BOOKKEEPING_RETRY],
  Catch: [...EXIT_CATCHERS, { ErrorEquals: ['States.ALL'], Next: onFailure, ResultPath: '$.error' }],
  Next: next,
});

/** Routes on the successor the branch task chose; the last successor is the default. */
export const renderRoute = (arrivals: readonly string[]): ChoiceState => {
  const last = arrivals.length - 1;
  return {
    Type: 'Choice',
    Choices: arrivals
      .slice(0, last)
      .map((next, index) => ({ Variable: '$.branch', NumericEquals: index, Next: next })),
    Default: arrivals[last],
  };
};
