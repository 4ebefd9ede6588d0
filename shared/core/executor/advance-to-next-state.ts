import { horizonOf } from '../contract/step-functions-limits.ts';
import type { EnrollmentRef, ExecutionState, TaskResponse } from '../contract/task-contract.ts';
import { WorkflowExit } from '../contract/task-errors.ts';
import { historyOf, type RecordView, type Run } from './task-run.ts';
import { travelEdge } from './travel-edge.ts';

/** Where and when the record goes next: the action (or last delay) a new execution would resume at. */
export interface Destination {
  readonly runAt: Date;
  /** Null when the record reached the end of the workflow (its completion is recorded). */
  readonly resumeAt: string | null;
  readonly skipping: boolean;
}

/**
 * Travels the edge from `nextId`, recording what the history needs (skipped delays, the next action scheduled, or
 * completion), and returns where the record goes; throws {@link WorkflowExit} when it leaves on the way.
 */
export const travelAlong = async (
  run: Run,
  nextId: string | null,
  view: RecordView,
  skipping: boolean,
): Promise<Destination> => {
  const history = historyOf(run);
  const { enrollment } = run.state;
  const result = travelEdge({
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
  return {
    runAt: result.runAt,
    resumeAt: result.target?.id ?? result.lastDelayId,
    skipping: result.skipping,
  };
};

/** Travels the edge from `nextId` and returns the next state, recording what the history needs. */
export const advanceAlong = async (
  run: Run,
  nextId: string | null,
  view: RecordView,
  skipping: boolean,
): Promise<TaskResponse> => {
  const to = await travelAlong(run, nextId, view, skipping);
  const { parkLongerThanMs } = run.ports;
  return withinHorizon(
    run.state.enrollment,
    to.runAt,
    to.resumeAt,
    new Date(run.request.startedAt),
    to.skipping,
    parkLongerThanMs === undefined ? undefined : { now: run.now, afterMs: parkLongerThanMs },
  );
};

/**
 * The state that waits until `runAt`, or, when `runAt` is past the horizon of the execution
 * started at `startedAt`, waits until the horizon and then continues in a new execution. With `park`, a wait longer
 * than `park.afterMs` from `park.now` does not wait in this execution at all: it continues at once, and the new
 * execution is parked as a timer until `runAt` (continue-as-new decides).
 */
export const withinHorizon = (
  enrollment: EnrollmentRef,
  runAt: Date,
  resumeAt: string | null,
  startedAt: Date,
  skipping = false,
  park?: { readonly now: Date; readonly afterMs: number },
): ExecutionState => {
  const horizon = horizonOf(startedAt);
  const flags = skipping ? { skipping: true } : {};
  if (park && resumeAt !== null && runAt.getTime() - park.now.getTime() > park.afterMs) {
    return {
      enrollment,
      runAt: park.now.toISOString(),
      ...flags,
      continueAt: { resumeAt, runAt: runAt.toISOString() },
    };
  }
  if (resumeAt === null || runAt.getTime() <= horizon.getTime()) {
    return { enrollment, runAt: runAt.toISOString(), ...flags };
  }
  return {
    enrollment,
    runAt: horizon.toISOString(),
    ...flags,
    continueAt: { resumeAt, runAt: runAt.toISOString() },
  };
};
