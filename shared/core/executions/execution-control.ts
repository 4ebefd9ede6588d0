import type { EnrollmentRef, ExecutionState } from '../contract/task-contract.ts';
import { ActionTransient } from '../contract/task-errors.ts';
import type { EnrollmentTarget, ExecutionPorts } from '../enrollment/enrollment-effects.ts';
import type { Enrollment, EnrollmentRepository } from '../enrollment/enrollment-repository.ts';
import { withinHorizon } from '../executor/advance-to-next-state.ts';
import { answerParkedWait, eventMet } from '../executor/execute-task.ts';
import type { HistoryEvent } from '../executor/history-event.ts';
import type { ExecutionRef, ExecutorPorts } from '../executor/ports.ts';
import { startExecution } from '../executor/start-execution.ts';
import type { Clock } from '../ports/clock.ts';
import { nextRunAt } from '../scheduling/next-run-at.ts';
import { indexActions, isHeldBack } from '../workflow/action-edges.ts';
import type { StateMachineRegistry } from '../workflow/state-machines.ts';
import { type Executions, executionArnOf, executionName, generationIn, standsAfter } from './executions.ts';
import type { ParkedExecutions } from './parked-executions.ts';
import { createParkedResumer } from './resume-parked.ts';

/**
 * A registered event wait: the token to answer and the execution it belongs to; a parked wait has no token, and its
 * execution is the one parked until its timeout.
 */
export interface RegisteredEventWait {
  readonly taskToken?: string;
  /** A parked wait: the retry of the enrollment that kept it (absent: its first run). */
  readonly retry?: number;
  readonly executionId: string;
  readonly startedAt: string;
}

export interface ExecutionControlOptions {
  readonly clock: Clock;
  readonly executions: Executions;
  readonly stateMachines: Pick<StateMachineRegistry, 'arnOf'>;
  readonly enrollments: Pick<EnrollmentRepository, 'current' | 'setExecution'>;
  /** The executor's ports: a start reads the revision and the record and writes history the way every Task does. */
  readonly executor: () => ExecutorPorts;
  /**
   * When set, an execution whose first step is further than `afterMs` away is parked as a timer instead of started
   * (the executor parks waits longer than the same threshold); `resumeParked` starts it when due.
   */
  readonly parking?: {
    readonly executions: ParkedExecutions;
    readonly afterMs: number;
    /** StartExecution calls `resumeParked` keeps in flight at most (default `DEFAULT_RESUME_CONCURRENCY`, 10). */
    readonly concurrency?: number;
  };
  /** The event waits the executor registered, and forgetting one once it is answered. */
  readonly eventWaits: {
    find(enrollmentId: string, actionId: string): Promise<RegisteredEventWait | undefined>;
    forget(enrollment: EnrollmentRef, actionId: string): Promise<void>;
  };
}

const refOf = (enrollment: Enrollment): EnrollmentRef => ({
  workflowId: enrollment.workflowId,
  revision: enrollment.revision,
  enrollmentId: enrollment.id,
  recordId: enrollment.recordId,
  objectType: enrollment.objectType,
  ...(enrollment.depth ? { depth: enrollment.depth } : {}),
  ...(enrollment.retries ? { retry: enrollment.retries } : {}),
});

const endRef = (ref: Pick<EnrollmentRef, 'workflowId' | 'objectType' | 'recordId' | 'enrollmentId'>) => ({
  workflowId: ref.workflowId,
  objectType: ref.objectType,
  recordId: ref.recordId,
  enrollmentId: ref.enrollmentId,
});

/**
 * Where enrollments meet executions: the enrollment engine's execution ports (start one named by the enrollment id,
 * stop the running one, answer an event wait) and the executor's continue-as-new and task answers. Every call is
 * safe to repeat: names are deterministic, history lines are kept once per key, stops and answers of what has ended
 * do nothing.
 */
