import type { FilterGroups } from '../filters/filter.schema.ts';
import type {
  EnrollDecision,
  EnrollmentDecision,
  EnrollmentState,
  EnrollReason,
  SkipDecision,
  SkipReason,
} from './enrollment-decision.ts';
import type { PartName, WorkflowParts } from './workflow-parts.ts';

/** True when the record, as it is now, meets the part's criteria. */
export type ReadNow = (part: PartName, criteria: FilterGroups) => boolean;

/**
 * Why a record that may enroll does not (workflow.md, "Enrollment"): in a suppression list, meeting the
 * unenrollment criteria, or already meeting the goal — checked in that order, on the record as it is now.
 */
export const entryBlock = (parts: WorkflowParts, now: ReadNow): SkipReason | undefined => {
  if (now('suppression', parts.suppression)) return 'suppressed';
  if (now('unenrollment', parts.unenrollment)) return 'unenrollment_criteria';
  if (now('goal', parts.goal)) return 'goal_already_met';
  return undefined;
};

const skip = (parts: WorkflowParts, reason: SkipReason): SkipDecision => ({
  kind: 'skip',
  workflowId: parts.workflow.id,
  revision: parts.workflow.revision,
  reason,
});

/** Enrolls unless a gate stops it, with the unenrollments from the workflows this one names. */
export const enrollUnlessBlocked = (
  parts: WorkflowParts,
  reason: EnrollReason,
  now: ReadNow,
  states: Readonly<Record<string, EnrollmentState>>,
): EnrollmentDecision[] => {
  const blocked = entryBlock(parts, now);
  if (blocked) return [skip(parts, blocked)];
  const { workflow } = parts;
  const enroll: EnrollDecision = {
    kind: 'enroll',
    workflowId: workflow.id,
    revision: workflow.revision,
    reason,
  };
  const elsewhere: EnrollmentDecision[] = [];
  for (const otherId of new Set(workflow.settings.unenrollFromWorkflows)) {
    const other = states[otherId];
    if (otherId === workflow.id || other?.status !== 'enrolled') continue;
    elsewhere.push({
      kind: 'unenrollElsewhere',
      workflowId: otherId,
      enrollmentId: other.enrollmentId,
      reason: `other_workflow:${workflow.id}`,
    });
  }
  return [enroll, ...elsewhere];
};

/** A record that may enroll again only when re-enrollment is on, and never while enrolled. */
export const repeatBlock = (parts: WorkflowParts, state: EnrollmentState): SkipDecision | undefined => {
  if (state.status === 'enrolled') return skip(parts, 'already_enrolled');
  if (state.status === 'ended' && !parts.workflow.enrollment.reenrollment.enabled) {
    return skip(parts, 'reenrollment_off');
  }
  return undefined;
};

export { skip as skipDecision };
