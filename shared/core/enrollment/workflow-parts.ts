import { type CriteriaDependencies, criteriaDependencies } from '../filters/criteria-dependencies.ts';
import type { Filter, FilterGroups } from '../filters/filter.schema.ts';
import type { EnrollingWorkflow } from './enrollment-decision.ts';

/** A part of a workflow that a change may have to evaluate. */
export type PartName =
  | 'criteria'
  | 'goal'
  | 'unenrollment'
  | 'suppression'
  | `trigger:${number}`
  | `wait:${string}`;

/** One re-enrollment trigger: a single filter, as criteria of its own. */
export interface Trigger {
  readonly part: `trigger:${number}`;
  readonly filter: Filter;
  readonly criteria: FilterGroups;
  /** A `hasProperty` trigger on an own property fires on every change of that property's value. */
  readonly firesOnEveryChange: boolean;
}

/**
 * A workflow's criteria, kept as the same objects for as long as its revision is live: the filter engine caches
 * compiled criteria by object identity, so each part is compiled once per revision.
 */
export interface WorkflowParts {
  readonly workflow: EnrollingWorkflow;
  readonly criteria: FilterGroups;
  readonly triggers: readonly Trigger[];
  readonly goal: FilterGroups;
  readonly unenrollment: FilterGroups;
  /** The suppression lists as criteria (one `inList` group per list): true when the record is in any. */
  readonly suppression: FilterGroups;
  /** `delayUntilEvent` criteria by action id. */
  readonly waits: ReadonlyMap<string, FilterGroups>;
}

/** The criteria of every part of `workflow`, built once. */
export const workflowParts = (workflow: EnrollingWorkflow): WorkflowParts => {
  const triggers = workflow.enrollment.reenrollment.triggers.map(
    (filter, index): Trigger => ({
      part: `trigger:${index}`,
      filter,
      criteria: [{ filters: [filter] }],
      firesOnEveryChange:
        'property' in filter && filter.operator === 'hasProperty' && !filter.property.includes('.'),
    }),
  );
  const waits = new Map<string, FilterGroups>();
  for (const action of workflow.actions) {
    if (action.type === 'delayUntilEvent') waits.set(action.id, action.criteria);
  }
  return {
    workflow,
    criteria: workflow.enrollment.criteria,
    triggers,
    goal: workflow.goal?.criteria ?? [],
    unenrollment: workflow.settings.unenrollmentCriteria,
    suppression: workflow.settings.suppressionLists.map((listId) => ({
      filters: [{ operator: 'inList' as const, listId }],
    })),
    waits,
  };
};

const byObject = new WeakMap<EnrollingWorkflow, WorkflowParts>();

/** The parts of `workflow`, built once per workflow object (activation pages records against one object). */
export const partsOf = (workflow: EnrollingWorkflow): WorkflowParts => {
  let parts = byObject.get(workflow);
  if (!parts) {
    parts = workflowParts(workflow);
    byObject.set(workflow, parts);
  }
  return parts;
};

/** Part ids in the batch matcher: workflow id and part, split by a character no id holds. */
const SEPARATOR = '\u0000';

/** The id under which `part` of the workflow `workflowId` is matched. */
export const partId = (workflowId: string, part: PartName): string => `${workflowId}${SEPARATOR}${part}`;

/** Every part with its criteria, for the batch matcher and its index (empty ones are never affected). */
export const partEntries = (parts: WorkflowParts): { part: PartName; criteria: FilterGroups }[] => [
  { part: 'criteria', criteria: parts.criteria },
  ...parts.triggers.map(({ part, criteria }) => ({ part, criteria })),
  { part: 'goal', criteria: parts.goal },
  { part: 'unenrollment', criteria: parts.unenrollment },
  { part: 'suppression', criteria: parts.suppression },
  ...[...parts.waits].map(([actionId, criteria]) => ({ part: `wait:${actionId}` as const, criteria })),
];

const dependenciesOf = new WeakMap<FilterGroups, CriteriaDependencies>();

/**
 * Whether `criteria` read a property of associated records of `objectType`: one of `properties`, or any when
 * `properties` is absent (an associated record created or deleted).
 */
export const readsAssociated = (
  criteria: FilterGroups,
  objectType: string,
  properties?: readonly string[],
): boolean => {
  let dependencies = dependenciesOf.get(criteria);
  if (!dependencies) {
    dependencies = criteriaDependencies(criteria);
    dependenciesOf.set(criteria, dependencies);
  }
  const read = dependencies.associated.get(objectType);
  if (!read) return false;
  return properties === undefined || properties.some((property) => read.has(property));
};

/** Whether any part of `parts` reads the associated properties (`readsAssociated`). */
export const partsReadAssociated = (
  parts: WorkflowParts,
  objectType: string,
  properties?: readonly string[],
): boolean => partEntries(parts).some(({ criteria }) => readsAssociated(criteria, objectType, properties));

/**
 * Parts by workflow id and revision: a new revision replaces the previous one's parts, an inactive workflow's
 * parts are dropped when `retain` no longer names it.
 */
export class WorkflowPartsCache {
  readonly #byId = new Map<string, WorkflowParts>();

  get(workflow: EnrollingWorkflow): WorkflowParts {
    const cached = this.#byId.get(workflow.id);
    if (cached && cached.workflow.revision === workflow.revision) return cached;
    const parts = workflowParts(workflow);
    this.#byId.set(workflow.id, parts);
    return parts;
  }

  /** Forgets the workflows `live` does not name (deactivated, deleted). */
  retain(live: readonly EnrollingWorkflow[], objectType: string): void {
    const ids = new Set(live.map((workflow) => workflow.id));
    for (const [id, parts] of this.#byId) {
      if (parts.workflow.objectType === objectType && !ids.has(id)) this.#byId.delete(id);
    }
  }
}
