import type { EnrollmentRef } from '../contract/task-contract.ts';
import type { EndEnrollmentRef, EnrollmentRepository } from '../enrollment/enrollment-repository.ts';
import type { Clock } from '../ports/clock.ts';
import type { EventWait, EventWaitStore } from './event-wait-store.ts';
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
  return {
    async register(enrollment, actionId, taskToken, execution) {
      // The token first: whoever reads the note finds the token.
      await store.put({
        workflowId: enrollment.workflowId,
        objectType: enrollment.objectType,
        recordId: enrollment.recordId,
        enrollmentId: enrollment.enrollmentId,
        actionId,
        taskToken,
        registeredAt: clock.now().toISOString(),
        ...(execution ? { executionId: execution.executionId, startedAt: execution.startedAt } : {}),
      });
      await enrollments.setWaiting(enrollment, actionId, true);
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
