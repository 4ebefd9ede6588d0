import { planAction } from '../actions/plan-action.ts';
import type { ActionIndex } from '../compiler/edges.ts';
import { indexActions } from '../compiler/edges.ts';
import {
  ERRORS,
  type ExecutionState,
  type TaskRequest,
  type TaskResponse,
} from '../compiler/task-contract.ts';
import type { Properties } from '../domain/record.schema.ts';
import type { FilterGroups } from '../filters/filter.schema.ts';
import { matchFilters } from '../filters/index.ts';
import { type Action, type BranchingAction, isBranching, successorsOf } from '../workflow/action.schema.ts';
import type { WorkflowDefinition } from '../workflow/workflow.schema.ts';
import { advance } from './advance.ts';
import type { HistoryEvent } from './history-event.ts';
import type { ExecutorPorts } from './ports.ts';

/** Thrown when the record leaves the workflow: the state machine catches it and ends in `Exit`. */
export class WorkflowExit extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(`the record left the workflow: ${reason}`);
    this.name = ERRORS.exit;
    this.reason = reason;
  }
}

interface Run {
  readonly request: TaskRequest;
  readonly ports: ExecutorPorts;
  readonly workflow: WorkflowDefinition;
  readonly actions: ActionIndex;
  readonly now: Date;
  readonly state: ExecutionState;
}

interface RecordView {
  readonly properties: Properties;
  readonly associated: Record<string, Properties[]>;
  readonly lists: string[];
}

const associatedTypesOf = (groups: readonly FilterGroups[]): string[] => {
  const types = new Set<string>();
  for (const group of groups.flat()) {
    for (const filter of group.filters) {
      if ('property' in filter && filter.property.includes('.'))
        types.add(filter.property.split('.')[0] as string);
    }
  }
  return [...types];
};

const criteriaOf = (workflow: WorkflowDefinition, action: Action | undefined): FilterGroups[] => {
  const groups: FilterGroups[] = [workflow.settings.unenrollmentCriteria];
  if (workflow.goal) groups.push(workflow.goal.criteria);
  if (action?.type === 'branch') groups.push(...action.branches.map((branch) => branch.criteria));
  if (action?.type === 'delayUntilEvent') groups.push(action.criteria);
  return groups;
};

const targetTypesOf = (action: Action | undefined): string[] => {
  if (!action) return [];
  const types: string[] = [];
  for (const field of ['target', 'source'] as const) {
    const value = (action as Partial<Record<typeof field, unknown>>)[field];
    if (value && typeof value === 'object' && 'associated' in value) types.push(String(value.associated));
  }
  return types;
};

const historyOf =
  (run: Run) =>
  (event: HistoryEvent['event'], extra: Partial<HistoryEvent> = {}): Promise<void> => {
    const { enrollment } = run.state;
    return run.ports.history({
      at: run.now.toISOString(),
      workflowId: enrollment.workflowId,
      revision: enrollment.revision,
      enrollmentId: enrollment.enrollmentId,
      recordId: enrollment.recordId,
      event,
      ...extra,
    });
  };

const loadRecord = async (run: Run, action: Action | undefined): Promise<RecordView> => {
  const { enrollment } = run.state;
  const properties = await run.ports.record(enrollment.objectType, enrollment.recordId);
  if (properties === undefined) {
    await historyOf(run)('unenrolled', { reason: 'record_deleted' });
    await run.ports.endEnrollment(enrollment, 'unenrolled', { reason: 'record_deleted' });
    throw new WorkflowExit('record_deleted');
  }
  const types = [
    ...new Set([...associatedTypesOf(criteriaOf(run.workflow, action)), ...targetTypesOf(action)]),
  ];
  const [associated, lists] = await Promise.all([
    types.length > 0 ? run.ports.associated(enrollment.objectType, enrollment.recordId, types) : {},
    run.ports.lists(enrollment.objectType, enrollment.recordId),
  ]);
  return { properties, associated, lists };
};

