import { type CriteriaIndex, createCriteriaIndex } from '../filters/criteria-index.ts';
import { type AssociatedChange, changeViews, type EnrollmentChange, touchedBy } from './change-views.ts';
import { decideEntry } from './decide-entry.ts';
import { decideWhileEnrolled } from './decide-while-enrolled.ts';
import {
  type EnrollingWorkflow,
  type EnrollmentDecision,
  type EnrollmentState,
  NOT_ENROLLED,
  type RecordSurroundings,
} from './enrollment-decision.ts';
import { type EvaluationOptions, partReader } from './part-reader.ts';
import { type PartName, partEntries, readsAssociated, WorkflowPartsCache } from './workflow-parts.ts';

/** Everything one decision needs: the change, the live workflows of its type, the record's states, `now`. */
export interface ChangeDecisionInput {
  readonly change: EnrollmentChange;
  /** The active workflows of the change's object type. */
  readonly workflows: readonly EnrollingWorkflow[];
  /** The record's enrollment in each workflow by workflow id; absent = never enrolled. */
  readonly states: Readonly<Record<string, EnrollmentState>>;
  /** Associated records and lists after the change (needed only when a workflow reads them). */
  readonly surroundings?: RecordSurroundings;
  /** The one instant both sides of the change are evaluated at. */
  readonly now: Date;
  /**
   * A change of an associated record (fan-out): `change` is then the record as it is (no change of its own), and
   * only the parts reading the associated properties that changed are evaluated, the associated record as it was
   * on the before side and as it is on the after side.
   */
  readonly via?: AssociatedChange;
}

export interface EnrollmentDecider {
  /** What the change does to every live workflow, in workflow order; `[]` when nothing. */
  decide(input: ChangeDecisionInput): EnrollmentDecision[];
}

/** Part ids in the criteria index: workflow id and part, split by a character no id holds. */
const SEPARATOR = '\u0000';

interface IndexedSet {
  readonly key: string;
  readonly index: CriteriaIndex;
}

/**
 * Decides enrollment for record changes. Keeps each workflow's criteria per revision and one criteria index per
 * object type (rebuilt when the set of live revisions changes), so that a change evaluates only the workflows
 * whose criteria, triggers, goal, unenrollment criteria, suppression lists or event waits read what it touched.
 * @example createEnrollmentDecider().decide({ change, workflows: await repository.active('contacts'), states, now })
 */
export const createEnrollmentDecider = (options: EvaluationOptions = {}): EnrollmentDecider => {
  const cache = new WorkflowPartsCache();
  const indexes = new Map<string, IndexedSet>();

  const indexOf = (objectType: string, workflows: readonly EnrollingWorkflow[]): CriteriaIndex => {
    const key = workflows.map((workflow) => `${workflow.id}@${workflow.revision}`).join(',');
    const known = indexes.get(objectType);
    if (known?.key === key) return known.index;
    cache.retain(workflows, objectType);
    const entries = workflows.flatMap((workflow) =>
      partEntries(cache.get(workflow)).map(({ part, criteria }) => ({
        id: `${workflow.id}${SEPARATOR}${part}`,
        criteria,
      })),
    );
    const index = createCriteriaIndex(entries);
    indexes.set(objectType, { key, index });
    return index;
  };

  /** The parts the change touched, by workflow id. */
  const touchedParts = (input: ChangeDecisionInput): Map<string, Set<PartName>> => {
    const touched = new Map<string, Set<PartName>>();
    const { via } = input;
    const index = indexOf(input.change.objectType, input.workflows);
    const affected = via
      ? index.affected({ changedProperties: [], associatedTypes: [via.objectType] })
      : index.affected(touchedBy(input.change));
    const byId = via ? new Map(input.workflows.map((workflow) => [workflow.id, workflow])) : undefined;
    for (const id of affected) {
      const cut = id.indexOf(SEPARATOR);
      const workflowId = id.slice(0, cut);
      const part = id.slice(cut + 1) as PartName;
      if (via && byId && !readsVia(byId.get(workflowId), part, via)) continue;
      const parts = touched.get(workflowId) ?? new Set<PartName>();
      parts.add(part);
      touched.set(workflowId, parts);
    }
    return touched;
  };

  /** Whether `part` of `workflow` reads one of the associated properties `via` changed. */
  const readsVia = (
    workflow: EnrollingWorkflow | undefined,
    part: PartName,
    via: AssociatedChange,
  ): boolean => {
    if (!workflow) return false;
    const entry = partEntries(cache.get(workflow)).find((candidate) => candidate.part === part);
    return entry !== undefined && readsAssociated(entry.criteria, via.objectType, via.changedProperties);
  };

  return {
    decide(input) {
      const { change, states } = input;
      const views = changeViews(change, input.surroundings ?? {}, input.now, input.via);
      // A deleted record reads nothing: it only leaves the workflows it is enrolled in.
      const touched = change.change === 'deleted' ? new Map<string, Set<PartName>>() : touchedParts(input);
      const decisions: EnrollmentDecision[] = [];
      for (const workflow of input.workflows) {
        const state = states[workflow.id] ?? NOT_ENROLLED;
        const parts = touched.get(workflow.id);
        if (!parts && !(change.change === 'deleted' && state.status === 'enrolled')) continue;
        const of = {
          parts: cache.get(workflow),
          touched: parts ?? new Set<PartName>(),
          read: partReader(workflow.id, views, options),
          change,
        };
        decisions.push(
          ...(state.status === 'enrolled' ? decideWhileEnrolled(of, state) : decideEntry(of, state, states)),
        );
      }
      return decisions;
    },
  };
};
