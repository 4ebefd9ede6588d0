import { type BatchMatcher, createBatchMatcher } from '../filters/batch-matcher.ts';
import {
  type AssociatedChange,
  type ChangeViews,
  changeViews,
  type EnrollmentChange,
  touchedBy,
} from './change-views.ts';
import { decideEntry } from './decide-entry.ts';
import { decideWhileEnrolled } from './decide-while-enrolled.ts';
import {
  type EnrollingWorkflow,
  type EnrollmentDecision,
  type EnrollmentState,
  NOT_ENROLLED,
  type RecordSurroundings,
} from './enrollment-decision.ts';
import { type Evaluation, type EvaluationOptions, partReader, type SideReadings } from './part-reader.ts';
import { type PartName, partEntries, partId, readsAssociated, WorkflowPartsCache } from './workflow-parts.ts';

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

/** A part the batch holds: its workflow and name. */
interface PartOwner {
  readonly workflowId: string;
  readonly part: PartName;
}

/** One object type's live workflows, every part of each in one batch matcher (which holds their index too). */
interface TypeBatch {
  readonly batch: BatchMatcher;
  /** The revision and part ids the batch holds for each live workflow (ids made once: their hashes are kept). */
  readonly held: Map<string, { readonly revision: number; readonly ids: ReadonlyMap<PartName, string> }>;
  /** The workflow and part of each id the batch holds. */
  readonly owners: Map<string, PartOwner>;
}

/**
 * Decides enrollment for record changes. Keeps each workflow's parts per revision in one batch matcher per object
 * type (updated as workflows are activated, edited or deactivated), so that a change evaluates only the workflows
 * whose criteria, triggers, goal, unenrollment criteria, suppression lists or event waits read what it touched,
 * and a filter many of them share once per side of the change.
 * @example createEnrollmentDecider().decide({ change, workflows: await repository.active('contacts'), states, now })
 */
export const createEnrollmentDecider = (options: EvaluationOptions = {}): EnrollmentDecider => {
  const cache = new WorkflowPartsCache();
  const batches = new Map<string, TypeBatch>();
  const filterOptions = options.types ? { types: options.types } : undefined;

  const drop = ({ batch, held, owners }: TypeBatch, workflowId: string): void => {
    for (const id of held.get(workflowId)?.ids.values() ?? []) {
      batch.delete(id);
      owners.delete(id);
    }
    held.delete(workflowId);
  };

  /** The batch of `objectType`, brought to the live revisions of `workflows`: only what changed is compiled. */
  const batchOf = (objectType: string, workflows: readonly EnrollingWorkflow[]): TypeBatch => {
    let known = batches.get(objectType);
    if (!known) {
      known = { batch: createBatchMatcher([], filterOptions), held: new Map(), owners: new Map() };
      batches.set(objectType, known);
    }
    const { batch, held, owners } = known;
    let changed = workflows.length !== held.size;
    for (const workflow of workflows) {
      if (held.get(workflow.id)?.revision === workflow.revision) continue;
      changed = true;
      drop(known, workflow.id);
      const ids = new Map<PartName, string>();
      for (const { part, criteria } of partEntries(cache.get(workflow))) {
        const id = partId(workflow.id, part);
        batch.set(id, criteria);
        ids.set(part, id);
        owners.set(id, { workflowId: workflow.id, part });
      }
      held.set(workflow.id, { revision: workflow.revision, ids });
    }
    if (changed) {
      // Deactivated or deleted: their parts leave the batch.
      const live = new Set(workflows.map((workflow) => workflow.id));
      for (const workflowId of held.keys()) if (!live.has(workflowId)) drop(known, workflowId);
      cache.retain(workflows, objectType);
    }
    return known;
  };

  /** The parts the change touched, by workflow id. */
  const touchedParts = (input: ChangeDecisionInput, known: TypeBatch): Map<string, Set<PartName>> => {
    const touched = new Map<string, Set<PartName>>();
    const { via } = input;
    const affected = via
      ? known.batch.affected({ changedProperties: [], associatedTypes: [via.objectType] })
      : known.batch.affected(touchedBy(input.change));
    const byId = via ? new Map(input.workflows.map((workflow) => [workflow.id, workflow])) : undefined;
    for (const id of affected) {
      const { workflowId, part } = known.owners.get(id)!;
      if (via && byId && !readsVia(byId.get(workflowId), part, via)) continue;
      const parts = touched.get(workflowId) ?? new Set<PartName>();
      parts.add(part);
      touched.set(workflowId, parts);
    }
    return touched;
  };

  /** Each side of the change read against the whole batch, told to `options.onEvaluate` part by part. */
  const readingsOf = (views: ChangeViews, known: TypeBatch): SideReadings => {
    const { onEvaluate } = options;
    const observed = (side: Evaluation['side']) =>
      onEvaluate && {
        onEvaluate: (id: string) => onEvaluate({ ...known.owners.get(id)!, side }),
      };
    return {
      before: views.before && known.batch.read(views.before, observed('before')),
      after: views.after && known.batch.read(views.after, observed('after')),
    };
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
      const known = batchOf(change.objectType, input.workflows);
      // A deleted record reads nothing: it only leaves the workflows it is enrolled in.
      const touched =
        change.change === 'deleted' ? new Map<string, Set<PartName>>() : touchedParts(input, known);
      // Each side read once against every workflow's parts, on first need.
      const readings = readingsOf(views, known);
      const decisions: EnrollmentDecision[] = [];
      for (const workflow of input.workflows) {
        const state = states[workflow.id] ?? NOT_ENROLLED;
        const parts = touched.get(workflow.id);
        if (!parts && !(change.change === 'deleted' && state.status === 'enrolled')) continue;
        const of = {
          parts: cache.get(workflow),
          touched: parts ?? new Set<PartName>(),
          read: partReader(known.held.get(workflow.id)!.ids, readings),
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
