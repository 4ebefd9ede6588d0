import type { FilterGroups } from '../filters/filter.schema.ts';
import type { CriteriaExplanation, FilterInput } from '../filters/filter-input.ts';
import type { PropertyTypes } from '../filters/filter-options.ts';
import { explainFilters } from '../filters/match-filters.ts';
import { restingView } from './change-views.ts';
import type { RestingRecordInput } from './decide-manual.ts';
import { repeatBlock } from './entry-gates.ts';
import { partsOf, type WorkflowParts } from './workflow-parts.ts';

/**
 * One reason of an enrollment check, as the dry run and the explanation give it. `code` is one of:
 * `criteria_met`, `criteria_not_met`, `no_criteria` (a criteria workflow with `[]`), `manual_trigger` (criteria
 * ignored: only the API or a `Workflow Enroll` event enrolls), `already_enrolled`, `reenrollment_off`,
 * `suppressed`, `unenrollment_criteria`, `goal_already_met` (the last five are the history's skip reasons).
 */
export interface EnrollmentReason {
  readonly code: string;
  readonly message: string;
}

/** Every part that decides whether a record enrolls, each filter with the value it saw and its result. */
export interface EnrollmentExplanation {
  readonly trigger: 'criteria' | 'manual';
  readonly criteria: CriteriaExplanation;
  /** Each re-enrollment trigger as a group of its own (true now), when re-enrollment is on. */
  readonly reenrollmentTriggers?: CriteriaExplanation;
  /** One `inList` group per suppression list: matched when the record is in any. */
  readonly suppression: CriteriaExplanation;
  readonly unenrollment: CriteriaExplanation;
  /** Absent when the workflow has no goal. */
  readonly goal?: CriteriaExplanation;
}

/** Whether the record would enroll now, why (or why not), and the explanation of every part. */
export interface EnrollmentCheck {
  readonly wouldEnroll: boolean;
  readonly reasons: readonly EnrollmentReason[];
  readonly explanation: EnrollmentExplanation;
}

const NONE: CriteriaExplanation = { matched: false, groups: [] };

const explain = (criteria: FilterGroups, view: FilterInput, types?: PropertyTypes): CriteriaExplanation =>
  criteria.length === 0 ? NONE : explainFilters(criteria, view, types ? { types } : undefined);

const explainParts = (
  parts: WorkflowParts,
  view: FilterInput,
  types: PropertyTypes | undefined,
): EnrollmentExplanation => {
  const { workflow } = parts;
  const { reenrollment } = workflow.enrollment;
  const triggers = parts.triggers.map((trigger) => ({ filters: [trigger.filter] }));
  return {
    trigger: workflow.enrollment.trigger,
    criteria: explain(parts.criteria, view, types),
    ...(reenrollment.enabled && triggers.length > 0
      ? { reenrollmentTriggers: explain(triggers, view, types) }
      : {}),
    suppression: explain(parts.suppression, view, types),
    unenrollment: explain(parts.unenrollment, view, types),
    ...(workflow.goal ? { goal: explain(parts.goal, view, types) } : {}),
  };
};

const REPEAT_MESSAGES = {
  already_enrolled: 'the record is enrolled in this workflow now: a record is never enrolled twice at once',
  reenrollment_off: 'the record was enrolled before and re-enrollment is off',
} as const;

/**
 * Whether a record, as it is now, would enroll, with every reason that decides it — not only the first, as the
 * enrollment decisions stop at: the criteria (a criteria workflow; a manual one ignores them), the record's
 * enrollment (enrolled now, or before with re-enrollment off), then the gates (suppression, unenrollment
 * criteria, goal). A manual workflow's record "would enroll" when a manual enrollment would be accepted. The
 * workflow's status is not read: a draft is checked as if it were active.
 * @example checkEnrollment({ workflow, state: { status: 'none' }, properties, now }).reasons[0].code // 'criteria_met'
 */
export const checkEnrollment = (input: RestingRecordInput): EnrollmentCheck => {
  const parts = partsOf(input.workflow);
  const view = restingView(input.workflow.objectType, input.properties, input.surroundings ?? {}, input.now);
  const explanation = explainParts(parts, view, input.types);
  const reasons: EnrollmentReason[] = [];
  let blocked = false;
  const block = (code: string, message: string) => {
    blocked = true;
    reasons.push({ code, message });
  };
  if (explanation.trigger === 'manual') {
    reasons.push({
      code: 'manual_trigger',
      message: 'the workflow enrolls by hand only (API or Workflow Enroll event): its criteria are ignored',
    });
  } else if (parts.criteria.length === 0) {
    block('no_criteria', 'the workflow has no enrollment criteria: it never enrolls automatically');
  } else if (explanation.criteria.matched) {
    reasons.push({ code: 'criteria_met', message: 'the record meets the enrollment criteria' });
  } else {
    block('criteria_not_met', 'the record does not meet the enrollment criteria');
  }
  const repeat = repeatBlock(parts, input.state);
  if (repeat) block(repeat.reason, REPEAT_MESSAGES[repeat.reason as keyof typeof REPEAT_MESSAGES]);
  if (explanation.suppression.matched) block('suppressed', 'the record is in a suppression list');
  if (explanation.unenrollment.matched) {
    block('unenrollment_criteria', 'the record meets the unenrollment criteria');
  }
  if (explanation.goal?.matched) block('goal_already_met', 'the record meets the goal already');
  return { wouldEnroll: !blocked, reasons, explanation };
};
