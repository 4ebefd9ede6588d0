import { planAction } from '../actions/plan-action.ts';
import { outlivesExecution, timeoutSeconds } from '../contract/step-functions-limits.ts';
import type { EnrollmentRef, ExecutionState, TaskRequest, TaskResponse } from '../contract/task-contract.ts';
import { WorkflowContinued, WorkflowExit } from '../contract/task-errors.ts';
import { nextRunAt } from '../scheduling/next-run-at.ts';
import {
  type Action,
  type ActionOf,
  type DelayAction,
  isBranching,
  isDelay,
  successorsOf,
} from '../workflow/action.schema.ts';
import { indexActions, isHeldBack, resolveEdge } from '../workflow/action-edges.ts';
import { advanceAlong, travelAlong, withinHorizon } from './advance-to-next-state.ts';
import { chooseSuccessor } from './choose-successor.ts';
import { effectKey } from './effect-key.ts';
import type { ExecutionRef, ExecutorPorts } from './ports.ts';
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

/** Kinds that start an action, where an enrollment moves to its workflow's live revision. */
const MOVABLE = new Set<TaskRequest['kind']>(['action', 'branch', 'waitForEvent']);

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

const waitForEvent = async (run: Run, attempt: number): Promise<undefined> => {
  const { request, ports, state } = run;
  const history = historyOf(run);
  const action = actionOf(run);
  if (action.type !== 'delayUntilEvent' || request.taskToken === undefined) {
    throw new Error(`action "${action.id}" does not wait for an event`);
  }
  if (state.eventTimedOut) return timedOutInWaitTask(run, action);
  const view = await loadRecord(run, action);
  await ensureStillEnrolled(run, view);
  if (state.skipping) {
    await history('action.skipped', { actionId: action.id, reason: 'anchor_passed' });
    await ports.succeedEventWait(request.taskToken, await advanceAlong(run, action.next, view, true));
    return undefined;
  }
  const timeout = timeoutSeconds(action.timeout);
  if (ports.parkLongerThanMs !== undefined && timeout * 1000 > ports.parkLongerThanMs) {
    return parkEventWait(run, action, { taskToken: request.taskToken, attempt }, view, timeout);
  }
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

/**
 * An event wait longer than the parking threshold is not held by an execution: met already, it goes on at once;
 * otherwise the execution parks its timeout as a new execution (`eventTimedOut`, due when the wait times out), keeps
 * the wait without a token, and ends (`Continued`). Whichever comes first takes the wait (`claimEventWait`): the
 * record meeting the criteria starts the execution that goes on along `next` (`answerParkedWait`), the timeout goes
 * on along `timeoutNext` in the parked execution. The timer is parked before the wait is kept, so that an answer
 * always finds the execution it takes over from noted; the record is read again once the wait is kept, so that a
 * change landing before is not missed. A retried Task finds the wait it kept: taken already, it ends without parking
 * the timer again (which would replace the execution the answer parked), after asking again for the answer's
 * execution when the record took it; not yet, it checks the record again. Only the first attempt answers its token at
 * once, as no earlier attempt can have parked the timer then.
 */
const parkEventWait = async (
  run: Run,
  action: ActionOf<'delayUntilEvent'>,
  task: { readonly taskToken: string; readonly attempt: number },
  view: RecordView,
  timeout: number,
): Promise<undefined> => {
  const { request, ports, state } = run;
  const history = historyOf(run);
  const found = await ports.parkedEventWait(state.enrollment, action.id);
  // A wait kept by an earlier run of the enrollment (before a retry) is not this run's.
  let kept = found && (found.retry ?? 0) === (state.enrollment.retry ?? 0) ? found : undefined;
  if (kept?.claimedBy !== undefined) {
    if (kept.claimedBy === 'met') await answerAgainIfUnnoted(state.enrollment, action.id, kept.timer, ports);
    throw new WorkflowContinued(action.id);
  }
  if (!kept && task.attempt === 1 && matches(run, action.criteria, view)) {
    await history('action.completed', {
      actionId: action.id,
      details: { type: action.type, outcome: 'met' },
    });
    await ports.succeedEventWait(task.taskToken, await advanceAlong(run, action.next, view, false));
    return undefined;
  }
  if (!kept) {
    const timesOutAt = new Date(run.now.getTime() + timeout * 1000).toISOString();
    const timerArn = await ports.continueAsNew(
      { enrollment: state.enrollment, runAt: timesOutAt, resumeAt: action.id, eventTimedOut: true },
      { executionId: request.executionId, startedAt: request.startedAt },
    );
    // Not noted: the enrollment ended (or moved past this execution) while the timeout was handed over, and nothing
    // was launched. Nothing is kept or recorded after its last line.
    if ((await ports.notedExecution(state.enrollment)) !== timerArn) throw new WorkflowContinued(action.id);
    kept = { timer: { executionId: timerArn, startedAt: run.now.toISOString() } };
    await ports.parkEventWait(state.enrollment, action.id, kept.timer, timesOutAt);
    await history('action.scheduled', {
      actionId: action.id,
      details: { runAt: timesOutAt, waitingFor: 'criteria', timeout: action.timeout, parked: true },
    });
  }
  const { objectType, recordId } = state.enrollment;
  const properties = await ports.record(objectType, recordId);
  if (properties !== undefined && matches(run, action.criteria, { ...view, properties })) {
    await answerParkedWait(state.enrollment, action.id, kept.timer, ports);
  }
  throw new WorkflowContinued(action.id);
};

/**
 * The record met the criteria of a parked event wait (see `parkEventWait`): if the wait is still to be taken and
 * this answer takes it, the wait is recorded met and a new execution goes on where the record goes next along
 * `next`, taking over from `timer` (the parked timeout, which then finds the wait taken and ends); then the
 * enrollment's note that it waits is taken off, so that no later change answers it. An enrollment that has ended by
 * then records nothing more. Safe to repeat: a repeat that
 * finds the wait taken by this answer asks for the same execution (its name is derived from `timer`).
 */
export const answerParkedWait = async (
  enrollment: EnrollmentRef,
  actionId: string,
  timer: ExecutionRef,
  ports: ExecutorPorts,
): Promise<void> => {
  if ((await ports.claimEventWait(enrollment, actionId, 'met')) !== 'won') return;
  // The enrollment ended before the wait was taken (unenrolled while the answer was on its way): nothing is recorded or
  // started after its last history line.
  if ((await ports.notedExecution(enrollment)) === undefined) {
    await ports.settleEventWait(enrollment, actionId);
    return;
  }
  const workflow = await ports.workflow(enrollment.workflowId, enrollment.revision);
  const now = ports.now();
  const state: ExecutionState = { enrollment, runAt: now.toISOString() };
  const request: TaskRequest = {
    kind: 'waitForEvent',
    actionId,
    state,
    executionId: timer.executionId,
    startedAt: now.toISOString(),
  };
  const run: Run = { request, ports, workflow, actions: indexActions(workflow), now, state };
  const action = actionOf(run);
  if (action.type !== 'delayUntilEvent') throw new Error(`action "${actionId}" does not wait for an event`);
  const view = await loadRecord(run, action);
  await historyOf(run)('action.completed', { actionId, details: { type: action.type, outcome: 'met' } });
  try {
    const to = await travelAlong(run, action.next, view, false);
    if (to.resumeAt !== null) {
      const input = {
        ...withinHorizon(enrollment, to.runAt, to.resumeAt, now, to.skipping),
        resumeAt: to.resumeAt,
      };
      await ports.continueAsNew(input, timer);
    }
  } catch (error) {
    if (!(error instanceof WorkflowExit)) throw error; // the record left on the way: recorded, nothing to start
  }
  await ports.settleEventWait(enrollment, actionId);
};

/**
 * The execution parked until a parked wait's timeout takes the wait for the timeout: true when it did (now, or on an
 * earlier try). When the record met the criteria first, that answer goes on (`answerParkedWait`: its execution, the
 * same one again if it did start it, else the one its answer never got to start) and this execution ends: false.
 */
const takeParkedTimeout = async (run: Run, action: ActionOf<'delayUntilEvent'>): Promise<boolean> => {
  const { request, ports, state } = run;
  const claim = await ports.claimEventWait(state.enrollment, action.id, 'timedOut', request.executionId);
  if (claim === 'won') return true;
  if (claim === 'lost') {
    const timer = { executionId: request.executionId, startedAt: request.startedAt };
    await answerAgainIfUnnoted(state.enrollment, action.id, timer, ports);
  }
  return false;
};

/**
 * The record took the parked wait, but its answer may have failed before its execution was noted (this Task's
 * earlier attempt, the enrollment function's delivery): while the timer is still the enrollment's noted execution,
 * the answer is given again. Once the answer's execution is noted it is not: the record may have moved on, and
 * travelling along `next` again would read it as it is now.
 */
const answerAgainIfUnnoted = async (
  enrollment: EnrollmentRef,
  actionId: string,
  timer: ExecutionRef,
  ports: ExecutorPorts,
): Promise<void> => {
  if ((await ports.notedExecution(enrollment)) !== timer.executionId) return;
  await answerParkedWait(enrollment, actionId, timer, ports);
};

/**
 * The wait timed out: recorded, and the record goes on along `timeoutNext`. For the execution parked until a parked
 * wait's timeout (`eventTimedOut`, after `TimeoutWait:<id>`), only if the timeout takes the wait.
 */
const eventTimedOut = async (run: Run): Promise<TaskResponse> => {
  const { state } = run;
  const action = actionOf(run);
  if (action.type !== 'delayUntilEvent') throw new Error(`action "${action.id}" does not wait for an event`);
  const parked = state.eventTimedOut === true;
  if (parked && !(await takeParkedTimeout(run, action))) throw new WorkflowContinued(action.id);
  const view = await loadRecord(run, action);
  await historyOf(run)('action.completed', {
    actionId: action.id,
    details: { type: action.type, outcome: 'timedOut' },
  });
  const next = await advanceAlong(run, action.timeoutNext, view, state.skipping ?? false);
  if (parked) await run.ports.settleEventWait(state.enrollment, action.id);
  return next;
};

/**
 * A parked wait's timeout execution in a state machine compiled before `TimeoutWait:<id>`: its `Resume` leads to the
 * wait's own Task, whose success goes along `next`. So the timeout goes on along `timeoutNext` in a new execution
 * (continue-as-new), and this one ends; a record that leaves on the way, or completes, ends it through `Exit`.
 */
const timedOutInWaitTask = async (run: Run, action: ActionOf<'delayUntilEvent'>): Promise<never> => {
  const { state } = run;
  if (!(await takeParkedTimeout(run, action))) throw new WorkflowContinued(action.id);
  const view = await loadRecord(run, action);
  await historyOf(run)('action.completed', {
    actionId: action.id,
    details: { type: action.type, outcome: 'timedOut' },
  });
  const to = await travelAlong(run, action.timeoutNext, view, state.skipping ?? false);
  await run.ports.settleEventWait(state.enrollment, action.id);
  if (to.resumeAt === null) throw new WorkflowExit('completed');
  return continueAsNew(run, to.resumeAt, to.runAt);
};

/**
 * An edit of an active workflow goes live at once, and an enrolled record continues at its current action on the new
 * revision where that action still exists, else on the revision it runs (api.md, `PUT /workflows/{id}`). Decided at
 * the Task of the action the record is at when it first runs after the edit: when the live revision holds that
 * action (and not as a delay), the enrollment is moved to it and a new execution of that revision's state machine
 * takes over at the action (at once, or at the next open moment of the new revision's windows for an action they hold
 * back: `action.scheduled`); this execution ends (`Continued`). Otherwise the run keeps to its revision for that edit
 * (`keptFrom`, carried along the run) and is asked again only by a later edit. A delay the record is in keeps the
 * instant its revision gave it. A wait Task retried after it parked its timeout stays with its timer. Safe to repeat:
 * the move is conditional, the successor named from this execution.
 */
const continueOnLiveRevision = async (run: Run, actionId: string): Promise<Run> => {
  const { ports, state, request } = run;
  const { enrollment } = state;
  const live = await ports.liveRevision(enrollment.workflowId);
  if (live === undefined || live <= Math.max(enrollment.revision, enrollment.keptFrom ?? 0)) return run;
  const workflow = await ports.workflow(enrollment.workflowId, live);
  const action = indexActions(workflow).get(actionId);
  if (!action || isDelay(action)) {
    return { ...run, state: { ...state, enrollment: { ...enrollment, keptFrom: live } } };
  }
  // Written, not yet published (an edit publishes it once written): this action runs here, a later one moves.
  if (!(await ports.revisionPublished(enrollment.workflowId, live))) return run;
  if (request.kind === 'waitForEvent') {
    // A retried wait Task whose first attempt parked its timeout (a timer of this execution's state machine, this
    // run's) stays with that timer; a wait parked by the execution this one already handed over to does not count.
    const parked = await ports.parkedEventWait(enrollment, actionId);
    const ownTimer =
      parked !== undefined &&
      (parked.retry ?? 0) === (enrollment.retry ?? 0) &&
      stateMachineOfExecution(parked.timer.executionId) === stateMachineOfExecution(request.executionId);
    if (ownTimer) return run;
  }
  const { keptFrom: _kept, ...current } = enrollment;
  const moved: EnrollmentRef = { ...current, revision: live };
  const now = run.now;
  const runAt = isHeldBack(action)
    ? nextRunAt(now, workflow.settings, `${enrollment.enrollmentId}:${actionId}`)
    : now;
  // The enrollment first: the execution that takes over finds it on its revision (a retried Task moves it again,
  // which changes nothing, and asks for the same execution).
  await ports.moveEnrollment(enrollment, live);
  if (runAt.getTime() > now.getTime()) {
    await historyOf({ ...run, state: { ...state, enrollment: moved } })('action.scheduled', {
      actionId,
      details: { runAt: runAt.toISOString() },
    });
  }
  await ports.continueAsNew(
    { ...withinHorizon(moved, runAt, actionId, now, state.skipping ?? false), resumeAt: actionId },
    { executionId: request.executionId, startedAt: request.startedAt },
  );
  throw new WorkflowContinued(actionId);
};

/** The state machine part of an execution ARN (`…:execution:<state machine>:<name>`). */
const stateMachineOfExecution = (executionArn: string): string =>
  executionArn.slice(0, executionArn.lastIndexOf(':'));

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
  let run: Run = { request, ports, workflow, actions: indexActions(workflow), now: ports.now(), state };
  if (state.continueAt && AFTER_WAIT.has(request.kind)) {
    return continueAsNew(run, state.continueAt.resumeAt, new Date(state.continueAt.runAt));
  }
  // Counted first, so that a failure anywhere in the attempt is counted.
  const attempt =
    request.kind === 'action' || request.kind === 'branch' || request.kind === 'waitForEvent'
      ? await ports.countAttempt(request.executionId, request.actionId ?? '')
      : 0;
  if (MOVABLE.has(request.kind) && request.actionId !== null && !state.eventTimedOut) {
    run = await continueOnLiveRevision(run, request.actionId);
    // A retried wait Task may find its wait answered and the record moved on: only a first attempt notes it.
    if (request.kind !== 'waitForEvent' || attempt === 1) {
      await ports.noteCurrentAction(run.state.enrollment, request.actionId);
    }
  }
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
      return waitForEvent(run, attempt);
    case 'eventTimeout':
      return eventTimedOut(run);
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
