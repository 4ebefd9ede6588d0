import type { EnrollmentRef } from '../contract/task-contract.ts';
import type { EndEnrollmentRef, EnrollmentRepository } from '../enrollment/enrollment-repository.ts';
import type { Clock } from '../ports/clock.ts';
import type {
  EventWait,
  EventWaitClaim,
  EventWaitOutcome,
  EventWaitStore,
  ParkedEventWait,
} from './event-wait-store.ts';
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
   * Keeps a parked wait (no token: `timer` is the execution parked until `timesOutAt`), the wait noted on the
   * enrollment first: a kept parked wait is always noted, and an answer asked for before it is kept finds nothing
   * (the parking Task reads the record again once it is kept).
   */
  park(enrollment: EnrollmentRef, actionId: string, timer: ExecutionRef, timesOutAt: string): Promise<void>;
  /** Takes the parked wait's outcome (see `EventWaitStore.claim`). */
  claim(
    enrollment: EndEnrollmentRef,
    actionId: string,
    outcome: EventWaitOutcome,
    executionId?: string,
  ): Promise<EventWaitClaim>;
  /** The enrollment's note that it waits at the action is taken off; the wait itself is kept (and its claim). */
  unnote(enrollment: EndEnrollmentRef, actionId: string): Promise<void>;
  /** The parked wait kept at the action: its timer and the outcome that took it; undefined when none is parked. */
  parked(enrollmentId: string, actionId: string): Promise<ParkedEventWait | undefined>;
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
  const fieldsOf = (enrollment: EnrollmentRef, actionId: string) => ({
    workflowId: enrollment.workflowId,
    objectType: enrollment.objectType,
    recordId: enrollment.recordId,
    enrollmentId: enrollment.enrollmentId,
    actionId,
    registeredAt: clock.now().toISOString(),
  });
  return {
    async register(enrollment, actionId, taskToken, execution) {
      // The token first: whoever reads the note finds the token.
      await store.put({
        ...fieldsOf(enrollment, actionId),
        taskToken,
        ...(execution ? { executionId: execution.executionId, startedAt: execution.startedAt } : {}),
      });
      await enrollments.setWaiting(enrollment, actionId, true);
    },
    async park(enrollment, actionId, timer, timesOutAt) {
      await enrollments.setWaiting(enrollment, actionId, true);
      await store.put({
        ...fieldsOf(enrollment, actionId),
        executionId: timer.executionId,
        startedAt: timer.startedAt,
        timesOutAt,
        ...(enrollment.retry ? { retry: enrollment.retry } : {}),
      });
    },
    claim: (enrollment, actionId, outcome, executionId) =>
      store.claim(enrollment.enrollmentId, actionId, outcome, executionId),
    unnote: (enrollment, actionId) => enrollments.setWaiting(enrollment, actionId, false),
    async parked(enrollmentId, actionId) {
      const wait = await store.get(enrollmentId, actionId);
      if (!wait || wait.taskToken !== undefined || !wait.executionId || !wait.startedAt) return undefined;
      return {
        timer: { executionId: wait.executionId, startedAt: wait.startedAt },
        ...(wait.claimedBy === undefined ? {} : { claimedBy: wait.claimedBy }),
        ...(wait.retry === undefined ? {} : { retry: wait.retry }),
      };
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
