import { timeoutSeconds } from '../contract/step-functions-limits.ts';
import { ERRORS } from '../contract/task-contract.ts';
import type { ValidationIssue } from '../errors/validation-issue.ts';
import type { CustomProperties } from '../records/builtin-properties.ts';
import { type Action, type ActionOf, isBranching, isDelay, successorsOf } from '../workflow/action.schema.ts';
import {
  type ActionIndex,
  type Edge,
  indexActions,
  isHeldBack,
  resolveEdge,
} from '../workflow/action-edges.ts';
import { validateWorkflow } from '../workflow/validate-workflow.ts';
import type { StateMachineDefinition } from './asl.types.ts';
import { CompileError } from './compile-error.ts';
import { MAX_HISTORY_EVENTS, worstCaseHistoryEvents } from './history-bound.ts';
import {
  renderEventWaitTask,
  renderFollowUpTask,
  renderRoute,
  renderRunTask,
  renderWait,
  type TaskTarget,
} from './render-states.ts';
import { StateGraph } from './state-graph.ts';
import { stateNames } from './state-names.ts';

export interface CompileOptions {
  /** ARN of the executor function every Task state calls. */
  readonly actionFunctionArn: string;
  /** Custom property definitions by object type, for validating the workflow. */
  readonly properties?: CustomProperties;
  /** Named in the definition's comment. */
  readonly workflowId?: string;
  readonly revision?: number;
}

/** Step Functions refuses state machine definitions larger than this (bytes). */
export const MAX_DEFINITION_BYTES = 1024 * 1024;

/** The state a record enters when it travels along an edge. */
const arrivalOf = (edge: Edge): string => {
  const waited = edge.delays.length > 0;
  if (edge.target === null) return waited ? stateNames.waitEnd : stateNames.done;
  if (waited || isHeldBack(edge.target)) return stateNames.wait(edge.target.id);
  return stateNames.run(edge.target.id);
};

const renderAction = (graph: StateGraph, target: TaskTarget, actions: ActionIndex, action: Action): void => {
  const arrival = (nextId: string | null) => arrivalOf(resolveEdge(actions, nextId));
  graph.add(stateNames.wait(action.id), renderWait(stateNames.run(action.id)));
  if (isBranching(action)) {
    graph.add(
      stateNames.run(action.id),
      renderRunTask(target, action, 'branch', stateNames.route(action.id)),
    );
    graph.add(stateNames.route(action.id), renderRoute(successorsOf(action).map(arrival)));
    graph.add(
      stateNames.failed(action.id),
      renderFollowUpTask(target, 'actionFailed', action.id, stateNames.stopped, stateNames.stopped),
    );
    return;
  }
  if (action.type === 'delayUntilEvent') {
    const event = action as ActionOf<'delayUntilEvent'>;
    graph.add(
      stateNames.run(action.id),
      renderEventWaitTask(target, event, timeoutSeconds(event.timeout), arrival(event.next)),
    );
    graph.add(stateNames.timeoutWait(action.id), renderWait(stateNames.timedOut(action.id)));
    graph.add(
      stateNames.timedOut(action.id),
      renderFollowUpTask(
        target,
        'eventTimeout',
        action.id,
        arrival(event.timeoutNext),
        stateNames.failed(action.id),
      ),
    );
    graph.add(
      stateNames.failed(action.id),
      renderFollowUpTask(target, 'actionFailed', action.id, stateNames.stopped, stateNames.stopped),
    );
    return;
  }
  const next = 'next' in action ? action.next : null;
  const onError = 'onError' in action ? action.onError : undefined;
  graph.add(stateNames.run(action.id), renderRunTask(target, action, 'action', arrival(next)));
  const afterFailure = onError === 'stop' ? stateNames.stopped : arrival(next);
  graph.add(
    stateNames.failed(action.id),
    renderFollowUpTask(target, 'actionFailed', action.id, afterFailure, stateNames.stopped),
  );
};

/** Where `resumeAt: <id>` enters: an action's own Wait, or for a delay the Wait its edge leads to. */
const resumeEntryOf = (actions: ActionIndex, action: Action): string =>
  isDelay(action) ? arrivalOf(resolveEdge(actions, action.id)) : stateNames.wait(action.id);