const matches = (run: Run, groups: FilterGroups, view: RecordView): boolean =>
  groups.length > 0 &&
  matchFilters(groups, {
    objectType: run.state.enrollment.objectType,
    properties: view.properties,
    associated: view.associated,
    lists: view.lists,
    now: run.now,
  });

/** Before each action: a record that met the goal, the unenrollment criteria or a suppression list leaves. */
const ensureStillEnrolled = async (run: Run, view: RecordView): Promise<void> => {
  const { workflow } = run;
  const { enrollment } = run.state;
  const history = historyOf(run);
  const actionId = run.request.actionId ?? undefined;
  if (workflow.goal && matches(run, workflow.goal.criteria, view)) {
    await history('goal.met', { ...(actionId ? { actionId } : {}) });
    await run.ports.endEnrollment(enrollment, 'goal_met', {});
    throw new WorkflowExit('goal_met');
  }
  const suppressed = workflow.settings.suppressionLists.some((listId) => view.lists.includes(listId));
  const reason = suppressed
    ? 'suppressed'
    : matches(run, workflow.settings.unenrollmentCriteria, view)
      ? 'unenrollment_criteria'
      : undefined;
  if (reason) {
    await history('unenrolled', { reason, ...(actionId ? { actionId } : {}) });
    await run.ports.endEnrollment(enrollment, 'unenrolled', { reason });
    throw new WorkflowExit(reason);
  }
};

/** Travels the edge from `nextId` and returns the next state, recording what the history needs. */
const advanceAlong = async (
  run: Run,
  nextId: string | null,
  view: RecordView,
  skipping: boolean,
): Promise<TaskResponse> => {
  const history = historyOf(run);
  const { enrollment } = run.state;
  const result = advance({
    workflow: run.workflow,
    actions: run.actions,
    nextId,
    now: run.now,
    properties: view.properties,
    enrollmentId: enrollment.enrollmentId,
    skipping,
  });
  if (result.kind === 'unenroll') {
    await history('unenrolled', { actionId: result.actionId, reason: result.reason });
    await run.ports.endEnrollment(enrollment, 'unenrolled', {
      reason: result.reason,
      actionId: result.actionId,
    });
    throw new WorkflowExit(result.reason);
  }
  for (const delay of result.skipped) {
    await history('action.skipped', { actionId: delay.id, reason: 'anchor_passed' });
  }
  if (result.target === null && !result.delayed) {
    await history('completed');
    await run.ports.endEnrollment(enrollment, 'completed', {});
  } else if (result.target !== null && result.runAt.getTime() > run.now.getTime()) {
    await history('action.scheduled', {
      actionId: result.target.id,
      details: { runAt: result.runAt.toISOString() },
    });
  }
  return { enrollment, runAt: result.runAt.toISOString(), ...(result.skipping ? { skipping: true } : {}) };
};

/** Index of the successor a branching action takes now, in `successorsOf` order. */
const choose = (run: Run, action: BranchingAction, view: RecordView): { index: number; name: string } => {
  switch (action.type) {
    case 'branch': {
      const index = action.branches.findIndex((branch) => matches(run, branch.criteria, view));
      return index >= 0
        ? { index, name: action.branches[index]?.name as string }
        : { index: action.branches.length, name: 'default' };
    }
    case 'valueBranch': {
      const value = view.properties[action.property];
      const same = (a: unknown, b: unknown) =>
        typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b;
      const index = action.cases.findIndex(
        (entry) => value !== null && value !== undefined && same(entry.value, value),
      );
      return index >= 0
        ? { index, name: String(action.cases[index]?.value) }
        : { index: action.cases.length, name: 'default' };
    }
    case 'randomSplit': {
      const roll = run.ports.random() * 100;
      let total = 0;
      const index = action.paths.findIndex((path) => {
        total += path.percent;
        return roll < total;
      });
      const chosen = index >= 0 ? index : action.paths.length - 1;
      return { index: chosen, name: `${action.paths[chosen]?.percent}%` };
    }
  }
};

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
      const chosen = choose(run, action, view);
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
