import { checkEnrollment } from '../enrollment/enrollment-check.ts';
import type {
  EnrollingWorkflow,
  EnrollmentState,
  RecordSurroundings,
} from '../enrollment/enrollment-decision.ts';
import { type SurroundingsNeeds, surroundingsNeeds } from '../enrollment/record-surroundings.ts';
import { criteriaDependencies } from '../filters/criteria-dependencies.ts';
import type { PropertyTypes } from '../filters/filter-options.ts';
import { isObjectType, type ObjectType } from '../records/object-types.ts';
import type { Properties } from '../records/record.schema.ts';
import { dryRunPath } from './dry-run.ts';
import type { DryRunResult } from './dry-run-result.ts';

export interface DryRunWorkflowInput {
  readonly workflow: EnrollingWorkflow;
  /** The record's enrollment in the workflow now (a record given only by its properties: none). */
  readonly state: EnrollmentState;
  readonly properties: Properties;
  readonly surroundings?: RecordSurroundings;
  readonly at: Date;
  /** The id the record's next enrollment would take (the windows' spread and random splits draw from it). */
  readonly enrollmentId: string;
  readonly types?: PropertyTypes;
}

/**
 * What the dry run reads besides the record: the associated types and lists that any part of the workflow reads
 * (criteria, triggers, goal, unenrollment, suppression, event waits), its branches, and the sources of
 * `copyProperty` actions.
 */
export const dryRunNeeds = (workflow: EnrollingWorkflow): SurroundingsNeeds => {
  const parts = surroundingsNeeds([workflow]);
  const associated = new Set<ObjectType>(parts.associated);
  let lists = parts.lists;
  for (const action of workflow.actions) {
    if (action.type === 'branch') {
      for (const branch of action.branches) {
        const dependencies = criteriaDependencies(branch.criteria);
        if (dependencies.lists) lists = true;
        for (const type of dependencies.associated.keys()) if (isObjectType(type)) associated.add(type);
      }
    }
    if (action.type === 'copyProperty' && action.source !== undefined && action.source !== 'self') {
      associated.add(action.source.associated);
    }
  }
  return { associated: [...associated].sort(), lists };
};

/**
 * The dry run of a workflow for one record: whether it would enroll at `at`, why, and the path it would take from
 * the start action, each action at its instant. Pure: reads nothing but its input, writes nothing.
 * @example dryRunWorkflow({ workflow, state: { status: 'none' }, properties, at, enrollmentId }).wouldEnroll
 */
export const dryRunWorkflow = (input: DryRunWorkflowInput): DryRunResult => {
  const { workflow, surroundings = {} } = input;
  const check = checkEnrollment({
    workflow,
    state: input.state,
    properties: input.properties,
    surroundings,
    now: input.at,
    ...(input.types ? { types: input.types } : {}),
  });
  const { path, end } = dryRunPath({
    workflow,
    objectType: workflow.objectType,
    record: {
      properties: input.properties,
      associated: Object.fromEntries(
        Object.entries(surroundings.associated ?? {}).map(([type, records]) => [
          type,
          records.map((record) => record.properties as Properties),
        ]),
      ),
      lists: surroundings.lists ?? [],
    },
    at: input.at,
    enrollmentId: input.enrollmentId,
  });
  return { wouldEnroll: check.wouldEnroll, reasons: check.reasons, path, end };
};
