import type { EnrollmentChange } from './change-views.ts';
import type { EnrollmentDecision, EnrollmentState, EnrollReason } from './enrollment-decision.ts';
import { isEnrollmentOf } from './enrollment-id.ts';
import { enrollUnlessBlocked, skipDecision } from './entry-gates.ts';
import type { PartReader } from './part-reader.ts';
import type { PartName, Trigger, WorkflowParts } from './workflow-parts.ts';

/** Deeper cause chains than this enroll nothing (events.md): a workflow cannot trigger itself for ever. */
export const MAX_CAUSE_DEPTH = 10;

/** What one change does to one workflow's parts: which were touched, how they read before and after. */
export interface PartsOfChange {
  readonly parts: WorkflowParts;
  readonly touched: ReadonlySet<PartName>;
  readonly read: PartReader;
  readonly change: EnrollmentChange;
}

/** The enrollment criteria went from not matching (or no record) to matching. */
export const criteriaRose = ({ parts, touched, read }: PartsOfChange): boolean =>
  touched.has('criteria') &&
  !read.before('criteria', parts.criteria) &&
  read.after('criteria', parts.criteria);

/** A trigger went from false to true; a `hasProperty` trigger on an own property fires on every value change. */
const triggerFired = ({ touched, read, change }: PartsOfChange, trigger: Trigger): boolean => {
  if (!touched.has(trigger.part)) return false;
  if (trigger.firesOnEveryChange && 'property' in trigger.filter) {
    return (
      change.changedProperties.includes(trigger.filter.property) && read.after(trigger.part, trigger.criteria)
    );
  }
  return !read.before(trigger.part, trigger.criteria) && read.after(trigger.part, trigger.criteria);
};

/** Re-enrollment is on, a trigger fired, and the criteria match after the change (read even when untouched). */
export const reenrollmentFired = (of: PartsOfChange): boolean =>
  of.parts.workflow.enrollment.reenrollment.enabled &&
  of.parts.triggers.some((trigger) => triggerFired(of, trigger)) &&
  of.read.after('criteria', of.parts.criteria);

/**
 * A change the record's own enrollment in this workflow made (an action of it wrote the record): the record was
 * enrolled here when it changed, however late the change is decided — after the enrollment ended, its last action
 * being the one that wrote.
 */
const madeWhileEnrolled = ({ parts, change }: PartsOfChange): boolean =>
  change.cause !== undefined && isEnrollmentOf(change.cause.enrollmentId, parts.workflow.id, change.id);

/**
 * Decisions for a record not enrolled now in a criteria workflow: the first enrollment when the criteria rise;
 * another only through re-enrollment (on, and a trigger fired while the criteria match). A change that would
 * enroll is skipped when the record's own enrollment here made it (`already_enrolled`, as when it is decided before
 * that enrollment ends), past the loop guard, in a suppression list, meeting the unenrollment criteria or the goal.
 */
export const decideEntry = (
  of: PartsOfChange,
  state: EnrollmentState,
  states: Readonly<Record<string, EnrollmentState>>,
): EnrollmentDecision[] => {
  const { parts, change, read } = of;
  if (parts.workflow.enrollment.trigger !== 'criteria' || change.change === 'deleted') return [];
  let reason: EnrollReason | undefined;
  if (state.status === 'none') {
    if (criteriaRose(of)) reason = 'criteria';
  } else if (state.status === 'ended') {
    if (!parts.workflow.enrollment.reenrollment.enabled) {
      return criteriaRose(of) ? [skipDecision(parts, 'reenrollment_off')] : [];
    }
    if (reenrollmentFired(of)) reason = 'reenrollment';
  }
  if (!reason) return [];
  if (madeWhileEnrolled(of)) return [skipDecision(parts, 'already_enrolled')];
  if ((change.cause?.depth ?? 0) > MAX_CAUSE_DEPTH) return [skipDecision(parts, 'loop_guard')];
  return enrollUnlessBlocked(parts, reason, read.after, states);
};
