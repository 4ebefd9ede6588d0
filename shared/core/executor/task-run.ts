import type { EnrollmentRef, ExecutionState, TaskRequest } from '../contract/task-contract.ts';
import { WorkflowExit } from '../contract/task-errors.ts';
import type { FilterGroups } from '../filters/filter.schema.ts';
import { criteriaDependencies, matchFilters } from '../filters/index.ts';
import type { Properties } from '../records/record.schema.ts';
import type { Action } from '../workflow/action.schema.ts';
import type { ActionIndex } from '../workflow/action-edges.ts';
import type { WorkflowDefinition } from '../workflow/workflow.schema.ts';
import type { HistoryEvent } from './history-event.ts';
import type { ExecutorPorts } from './ports.ts';

/** One Task being carried out: the request, the revision it runs and the instant. */
export interface Run {
  readonly request: TaskRequest;
  readonly ports: ExecutorPorts;
  readonly workflow: WorkflowDefinition;
  readonly actions: ActionIndex;
  readonly now: Date;
  readonly state: ExecutionState;
}

/**
 * The enrolled record as the Task needs it: its properties, associated records and lists (read only when the
 * Task's criteria or suppression lists need them).
 */
export interface RecordView {
  readonly properties: Properties;
  readonly associated: Record<string, Properties[]>;
  readonly lists: string[];
}

const associatedTypesOf = (groups: readonly FilterGroups[]): string[] =>
  groups.flatMap((criteria) => [...criteriaDependencies(criteria).associated.keys()]);

const criteriaOf = (workflow: WorkflowDefinition, action: Action | undefined): FilterGroups[] => {
  const groups: FilterGroups[] = [workflow.settings.unenrollmentCriteria];
  if (workflow.goal) groups.push(workflow.goal.criteria);
  if (action?.type === 'branch') groups.push(...action.branches.map((branch) => branch.criteria));
  if (action?.type === 'delayUntilEvent') groups.push(action.criteria);
  return groups;
};

const targetTypesOf = (action: Action | undefined): string[] => {
  if (!action) return [];
  const types: string[] = [];
  for (const field of ['target', 'source'] as const) {
    const value = (action as Partial<Record<typeof field, unknown>>)[field];
    if (value && typeof value === 'object' && 'associated' in value) types.push(String(value.associated));
  }
  return types;
};

/**
 * True when what the Task checks reads the record's lists: a suppression list, or a list filter in the criteria
 * it evaluates. Otherwise the view's `lists` is left empty, unread.
 */
const readsLists = (workflow: WorkflowDefinition, action: Action | undefined): boolean =>
  workflow.settings.suppressionLists.length > 0 ||
  criteriaOf(workflow, action).some((groups) => criteriaDependencies(groups).lists);

/** Writes a history line about the enrollment of this run. */
export const historyOf =
  (run: Run) =>
  (event: HistoryEvent['event'], extra: Partial<HistoryEvent> = {}): Promise<void> => {
    const { enrollment } = run.state;
    return run.ports.history({
      at: run.now.toISOString(),
      workflowId: enrollment.workflowId,
      revision: enrollment.revision,
      enrollmentId: enrollment.enrollmentId,
      recordId: enrollment.recordId,
      event,
      ...(enrollment.retry ? { retry: enrollment.retry } : {}),
      ...extra,
    });
  };

/** Reads the record (leaving the workflow when it was deleted), and what the action's criteria need. */
export const loadRecord = async (run: Run, action: Action | undefined): Promise<RecordView> => {
  const { enrollment } = run.state;
  const properties = await run.ports.record(enrollment.objectType, enrollment.recordId);
  if (properties === undefined) {
    await historyOf(run)('unenrolled', { reason: 'record_deleted' });
    await run.ports.endEnrollment(enrollment, 'unenrolled', { reason: 'record_deleted' });
    throw new WorkflowExit('record_deleted');
  }
  const types = [
    ...new Set([...associatedTypesOf(criteriaOf(run.workflow, action)), ...targetTypesOf(action)]),
  ];
  const [associated, lists] = await Promise.all([
    types.length > 0 ? run.ports.associated(enrollment.objectType, enrollment.recordId, types) : {},
    readsLists(run.workflow, action) ? run.ports.lists(enrollment.objectType, enrollment.recordId) : [],
  ]);
  return { properties, associated, lists };
};

/**
 * What evaluating criteria for an enrollment reads of a run: the instant, the enrolled record's type and the
 * enrollment's id (a random split draws from it). A Task's `Run` is one; the dry run builds its own.
 */
export interface EvaluationRun {
  readonly now: Date;
  readonly state: { readonly enrollment: Pick<EnrollmentRef, 'enrollmentId' | 'objectType'> };
}

/** True when the record meets `groups` now (`[]` never matches). */
export const matches = (run: EvaluationRun, groups: FilterGroups, view: RecordView): boolean =>
  groups.length > 0 &&
  matchFilters(groups, {
    objectType: run.state.enrollment.objectType,
    properties: view.properties,
    associated: view.associated,
    lists: view.lists,
    now: run.now,
  });
