/**
 * The public library of crm-workflows, for teams who keep workflows as code:
 * validate a definition, match filters, compute when an action may run, compile to ASL.
 */

export type { StateMachineDefinition } from './compiler/asl.types.ts';
export { CompileError } from './compiler/compile-error.ts';
export { type CompileOptions, compileWorkflow } from './compiler/compile-workflow.ts';
export type {
  EnrollmentRef,
  ExecutionState,
  TaskKind,
  TaskRequest,
  TaskResponse,
} from './contract/task-contract.ts';
export { ERRORS as TASK_ERRORS } from './contract/task-contract.ts';
export {
  ActionNotApplicable,
  ActionTransient,
  TaskError,
  type TaskErrorName,
  WebhookRejected,
  WebhookRetryable,
  WorkflowContinued,
  WorkflowExit,
  WorkflowStopped,
  WorkflowUnknownResumeAction,
} from './contract/task-errors.ts';
export * from './enrollment/index.ts';
export type { ValidationIssue } from './errors/validation-issue.ts';
export type { EventEnvelope } from './events/event-envelope.ts';
export { DEFAULT_EVENT_BUS_NAME } from './events/event-names.ts';
export { type EventPattern, matchesEventPattern } from './events/event-pattern.ts';
export { EVENT_RULES, type EventRule, type EventTargetName } from './events/event-rules.ts';
export type { Filter, FilterGroup, FilterGroups } from './filters/filter.schema.ts';
export {
  type BatchMatcher,
  type BatchReading,
  type CriteriaChange,
  type CriteriaExplanation,
  type CriteriaIndex,
  createBatchMatcher,
  createCriteriaIndex,
  criteriaDependencies,
  explainFilters,
  type FilterExplanation,
  type FilterInput,
  type FilterOptions,
  matchFilters,
  type PropertyTypes,
  type ReadingOptions,
} from './filters/index.ts';
export { BUILTIN_PROPERTIES, type CustomProperties } from './records/builtin-properties.ts';
export {
  ENROLLABLE_OBJECT_TYPES,
  type EnrollableObjectType,
  OBJECT_TYPES,
  type ObjectType,
} from './records/object-types.ts';
export type { PropertyDefinition, PropertyType } from './records/property.schema.ts';
export type { Properties, PropertyValue } from './records/record.schema.ts';
export { delayDueAt, nextRunAt } from './scheduling/index.ts';
export { normalizeDateValue } from './time/date-forms.ts';
export type { Action, ActionType } from './workflow/action.schema.ts';
export type { ExecutionWindow, WorkflowSettings } from './workflow/settings.schema.ts';
export {
  type ValidateWorkflowOptions,
  validateWorkflow,
  type WorkflowValidation,
} from './workflow/validate-workflow.ts';
export {
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
  WorkflowDefinitionSchema,
} from './workflow/workflow.schema.ts';
