import { planAction } from '../actions/plan-action.ts';
import { outlivesExecution, timeoutSeconds } from '../contract/step-functions-limits.ts';
import type { ExecutionState, TaskRequest, TaskResponse } from '../contract/task-contract.ts';
import { WorkflowContinued } from '../contract/task-errors.ts';
import { type Action, type DelayAction, isBranching, successorsOf } from '../workflow/action.schema.ts';
import { indexActions, resolveEdge } from '../workflow/action-edges.ts';
import { advanceAlong, withinHorizon } from './advance-to-next-state.ts';
import { chooseSuccessor } from './choose-successor.ts';
import { effectKey } from './effect-key.ts';
import type { ExecutorPorts } from './ports.ts';
import { ensureStillEnrolled } from './stay-enrolled.ts';
import { historyOf, loadRecord, matches, type RecordView, type Run } from './task-run.ts';

const actionOf = (run: Run): Action => {
  const id = run.request.actionId;
  const action = id === null ? undefined : run.actions.get(id);
  if (!action) throw new Error(`action "${id}" is not in revision ${run.state.enrollment.revision}`);
  return action;
};

const nextOf = (action: Action): string | null => ('next' in action ? action.next : null);
const onErrorOf = (action: Action): 'continue' | 'stop' | undefined =>
  'onError' in action ? action.onError : undefined;

/** Kinds that run after a Wait, where a state past the horizon hands over to a new execution. */
const AFTER_WAIT = new Set<TaskRequest['kind']>(['action', 'branch', 'waitForEvent', 'complete']);

/** Starts the execution that takes over at `resumeAt`, then ends this one through `Continued`. */
const continueAsNew = async (run: Run, resumeAt: string, runAt: Date): Promise<never> => {
  const { enrollment } = run.state;
  await run.ports.continueAsNew(
    { ...withinHorizon(enrollment, runAt, resumeAt, run.now), resumeAt },
    { executionId: run.request.executionId, startedAt: run.request.startedAt },
  );
  throw new WorkflowContinued(resumeAt);
};

/** Delays whose instant depends on the record's values (a date property, the workflow's anchor). */
const readsRecord = (delay: DelayAction): boolean =>
  delay.type === 'delayUntilDate' || delay.type === 'delayUntilAnchor';

/**
 * The record as the action left it: its own writes are what the next delays read. Read again only when a delay on
 * the way to the next action reads the record; nothing else of the view is read after an action.
 */
const refreshed = async (run: Run, view: RecordView, nextId: string | null): Promise<RecordView> => {
  if (!resolveEdge(run.actions, nextId).delays.some(readsRecord)) return view;
  const { enrollment } = run.state;
  const properties = await run.ports.record(enrollment.objectType, enrollment.recordId);
  return properties === undefined ? view : { ...view, properties };
};

const runAction = async (run: Run, attempt: number): Promise<TaskResponse> => {
  const { ports, state } = run;
  const history = historyOf(run);
  const action = actionOf(run);
  const view = await loadRecord(run, action);
  await ensureStillEnrolled(run, view);
  if (state.skipping) {
    await history('action.skipped', { actionId: action.id, reason: 'anchor_passed' });
    return advanceAlong(run, nextOf(action), view, true);
  }
  const effects = planAction(action, {
    properties: view.properties,
    associated: view.associated,
    now: run.now,
    timeZone: run.workflow.settings.timeZone,
  });
  const outcomes: Record<string, unknown> = {};
  for (const [index, effect] of effects.entries()) {
    const key = effectKey(state.enrollment.enrollmentId, action.id, index);
    Object.assign(outcomes, await ports.apply(effect, state.enrollment, key));
  }
  await history('action.completed', {
    actionId: action.id,
    details: { type: action.type, attempt, ...outcomes },
  });
  const after = effects.length > 0 ? await refreshed(run, view, nextOf(action)) : view;
  return advanceAlong(run, nextOf(action), after, false);
};

const runBranch = async (run: Run): Promise<TaskResponse> => {
  const action = actionOf(run);
  if (!isBranching(action)) throw new Error(`action "${action.id}" is not a branch`);
  const view = await loadRecord(run, action);
  await ensureStillEnrolled(run, view);
  const chosen = chooseSuccessor(run, action, view);
  await historyOf(run)('branch.taken', {
    actionId: action.id,
    details: { branch: chosen.name, index: chosen.index },
  });
  const next = successorsOf(action)[chosen.index] ?? null;
  return { ...(await advanceAlong(run, next, view, run.state.skipping ?? false)), branch: chosen.index };
};

