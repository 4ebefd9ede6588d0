import type { PartsOfChange } from './decide-entry.ts';
import { criteriaRose, reenrollmentFired } from './decide-entry.ts';
import type { ChangeUnenrollReason, EnrollmentDecision, EnrollmentState } from './enrollment-decision.ts';
import { skipDecision } from './entry-gates.ts';

type Enrolled = Extract<EnrollmentState, { status: 'enrolled' }>;

/** Why the change makes the enrolled record leave, goal first (it leaves converted), else undefined. */
const exitOf = (of: PartsOfChange): 'goal' | ChangeUnenrollReason | undefined => {
  const { parts, touched, read, change } = of;
  if (change.change === 'deleted') return 'record_deleted';
  if (touched.has('goal') && read.after('goal', parts.goal)) return 'goal';
  if (touched.has('suppression') && read.after('suppression', parts.suppression)) return 'suppressed';
  if (touched.has('unenrollment') && read.after('unenrollment', parts.unenrollment))
    return 'unenrollment_criteria';
  const { workflow } = parts;
  if (
    workflow.settings.unenrollWhenCriteriaNotMet &&
    workflow.enrollment.trigger === 'criteria' &&
    touched.has('criteria') &&
    read.before('criteria', parts.criteria) &&
    !read.after('criteria', parts.criteria)
  ) {
    return 'criteria_not_met';
  }
  return undefined;
};

/**
 * Decisions for a record enrolled now: it leaves (goal met; deleted, suppressed, meeting the unenrollment
 * criteria, no longer meeting the criteria when the workflow says so), or its event waits whose criteria now
 * hold are answered; a change that would have enrolled it is noted as skipped (`already_enrolled`).
 */
export const decideWhileEnrolled = (of: PartsOfChange, state: Enrolled): EnrollmentDecision[] => {
  const { parts, touched, read } = of;
  const { workflow } = parts;
  const { enrollmentId, revision } = state;
  const exit = exitOf(of);
  if (exit === 'goal') return [{ kind: 'exitGoal', workflowId: workflow.id, revision, enrollmentId }];
  if (exit) return [{ kind: 'unenroll', workflowId: workflow.id, revision, enrollmentId, reason: exit }];
  const decisions: EnrollmentDecision[] = [];
  if (workflow.enrollment.trigger === 'criteria' && (criteriaRose(of) || reenrollmentFired(of))) {
    decisions.push(skipDecision(parts, 'already_enrolled'));
  }
  for (const actionId of state.waitingActionIds ?? []) {
    const criteria = parts.waits.get(actionId);
    if (criteria && touched.has(`wait:${actionId}`) && read.after(`wait:${actionId}`, criteria)) {
      decisions.push({ kind: 'answerEventWait', workflowId: workflow.id, enrollmentId, actionId });
    }
  }
  return decisions;
};
