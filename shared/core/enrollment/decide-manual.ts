import type { FilterGroups } from '../filters/filter.schema.ts';
import type { PropertyBag } from '../filters/filter-input.ts';
import type { PropertyTypes } from '../filters/filter-options.ts';
import { matchFilters } from '../filters/match-filters.ts';
import { restingView } from './change-views.ts';
import type {
  EnrollDecision,
  EnrollingWorkflow,
  EnrollmentDecision,
  EnrollmentState,
  RecordSurroundings,
  SkipDecision,
} from './enrollment-decision.ts';
import { enrollUnlessBlocked, repeatBlock } from './entry-gates.ts';
import { type PartName, partsOf } from './workflow-parts.ts';

/** A record as it is, outside any change: manual enrollment and activation read it so. */
export interface RestingRecordInput {
  readonly workflow: EnrollingWorkflow;
  /** The record's enrollment in `workflow`. */
  readonly state: EnrollmentState;
  /** Its enrollment in every workflow (for `unenrollFromWorkflows`); defaults to none. */
  readonly states?: Readonly<Record<string, EnrollmentState>>;
  readonly properties: PropertyBag;
  readonly surroundings?: RecordSurroundings;
  readonly now: Date;
  readonly types?: PropertyTypes;
}

/** `enroll` or `unenrollElsewhere` decisions, or a skip saying why not. */
export type RestingDecision = [EnrollDecision, ...EnrollmentDecision[]] | [SkipDecision];

const readNow = (input: RestingRecordInput) => {
  const view = restingView(input.workflow.objectType, input.properties, input.surroundings ?? {}, input.now);
  const options = input.types ? { types: input.types } : undefined;
  return (_part: PartName, criteria: FilterGroups): boolean =>
    criteria.length > 0 && matchFilters(criteria, view, options);
};

/**
 * Manual enrollment (API, `Workflow Enroll` event): the criteria are ignored; suppression, unenrollment criteria
 * and goal are honoured. The API answers 409 for `already_enrolled` (enrolled now) and `reenrollment_off`
 * (enrolled before, re-enrollment off), and for any other skip with its reason.
 */
export const decideManualEnrollment = (input: RestingRecordInput): RestingDecision => {
  const parts = partsOf(input.workflow);
  const repeat = repeatBlock(parts, input.state);
  if (repeat) return [repeat];
  return enrollUnlessBlocked(parts, 'manual', readNow(input), input.states ?? {}) as RestingDecision;
};

/**
 * Activation with `enrollExisting`: a record meeting the criteria now enrolls (`existing`) unless enrolled now,
 * enrolled before with re-enrollment off, or stopped by a gate; a record not meeting them (or a manual
 * workflow's) gives `[]`. Time filters read `now`; `changed` filters are false (there is no change).
 */
export const decideExisting = (input: RestingRecordInput): RestingDecision | [] => {
  const { workflow } = input;
  if (workflow.enrollment.trigger !== 'criteria') return [];
  const parts = partsOf(workflow);
  const now = readNow(input);
  if (!now('criteria', parts.criteria)) return [];
  const repeat = repeatBlock(parts, input.state);
  if (repeat) return [repeat];
  return enrollUnlessBlocked(parts, 'existing', now, input.states ?? {}) as RestingDecision;
};