const waitForEvent = async (run: Run): Promise<undefined> => {
  const { request, ports, state } = run;
  const history = historyOf(run);
  const action = actionOf(run);
  if (action.type !== 'delayUntilEvent' || request.taskToken === undefined) {
    throw new Error(`action "${action.id}" does not wait for an event`);
  }
  const view = await loadRecord(run, action);
  await ensureStillEnrolled(run, view);
  if (state.skipping) {
    await history('action.skipped', { actionId: action.id, reason: 'anchor_passed' });
    await ports.succeedEventWait(request.taskToken, await advanceAlong(run, action.next, view, true));
    return undefined;
  }
  const timeout = timeoutSeconds(action.timeout);
  if (outlivesExecution(new Date(request.startedAt), run.now, timeout)) {
    return continueAsNew(run, action.id, run.now);
  }
  // Registered before the criteria are checked, so that a change landing in between is not missed.
  await ports.registerEventWait(state.enrollment, action.id, request.taskToken, action.criteria, {
    executionId: request.executionId,
    startedAt: request.startedAt,
  });
  if (matches(run, action.criteria, view)) {
    await history('action.completed', {
      actionId: action.id,
      details: { type: action.type, outcome: 'met' },
    });
    await ports.succeedEventWait(request.taskToken, await advanceAlong(run, action.next, view, false));
    return undefined;
  }
  const timesOutAt = new Date(run.now.getTime() + timeout * 1000).toISOString();
  await history('action.scheduled', {
    actionId: action.id,
    details: { runAt: timesOutAt, waitingFor: 'criteria', timeout: action.timeout },
  });
  return undefined;
};

const recordFailure = async (run: Run): Promise<TaskResponse> => {
  const { request, ports, state } = run;
  const action = actionOf(run);
  const attempts = await ports.attempts(request.executionId, action.id);
  const error = state.error ?? { Error: 'Unknown' };
  await historyOf(run)('action.failed', {
    actionId: action.id,
    details: { error: error.Error, cause: error.Cause ?? null, attempts },
  });
  // Branches and event waits have no onError: their failure stops the enrollment.
  const onError =
    isBranching(action) || action.type === 'delayUntilEvent' ? 'stop' : (onErrorOf(action) ?? 'continue');
  if (onError === 'continue') {
    const view = await loadRecord(run, action);
    return advanceAlong(run, nextOf(action), view, state.skipping ?? false);
  }
  await ports.endEnrollment(state.enrollment, 'failed', { actionId: action.id, reason: error.Error });
  return { enrollment: state.enrollment, runAt: run.now.toISOString() };
};

/**
 * Carries out one Task of a compiled workflow (see the task contract) and returns the next
 * state. A `waitForEvent` returns undefined: its answer comes through the task token.
 */
export const executeTask = async (
  request: TaskRequest,
  ports: ExecutorPorts,
): Promise<TaskResponse | undefined> => {
  const { state } = request;
  const workflow = await ports.workflow(state.enrollment.workflowId, state.enrollment.revision);
  const run: Run = { request, ports, workflow, actions: indexActions(workflow), now: ports.now(), state };
  if (state.continueAt && AFTER_WAIT.has(request.kind)) {
    return continueAsNew(run, state.continueAt.resumeAt, new Date(state.continueAt.runAt));
  }
  // Counted first, so that a failure anywhere in the attempt is counted.
  const attempt =
    request.kind === 'action' || request.kind === 'branch' || request.kind === 'waitForEvent'
      ? await ports.countAttempt(request.executionId, request.actionId ?? '')
      : 0;
  switch (request.kind) {
    case 'complete':
      await historyOf(run)('completed');
      await ports.endEnrollment(state.enrollment, 'completed', {});
      return { enrollment: state.enrollment, runAt: run.now.toISOString() };
    case 'action':
      return runAction(run, attempt);
    case 'branch':
      return runBranch(run);
    case 'waitForEvent':
      return waitForEvent(run);
    case 'eventTimeout': {
      const action = actionOf(run);
      if (action.type !== 'delayUntilEvent')
        throw new Error(`action "${action.id}" does not wait for an event`);
      const view = await loadRecord(run, action);
      await historyOf(run)('action.completed', {
        actionId: action.id,
        details: { type: action.type, outcome: 'timedOut' },
      });
      return advanceAlong(run, action.timeoutNext, view, state.skipping ?? false);
    }
    case 'actionFailed':
      return recordFailure(run);
  }
};

/**
 * The record met the criteria of the event it waited for: the next state to send with the
 * task token's success (called by whoever watches record changes).
 */
export const eventMet = async (
  state: ExecutionState,
  actionId: string,
  execution: { readonly executionId: string; readonly startedAt: string },
  ports: ExecutorPorts,
): Promise<TaskResponse> => {
  const workflow = await ports.workflow(state.enrollment.workflowId, state.enrollment.revision);
  const request: TaskRequest = { kind: 'waitForEvent', actionId, state, ...execution };
  const run: Run = { request, ports, workflow, actions: indexActions(workflow), now: ports.now(), state };
  const action = actionOf(run);
  if (action.type !== 'delayUntilEvent') throw new Error(`action "${actionId}" does not wait for an event`);
  const view = await loadRecord(run, action);
  await historyOf(run)('action.completed', { actionId, details: { type: action.type, outcome: 'met' } });
  return advanceAlong(run, action.next, view, state.skipping ?? false);
};