export const createExecutionControl = (options: ExecutionControlOptions) => {
  const { clock, executions } = options;

  /** Activation published it before any enrollment: its ARN is known without asking Step Functions. */
  const stateMachineArnOf = (workflowId: string, revision: number): Promise<string> =>
    options.stateMachines.arnOf(workflowId, revision);

  /**
   * Notes `executionArn` on the enrollment, moving the note only forward: a compare-and-set from the note last read
   * (`expected`, null: none). Refused, the note is read again: the enrollment has ended (or is another) → `undo`; the
   * note is this execution already, or a later one (a launch that raced this one moved on) → left as it is; an earlier
   * one (a write that raced this one landed first) → moved forward from it.
   */
  const noteForward = async (
    ref: EnrollmentRef,
    executionArn: string,
    expected: string | null,
    undo: () => Promise<void>,
  ): Promise<boolean> => {
    // Moved past it already (a repeated launch): nothing to note. (Noted as this one already, the write still checks
    // that the enrollment is active.)
    if (expected !== null && standsAfter(expected, executionArn, ref.enrollmentId)) return false;
    let read = expected;
    for (let tries = 0; tries < 3; tries += 1) {
      if (await options.enrollments.setExecution(endRef(ref), executionArn, read)) return true;
      const current = await options.enrollments.current(ref.workflowId, ref.objectType, ref.recordId);
      if (current?.latest.id !== ref.enrollmentId || current.latest.status !== 'active') {
        await undo();
        return false;
      }
      const noted = current.executionArn;
      if (noted === executionArn) return true;
      if (standsAfter(noted, executionArn, ref.enrollmentId)) return false;
      read = noted ?? null;
    }
    throw new ActionTransient(
      `the execution of enrollment ${ref.enrollmentId} could not be noted: its note kept moving`,
    );
  };

  /**
   * Starts the execution (an enrollment's first, or a continue-as-new), or parks it when its first step is far
   * enough away; notes it on the enrollment. A start Step Functions refuses for now (throttled, the open executions
   * quota reached, a fault) is parked as due at its first step (`runAt`): the resumer starts it at its paced rate, so
   * a burst of enrollments (an import, `enrollExisting`) queues in the table instead of failing, and a continuing
   * Task ends instead of retrying against the quota. A parked one is noted before it is parked (see `park`): a launch
   * that stops in between is asked for again by its retried Task or redelivered trigger (see `start`). A start that
   * did go through is found again by its name (`alreadyStarted`): nothing runs twice. Without parking
   * (`PARK_AFTER_SECONDS` 0) the refusal is thrown, as before.
   */
  const launch = async (
    ref: EnrollmentRef,
    name: string,
    input: ExecutionState,
    /** The execution noted when the launch was decided (null: none): the note moves only forward from it. */
    expected: string | null,
    /** Parks it whatever its first step (a replay whose park may be missing; with parking only). */
    parkOnly = false,
  ): Promise<string> => {
    const stateMachineArn = await stateMachineArnOf(ref.workflowId, ref.revision);
    const { parking } = options;
    /**
     * Parks it, noted first: the resumer starts a parked execution only while it is the noted one, so a run in between
     * finds nothing to start rather than an item it would drop. Not noted (the enrollment ended, or moved past it), it
     * is not parked. A launch that stops after the note is asked for again (its Task or delivery is retried).
     */
    const park = async (store: ParkedExecutions) => {
      const executionArn = executionArnOf(stateMachineArn, name);
      if (await noteForward(ref, executionArn, expected, async () => undefined)) {
        await store.park({ name, stateMachineArn, input, dueAt: input.runAt });
      }
      return executionArn;
    };
    if (parking && (parkOnly || Date.parse(input.runAt) - clock.now().getTime() > parking.afterMs)) {
      return park(parking.executions);
    }
    let started: { executionArn: string; alreadyStarted: boolean };
    try {
      started = await executions.start({ stateMachineArn, name, input });
    } catch (error) {
      if (!(parking && error instanceof ActionTransient)) throw error;
      return park(parking.executions);
    }
    const { executionArn, alreadyStarted } = started;
    // A start found already made is another's (a repeated launch): it is left alone.
    await noteForward(ref, executionArn, expected, async () => {
      if (!alreadyStarted) await executions.stop(executionArn, 'the enrollment ended');
    });
    return executionArn;
  };

  const historyWriter =
    (ports: ExecutorPorts, ref: EnrollmentRef, at: Date) =>
    (
      event: HistoryEvent['event'],
      fields: Partial<Pick<HistoryEvent, 'actionId' | 'reason' | 'details'>> = {},
    ) =>
      ports.history({
        at: at.toISOString(),
        workflowId: ref.workflowId,
        revision: ref.revision,
        enrollmentId: ref.enrollmentId,
        recordId: ref.recordId,
        event,
        ...(ref.retry ? { retry: ref.retry } : {}),
        ...fields,
      });

  /**
   * Starts the enrollment's first execution, at its start action's instant (or ends it when nothing is to run). A
   * replay (the same trigger delivered again) whose enrollment notes a later execution does nothing: the chain has
   * moved on. Noted as the first, it parks it again (a launch notes before it parks, so the park may be missing; a
   * start is noted after it is made): the resumer starts it when due, once (a started one is found by its name).
   */
  const start = async (enrollment: Enrollment, replayed: boolean): Promise<void> => {
    const ports = options.executor();
    const ref = refOf(enrollment);
    // A replay noted as the first: only its park may be missing (a start is noted after it is made).
    let noted: string | null = null;
    if (replayed) {
      const current = await options.enrollments.current(ref.workflowId, ref.objectType, ref.recordId);
      const first = executionName(ref.enrollmentId, 0, ref.retry);
      if (standsAfter(current?.executionArn, first, ref.enrollmentId)) return;
      noted = current?.executionArn ?? null;
    }
    const properties = await ports.record(ref.objectType, ref.recordId);
    if (properties === undefined) return; // deleted since: its deletion unenrolls it
    const workflow = await ports.workflow(ref.workflowId, ref.revision);
    const now = clock.now();
    const history = historyWriter(ports, ref, now);
    const begun = startExecution(workflow, ref, now, properties);
    if (begun.kind === 'unenroll') {
      await history('unenrolled', { actionId: begun.actionId, reason: begun.reason });
      await ports.endEnrollment(ref, 'unenrolled', { reason: begun.reason, actionId: begun.actionId });
      return;
    }
    const { advance } = begun;
    for (const delay of advance.skipped)
      await history('action.skipped', { actionId: delay.id, reason: 'anchor_passed' });
    if (advance.target === null && !advance.delayed) {
      await history('completed');
      await ports.endEnrollment(ref, 'completed', {});
      return;
    }
    if (advance.target !== null && advance.runAt.getTime() > now.getTime()) {
      await history('action.scheduled', {
        actionId: advance.target.id,
        details: { runAt: advance.runAt.toISOString() },
      });
    }
    await launch(ref, executionName(ref.enrollmentId, 0), begun.input, noted, noted !== null);
  };

  /** Stops the execution running the enrollment now (the first one when none was noted). */
  const stop = async (target: EnrollmentTarget, reason: string): Promise<void> => {
    const current = await options.enrollments.current(target.workflowId, target.objectType, target.recordId);
    const noted = current?.latest.id === target.enrollmentId ? current.executionArn : undefined;
    const executionArn =
      noted ??
      (await stateMachineArnOf(target.workflowId, target.revision)).replace(':stateMachine:', ':execution:') +
        `:${executionName(target.enrollmentId, 0)}`;
    await options.parking?.executions.cancel(target.enrollmentId);
    await executions.stop(executionArn, reason);
  };

  /**
   * The record now meets the criteria the enrollment waits for at `actionId`: its token answered with the next state,
   * or, for a parked wait (no token), a new execution started where the record goes next (`answerParkedWait`).
   */
  const answer = async (wait: EnrollmentTarget & { readonly actionId: string }): Promise<void> => {
    const registered = await options.eventWaits.find(wait.enrollmentId, wait.actionId);
    if (!registered) return;
    const current = await options.enrollments.current(wait.workflowId, wait.objectType, wait.recordId);
    if (current?.latest.id !== wait.enrollmentId || current.latest.status !== 'active') return;
    const ref = refOf(current.latest);
    if (registered.taskToken === undefined) {
      // A wait an earlier run kept (before the enrollment was retried) is not the one this run waits at; and once an
      // answer's execution is noted, a later change asks nothing (it would travel along next with the record anew).
      if ((registered.retry ?? 0) !== (ref.retry ?? 0)) return;
      if (current.executionArn !== registered.executionId) return;
      const timer = { executionId: registered.executionId, startedAt: registered.startedAt };
      await answerParkedWait(ref, wait.actionId, timer, options.executor());
      return;
    }
    const state: ExecutionState = { enrollment: ref, runAt: clock.now().toISOString() };
    const next = await eventMet(
      state,
      wait.actionId,
      { executionId: registered.executionId, startedAt: registered.startedAt },
      options.executor(),
    );
    await executions.sendTaskSuccess(registered.taskToken, next);
    await options.eventWaits.forget(ref, wait.actionId);
  };

  /**
   * A new execution of the enrollment's revision takes over with `input` (past the one-year horizon): the one after
   * `from` (named `<enrollmentId>-c<n+1>`), so that a retried Task starts it once.
   */
  const continueAsNew = async (input: ExecutionState, from?: ExecutionRef): Promise<string> => {
    const ref = input.enrollment;
    const current = await options.enrollments.current(ref.workflowId, ref.objectType, ref.recordId);
    const caller = from?.executionId ?? current?.executionArn;
    const generation = (generationIn(caller, ref.enrollmentId, ref.retry) ?? 0) + 1;
    const name = executionName(ref.enrollmentId, generation, ref.retry);
    // Nothing to do for an enrollment that has ended, or asked again after it moved past this successor (a repeated
    // answer, a late retry): noting it would take the note back from the execution that runs the enrollment now.
    const active = current?.latest.id === ref.enrollmentId && current.latest.status === 'active';
    const passed = standsAfter(current?.executionArn, name, ref.enrollmentId);
    if (!active || passed) return executionArnOf(await stateMachineArnOf(ref.workflowId, ref.revision), name);
    return launch(ref, name, input, current.executionArn ?? null);
  };

  /** Starts the parked executions that are due (`createParkedResumer`). */
  const resumeParked = createParkedResumer({
    clock,
    executions,
    enrollments: options.enrollments,
    ...(options.parking ? { parking: options.parking } : {}),
  });

  /**
   * The retried enrollment (`retries` n, set back to active) resumes at `actionId`, the action it failed at: a new
   * execution of its revision named `<enrollmentId>-r<n>` (so a repeated retry starts it once) with `resumeAt`, at
   * once or, for an action held back by the windows, at the next open moment (`action.scheduled`). The execution is
   * noted unless a later one is noted already (it may have continued as new since): `noteForward`; stopped when the
   * enrollment ended before it was noted.
   */
  const retry = async (enrollment: Enrollment, actionId: string): Promise<void> => {
    const ports = options.executor();
    const ref = refOf(enrollment);
    const workflow = await ports.workflow(ref.workflowId, ref.revision);
    const action = indexActions(workflow).get(actionId);
    if (!action) throw new Error(`action "${actionId}" is not in revision ${ref.revision}`);
    const now = clock.now();
    const runAt = isHeldBack(action)
      ? nextRunAt(now, workflow.settings, `${ref.enrollmentId}:${actionId}`)
      : now;
    const history = historyWriter(ports, ref, now);
    if (runAt.getTime() > now.getTime()) {
      await history('action.scheduled', { actionId, details: { runAt: runAt.toISOString() } });
    }
    const { executionArn, alreadyStarted } = await executions.start({
      stateMachineArn: await stateMachineArnOf(ref.workflowId, ref.revision),
      name: executionName(ref.enrollmentId, 0, ref.retry),
      input: { ...withinHorizon(ref, runAt, actionId, now), resumeAt: actionId },
    });
    const current = await options.enrollments.current(ref.workflowId, ref.objectType, ref.recordId);
    // Ended meanwhile (unenrolled while the retry started it, whose stop found the failed execution noted): the retry's
    // execution is stopped before it runs an action. One a repeated retry finds started is the first retry's.
    await noteForward(ref, executionArn, current?.executionArn ?? null, async () => {
      if (!alreadyStarted) await executions.stop(executionArn, 'the enrollment ended');
    });
  };

  const ports: ExecutionPorts = {
    startExecution: (enrollment, _workflow, replayed) => start(enrollment, replayed),
    stopExecution: stop,
    answerEventWait: answer,
    retryExecution: retry,
  };

  return {
    /** For the enrollment engine. */
    ports,
    /** For the executor's ports. */
    continueAsNew,
    /** For the scheduled function that starts parked executions when due. */
    resumeParked,
    succeedEventWait: (taskToken: string, state: ExecutionState) =>
      executions.sendTaskSuccess(taskToken, state),
  };
};

export type ExecutionControl = ReturnType<typeof createExecutionControl>;
