import type { EnrollmentRef } from '../contract/task-contract.ts';
import type { EndEnrollmentRef, EnrollmentRepository } from '../enrollment/enrollment-repository.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventWait, EventWaitClaim, EventWaitOutcome, EventWaitStore } from './event-wait-store.ts';
import type { ExecutionRef } from './ports.ts';

/** The event waits of enrollments: their task tokens, and the enrollment state's note that it waits. */
export interface EventWaits {
  /** Keeps the token (replacing an earlier one of the enrollment and action), then notes the wait on the enrollment. */
  register(
    enrollment: EnrollmentRef,
    actionId: string,
    taskToken: string,
    execution?: ExecutionRef,
  ): Promise<void>;
  /**
   * Keeps a parked wait (no token: `timer` is the execution parked until `timesOutAt`), then notes the wait on the
   * enrollment.
   */
  park(enrollment: EnrollmentRef, actionId: string, timer: ExecutionRef, timesOutAt: string): Promise<void>;
  /** Takes the parked wait's outcome (see `EventWaitStore.claim`). */
  claim(enrollment: EndEnrollmentRef, actionId: string, outcome: EventWaitOutcome): Promise<EventWaitClaim>;
  /** The enrollment's note that it waits at the action is taken off; the wait itself is kept (and its claim). */
  unnote(enrollment: EndEnrollmentRef, actionId: string): Promise<void>;
  /** The parked wait kept at the action: its timer and the outcome that took it; undefined when none is parked. */
  parked(
    enrollmentId: string,
    actionId: string,
  ): Promise<{ readonly timer: ExecutionRef; readonly claimedBy?: EventWaitOutcome } | undefined>;
  /** The task token the enrollment waits with at the action; undefined when it does not wait there. */
  eventWaitToken(enrollmentId: string, actionId: string): Promise<string | undefined>;
  /** The whole wait (token and waiting execution); undefined when the enrollment does not wait there. */
  eventWait(enrollmentId: string, actionId: string): Promise<EventWait | undefined>;
  /** Forgets the wait: the enrollment's note first, then the token. */
  forget(enrollment: EndEnrollmentRef, actionId: string): Promise<void>;
  /** Forgets the waits of the enrollment kept with this token (the token was answered). */
  forgetToken(enrollment: EndEnrollmentRef, taskToken: string): Promise<void>;
}

/** Event waits over their store and the enrollment repository's `setWaiting`. */
export const eventWaits = (
  store: EventWaitStore,
  enrollments: Pick<EnrollmentRepository, 'setWaiting'>,
  clock: Clock,
): EventWaits => {
  const forget = async (enrollment: EndEnrollmentRef, actionId: string) => {
    await enrollments.setWaiting(enrollment, actionId, false);
    await store.delete(enrollment.enrollmentId, actionId);
  };
  /** Keeps the wait, then notes it on the enrollment. */
  const keep = async (
    enrollment: EnrollmentRef,
    actionId: string,
    fields: Pick<EventWait, 'taskToken' | 'executionId' | 'startedAt' | 'timesOutAt'>,
  ) => {
    await store.put({
      workflowId: enrollment.workflowId,
      objectType: enrollment.objectType,
      recordId: enrollment.recordId,
      enrollmentId: enrollment.enrollmentId,
      actionId,
      registeredAt: clock.now().toISOString(),
      ...fields,
    });
    await enrollments.setWaiting(enrollment, actionId, true);
  };
  return {
    async register(enrollment, actionId, taskToken, execution) {
      // The token first: whoever reads the note finds the token.
      await keep(enrollment, actionId, {
        taskToken,
        ...(execution ? { executionId: execution.executionId, startedAt: execution.startedAt } : {}),
      });
    },
    park: (enrollment, actionId, timer, timesOutAt) =>
      keep(enrollment, actionId, { executionId: timer.executionId, startedAt: timer.startedAt, timesOutAt }),
    claim: (enrollment, actionId, outcome) => store.claim(enrollment.enrollmentId, actionId, outcome),
    unnote: (enrollment, actionId) => enrollments.setWaiting(enrollment, actionId, false),
    async parked(enrollmentId, actionId) {
      const wait = await store.get(enrollmentId, actionId);
      if (!wait || wait.taskToken !== undefined || !wait.executionId || !wait.startedAt) return undefined;
      const timer = { executionId: wait.executionId, startedAt: wait.startedAt };
      return wait.claimedBy === undefined ? { timer } : { timer, claimedBy: wait.claimedBy };
    },
    async eventWaitToken(enrollmentId, actionId) {
      return (await store.get(enrollmentId, actionId))?.taskToken;
    },
    eventWait: (enrollmentId, actionId) => store.get(enrollmentId, actionId),
    forget,
    async forgetToken(enrollment, taskToken) {
      for (const wait of await store.ofEnrollment(enrollment.enrollmentId)) {
        if (wait.taskToken === taskToken) await forget(enrollment, wait.actionId);
      }
    },
  };
};
