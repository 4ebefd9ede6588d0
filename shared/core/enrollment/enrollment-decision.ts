import type { PropertyBag } from '../filters/filter-input.ts';
import type { WorkflowDefinition } from '../workflow/workflow.schema.ts';

/** A workflow as enrollment reads it: its definition, its id and the revision that is live. */
export type EnrollingWorkflow = WorkflowDefinition & { readonly id: string; readonly revision: number };

/** Why a record enrolled (api.md, history `enrolled`; `workflow:<id>` is the enrollWorkflow action's). */
export type EnrollReason = 'criteria' | 'reenrollment' | 'manual' | 'existing';

/** Why a record that could have enrolled did not (api.md, history `enrollment.skipped`). */
export type SkipReason =
  | 'suppressed'
  | 'unenrollment_criteria'
  | 'goal_already_met'
  | 'already_enrolled'
  | 'reenrollment_off'
  | 'loop_guard';

/** Why a change unenrolls an enrolled record (api.md, history `unenrolled`, the reasons a change can give). */
export type ChangeUnenrollReason =
  | 'criteria_not_met'
  | 'unenrollment_criteria'
  | 'suppressed'
  | 'record_deleted';

/** The record's enrollment in one workflow, as the enrollment store says it is now. */
export type EnrollmentState =
  /** Never enrolled in this workflow. */
  | { readonly status: 'none' }
  /** Enrolled now; `waitingActionIds` are its registered `delayUntilEvent` waits. */
  | {
      readonly status: 'enrolled';
      readonly enrollmentId: string;
      readonly revision: number;
      readonly waitingActionIds?: readonly string[];
    }
  /** Enrolled before, not now. */
  | { readonly status: 'ended' };

export const NOT_ENROLLED: EnrollmentState = { status: 'none' };

/** What should happen, as data: the caller writes the enrollment, the history line, starts or stops executions. */
export type EnrollmentDecision =
  | {
      readonly kind: 'enroll';
      readonly workflowId: string;
      readonly revision: number;
      readonly reason: EnrollReason;
    }
  | {
      readonly kind: 'skip';
      readonly workflowId: string;
      readonly revision: number;
      readonly reason: SkipReason;
    }
  | {
      readonly kind: 'exitGoal';
      readonly workflowId: string;
      readonly revision: number;
      readonly enrollmentId: string;
    }
  | {
      readonly kind: 'unenroll';
      readonly workflowId: string;
      readonly revision: number;
      readonly enrollmentId: string;
      readonly reason: ChangeUnenrollReason;
    }
  | {
      readonly kind: 'answerEventWait';
      readonly workflowId: string;
      readonly enrollmentId: string;
      readonly actionId: string;
    }
  | {
      readonly kind: 'unenrollElsewhere';
      readonly workflowId: string;
      readonly enrollmentId: string;
      readonly reason: `other_workflow:${string}`;
    };

export type EnrollDecision = Extract<EnrollmentDecision, { kind: 'enroll' }>;
export type SkipDecision = Extract<EnrollmentDecision, { kind: 'skip' }>;

/** An associated record as enrollment reads it: its id, so that an association change can be undone. */
export interface AssociatedRecord {
  readonly id: string;
  readonly properties: PropertyBag;
}

/** The record as it is now (after the change): what associated and list filters read. */
export interface RecordSurroundings {
  /** Associated records by object type, after the change (only the types the workflows read are needed). */
  readonly associated?: Readonly<Record<string, readonly AssociatedRecord[]>>;
  /** Static lists the record belongs to after the change. */
  readonly lists?: readonly string[];
  /** On a `dissociated` change: the record that was dissociated (no longer in `associated`). */
  readonly dissociated?: AssociatedRecord;
}
