export type { EnrollmentChange } from './change-views.ts';
export { MAX_CAUSE_DEPTH } from './decide-entry.ts';
export { decideExisting, decideManualEnrollment, type RestingRecordInput } from './decide-manual.ts';
export {
  type ChangeDecisionInput,
  createEnrollmentDecider,
  type EnrollmentDecider,
} from './enrollment-decider.ts';
export type {
  AssociatedRecord,
  EnrollingWorkflow,
  EnrollmentDecision,
  EnrollmentState,
  EnrollReason,
  RecordSurroundings,
  SkipReason,
} from './enrollment-decision.ts';
export { enrollmentId } from './enrollment-id.ts';
export { EnrollmentRefused } from './enrollment-refused.ts';
export type { Evaluation, EvaluationOptions } from './part-reader.ts';
