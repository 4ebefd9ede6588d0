import { planAction } from '../actions/plan-action.ts';
import { indexActions } from '../compiler/edges.ts';
import type { ExecutionState, TaskRequest, TaskResponse } from '../compiler/task-contract.ts';
import { type Action, isBranching, successorsOf } from '../workflow/action.schema.ts';
import { advanceAlong } from './advance-along.ts';
import { chooseSuccessor } from './choose-successor.ts';
import type { ExecutorPorts } from './ports.ts';
import { ensureStillEnrolled } from './stay-enrolled.ts';
import { historyOf, loadRecord, matches, type Run } from './task-run.ts';

export { WorkflowExit } from './task-run.ts';

const actionOf = (run: Run): Action => {
  const id = run.request.actionId;
  const action = id === null ? undefined : run.actions.get(id);
  if (!action) throw new Error(`action "${id}" is not in revision ${run.state.enrollment.revision}`);
  return action;
};

const nextOf = (action: Action): string | null => ('next' in action ? action.next : null);
const onErrorOf = (action: Action): 'continue' | 'stop' | undefined =>
  'onError' in action ? action.onError : undefined;

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
  const history = historyOf(run);
  const skipping = state.skipping ?? false;
  switch (request.kind) {
    case 'complete':
      await history('completed');
      await ports.endEnrollment(state.enrollment, 'completed', {});
      return { enrollment: state.enrollment, runAt: run.now.toISOString() };
    case 'action': {
      const action = actionOf(run);
      const view = await loadRecord(run, action);
      await ensureStillEnrolled(run, view);
      if (skipping) {
        await history('action.skipped', { actionId: action.id, reason: 'anchor_passed' });
        return advanceAlong(run, nextOf(action), view, true);
      }
      const attempt = await ports.countAttempt(request.executionId, action.id);
      const effects = planAction(action, {
        properties: view.properties,
        associated: view.associated,
        now: run.now,
      });
      for (const [index, effect] of effects.entries()) {
        await ports.apply(effect, state.enrollment, `${request.executionId}:${action.id}:${index}`);
      }
      await history('action.completed', { actionId: action.id, details: { type: action.type, attempt } });
      return advanceAlong(run, nextOf(action), view, false);
    }
    case 'branch': {
      const action = actionOf(run);
      if (!isBranching(action)) throw new Error(`action "${action.id}" is not a branch`);
      const view = await loadRecord(run, action);
      await ensureStillEnrolled(run, view);
      const chosen = chooseSuccessor(run, action, view);
      await history('branch.taken', {
        actionId: action.id,
        details: { branch: chosen.name, index: chosen.index },
      });
      const next = successorsOf(action)[chosen.index] ?? null;
      return { ...(await advanceAlong(run, next, view, skipping)), branch: chosen.index };
    }
    case 'waitForEvent': {
      const action = actionOf(run);
      if (action.type !== 'delayUntilEvent' || request.taskToken === undefined) {
        throw new Error(`action "${action.id}" does not wait for an event`);
      }
      const view = await loadRecord(run, action);
      await ensureStillEnrolled(run, view);
      if (skipping || matches(run, action.criteria, view)) {
        await history('action.completed', {
          actionId: action.id,
          details: { type: action.type, outcome: 'met' },
        });
        await ports.succeedEventWait(request.taskToken, await advanceAlong(run, action.next, view, skipping));
        return undefined;
      }
      await ports.registerEventWait(state.enrollment, action.id, request.taskToken, action.criteria);
      await history('action.scheduled', {
        actionId: action.id,
        details: { waitingFor: 'criteria', timeout: action.timeout },
      });
      return undefined;
    }
    case 'eventTimeout': {
      const action = actionOf(run);
      if (action.type !== 'delayUntilEvent')
        throw new Error(`action "${action.id}" does not wait for an event`);
      const view = await loadRecord(run, action);
      await history('action.completed', {
        actionId: action.id,
        details: { type: action.type, outcome: 'timedOut' },
      });
      return advanceAlong(run, action.timeoutNext, view, skipping);
    }
    case 'actionFailed': {
      const action = actionOf(run);
      const attempts = await ports.attempts(request.executionId, action.id);
      const error = state.error ?? { Error: 'Unknown' };
      await history('action.failed', {
        actionId: action.id,
        details: { error: error.Error, cause: error.Cause ?? null, attempts },
      });
      // Branches and event waits have no onError: their failure stops the enrollment.
      const onError =
        isBranching(action) || action.type === 'delayUntilEvent' ? 'stop' : (onErrorOf(action) ?? 'continue');
      if (onError === 'continue') {
        const view = await loadRecord(run, action);
        return advanceAlong(run, nextOf(action), view, skipping);
      }
      await ports.endEnrollment(state.enrollment, 'failed', { actionId: action.id, reason: error.Error });
      return { enrollment: state.enrollment, runAt: run.now.toISOString() };
    }
  }
};

/**
 * The record met the criteria of the event it waited for: the next state to send with the
 * task token's success (called by whoever watches record changes).
 */
export const eventMet = async (
  state: ExecutionState,
  actionId: string,
  executionId: string,
  ports: ExecutorPorts,
): Promise<TaskResponse> => {
  const workflow = await ports.workflow(state.enrollment.workflowId, state.enrollment.revision);
  const request: TaskRequest = { kind: 'waitForEvent', actionId, state, executionId };
  const run: Run = { request, ports, workflow, actions: indexActions(workflow), now: ports.now(), state };
  const action = actionOf(run);
  if (action.type !== 'delayUntilEvent') throw new Error(`action "${actionId}" does not wait for an event`);
  const view = await loadRecord(run, action);
  await historyOf(run)('action.completed', { actionId, details: { type: action.type, outcome: 'met' } });
  return advanceAlong(run, action.next, view, state.skipping ?? false);
};