const checkLimits = (definition: StateMachineDefinition): ValidationIssue[] => {
  const issues: ValidationIssue[] = [];
  const bytes = Buffer.byteLength(JSON.stringify(definition));
  if (bytes > MAX_DEFINITION_BYTES) {
    issues.push({
      path: 'actions',
      message: `the compiled state machine would be ${bytes} bytes, over the 1 MiB Step Functions accepts: split the workflow`,
    });
  }
  const events = worstCaseHistoryEvents(definition);
  if (events > MAX_HISTORY_EVENTS) {
    issues.push({
      path: 'actions',
      message: `a path of this workflow could write ${events} history events (every retry spent), over the 25,000 an execution may have: shorten the longest path or use fewer webhooks on it`,
    });
  }
  return issues;
};

/**
 * Validates a workflow and compiles it into the Amazon States Language document of its state machine:
 * before each action a Wait until the instant the previous step computed, delays folded into
 * that instant, branches as Choice states fed by an evaluation when the record reaches them.
 * Throws {@link CompileError} when the workflow is invalid, or Step Functions would refuse or outgrow the result.
 * @example compileWorkflow(workflow, { actionFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:executor' })
 */
export const compileWorkflow = (input: unknown, options: CompileOptions): StateMachineDefinition => {
  const validation = validateWorkflow(
    input,
    options.properties === undefined ? {} : { properties: options.properties },
  );
  if (!validation.ok) throw new CompileError(validation.errors);
  const workflow = validation.workflow;
  const target: TaskTarget = { actionFunctionArn: options.actionFunctionArn };
  const actions = indexActions(workflow);
  const graph = new StateGraph();

  const entry = arrivalOf(resolveEdge(actions, workflow.startActionId));
  graph.add(stateNames.resume, {
    Type: 'Choice',
    Comment:
      'Starts at the first action, or at $.resumeAt (migration to a new revision, retry, durable waits); with $.eventTimedOut, at the timeout path of the event wait $.resumeAt names (a parked wait)',
    Choices: [
      // Not(IsPresent: true) rather than IsPresent: false, which aws-local-stepfunctions never matches.
      { Not: { Variable: '$.resumeAt', IsPresent: true }, Next: entry },
      ...workflow.actions
        .filter((action) => action.type === 'delayUntilEvent')
        .map((action) => ({
          And: [
            { Variable: '$.resumeAt', StringEquals: action.id },
            { Variable: '$.eventTimedOut', IsPresent: true },
          ],
          Next: stateNames.timeoutWait(action.id),
        })),
      ...workflow.actions.map((action) => ({
        Variable: '$.resumeAt',
        StringEquals: action.id,
        Next: resumeEntryOf(actions, action),
      })),
    ],
    Default: stateNames.unknownResume,
  });
  for (const action of workflow.actions) {
    if (!isDelay(action)) renderAction(graph, target, actions, action);
  }
  const reachesEndAfterDelay =
    workflow.actions.some((action) =>
      successorsOf(action).some((nextId) => arrivalOf(resolveEdge(actions, nextId)) === stateNames.waitEnd),
    ) || entry === stateNames.waitEnd;
  if (reachesEndAfterDelay) {
    graph.add(stateNames.waitEnd, renderWait(stateNames.complete));
    graph.add(
      stateNames.complete,
      renderFollowUpTask(target, 'complete', null, stateNames.done, stateNames.stopped),
    );
  }
  graph.add(stateNames.done, { Type: 'Succeed', Comment: 'The record reached the end of the workflow' });
  if (workflow.actions.some((action) => !isDelay(action)) || reachesEndAfterDelay) {
    graph.add(stateNames.exit, {
      Type: 'Succeed',
      Comment: 'The record left: goal met, unenrolled or suppressed',
    });
    graph.add(stateNames.continued, {
      Type: 'Succeed',
      Comment:
        'The next step is more than 360 days after this execution began: a new execution resumes there',
    });
    graph.add(stateNames.stopped, {
      Type: 'Fail',
      Error: ERRORS.stopped,
      Cause:
        'An action failed and its onError is stop; the enrollment is failed and can be retried at that action',
    });
  }
  graph.add(stateNames.unknownResume, {
    Type: 'Fail',
    Error: ERRORS.unknownResumeAction,
    Cause: '$.resumeAt names no action of this revision',
  });

  const revision = options.revision === undefined ? '' : ` revision ${options.revision}`;
  const id = options.workflowId === undefined ? '' : ` (${options.workflowId}${revision})`;
  const definition = graph.toDefinition(stateNames.resume, `crm-workflows: ${workflow.name}${id}`);
  const issues = checkLimits(definition);
  if (issues.length > 0) throw new CompileError(issues);
  return definition;
};
