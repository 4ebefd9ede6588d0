import type { ActionEffect } from '../actions/action-effects.ts';
import { planAction } from '../actions/plan-action.ts';
import { timeoutSeconds } from '../contract/step-functions-limits.ts';
import { ActionNotApplicable, TaskError } from '../contract/task-errors.ts';
import { isPublishableDetailType } from '../executor/action-messages.ts';
import { chooseSuccessor } from '../executor/choose-successor.ts';
import { numberOf } from '../executor/resolve-effect.ts';
import { type EvaluationRun, matches, type RecordView } from '../executor/task-run.ts';
import { type Advance, travelEdge } from '../executor/travel-edge.ts';
import type { Properties } from '../records/record.schema.ts';
import { applyProperties } from '../services/property-values.ts';
import { type Action, isBranching, successorsOf, type Target } from '../workflow/action.schema.ts';
import { indexActions, resolveEdge } from '../workflow/action-edges.ts';
import type { WorkflowDefinition } from '../workflow/workflow.schema.ts';
import type { DryRunEnd, DryRunOutcome, DryRunPath, DryRunStep } from './dry-run-result.ts';

/** The most steps a dry run walks: a workflow has at most 500 actions and no cycle, so a path never needs more. */
export const MAX_DRY_RUN_STEPS = 500;

export interface DryRunInput {
  readonly workflow: WorkflowDefinition;
  readonly objectType: string;
  /** The record's properties, associated records (by type) and lists as they are when it would enroll. */
  readonly record: {
    readonly properties: Properties;
    readonly associated?: Readonly<Record<string, readonly Properties[]>>;
    readonly lists?: readonly string[];
  };
  /** The instant the record would enroll. */
  readonly at: Date;
  /** The enrollment id the record would get: the windows' spread and random splits draw from it. */
  readonly enrollmentId: string;
  /** At most this many steps (default and ceiling {@link MAX_DRY_RUN_STEPS}). */
  readonly maxSteps?: number;
}

/** The record as the walk sees it: its own properties, its associated records and lists as the effects leave them. */
interface Walker {
  view: RecordView;
  now: Date;
}

/** The properties of every record `target` names, changed by `change`. */
const updateTargets = (walker: Walker, target: Target, change: (properties: Properties) => Properties) => {
  const { view } = walker;
  if (target === 'self') {
    walker.view = { ...view, properties: change(view.properties) };
    return;
  }
  const records = view.associated[target.associated] ?? [];
  walker.view = { ...view, associated: { ...view.associated, [target.associated]: records.map(change) } };
};

/**
 * The record as the effects would leave it: property writes and increments (own and associated records), list
 * memberships. A rotation's owner comes from the workflow's rotation counter, which a dry run does not draw from:
 * the property is left as it is. Throws ActionNotApplicable where the executor would (an increment of a value that
 * is not a number, an event of the system's own).
 */
const applyEffect = (walker: Walker, effect: ActionEffect): void => {
  switch (effect.kind) {
    case 'updateRecords':
      updateTargets(walker, effect.target, (properties) => applyProperties(properties, effect.properties));
      return;
    case 'incrementProperty':
      updateTargets(walker, effect.target, (properties) => ({
        ...properties,
        [effect.property]: numberOf(properties[effect.property], effect.property) + effect.by,
      }));
      return;
    case 'addToList':
      if (!walker.view.lists.includes(effect.listId)) {
        walker.view = { ...walker.view, lists: [...walker.view.lists, effect.listId] };
      }
      return;
    case 'removeFromList':
      walker.view = { ...walker.view, lists: walker.view.lists.filter((id) => id !== effect.listId) };
      return;
    case 'publishEvent':
      if (!isPublishableDetailType(effect.detailType)) {
        throw new ActionNotApplicable(`"${effect.detailType}" is an event of the system's own`);
      }
      return;
    default:
      return;
  }
};

/** Why the record would leave before an action (the executor's re-check before each one), or undefined. */
const leaving = (
  workflow: WorkflowDefinition,
  run: EvaluationRun,
  view: RecordView,
): 'goal_met' | 'suppressed' | 'unenrollment_criteria' | undefined => {
  if (workflow.goal && matches(run, workflow.goal.criteria, view)) return 'goal_met';
  if (workflow.settings.suppressionLists.some((listId) => view.lists.includes(listId))) return 'suppressed';
  if (matches(run, workflow.settings.unenrollmentCriteria, view)) return 'unenrollment_criteria';
  return undefined;
};

const nextOf = (action: Action): string | null => ('next' in action ? action.next : null);
const onErrorOf = (action: Action): 'continue' | 'stop' =>
  isBranching(action) || action.type === 'delayUntilEvent'
    ? 'stop'
    : (('onError' in action ? action.onError : undefined) ?? 'continue');

/**
 * Walks the path a record would take through `workflow` if it enrolled at `input.at`, touching nothing: the same
 * pieces as the executor — `travelEdge` for delays, windows, blocked dates and the time zone, the goal,
 * suppression and unenrollment re-check before each action, `planAction` for each action's effects (as data, which
 * then change the record the walk carries, so later delays and branches read it as the action would leave it),
 * `chooseSuccessor` for branches — each step at the instant the execution would reach it.
 * @example dryRunPath({ workflow, objectType: 'contacts', record: { properties }, at, enrollmentId }).path[0].outcome // 'would_run'
 */
export const dryRunPath = (input: DryRunInput): DryRunPath => {
  const { workflow } = input;
  const actions = indexActions(workflow);
  const maxSteps = Math.min(input.maxSteps ?? MAX_DRY_RUN_STEPS, MAX_DRY_RUN_STEPS);
  const walker: Walker = {
    view: {
      properties: { ...input.record.properties },
      associated: Object.fromEntries(
        Object.entries(input.record.associated ?? {}).map(([type, records]) => [type, [...records]]),
      ),
      lists: [...(input.record.lists ?? [])],
    },
    now: input.at,
  };
  const path: DryRunStep[] = [];
  const step = (action: Action, outcome: DryRunOutcome, at: Date, extra: Partial<DryRunStep> = {}) =>
    path.push({ actionId: action.id, type: action.type, outcome, at: at.toISOString(), ...extra });
  const end = (outcome: DryRunEnd['outcome'], at: Date, reason?: string): DryRunPath => ({
    path,
    end: { outcome, at: at.toISOString(), ...(reason === undefined ? {} : { reason }) },
  });
  const run: EvaluationRun = {
    get now() {
      return walker.now;
    },
    state: { enrollment: { enrollmentId: input.enrollmentId, objectType: input.objectType } },
  };

  /** The delays of the edge from `nextId`, each as a step, then where the record arrives. */
  const travel = (nextId: string | null, skipping: boolean): Advance => {
    const advance = travelEdge({
      workflow,
      actions,
      nextId,
      now: walker.now,
      properties: walker.view.properties,
      enrollmentId: input.enrollmentId,
      skipping,
    });
    let reached = walker.now;
    for (const delay of resolveEdge(actions, nextId).delays) {
      if (advance.kind === 'unenroll' && advance.actionId === delay.id) {
        step(delay, `unenrolled:${advance.reason}`, reached);
        break;
      }
      const waited = advance.kind === 'arrive' ? advance.waited.find((w) => w.delay === delay) : undefined;
      if (waited) {
        step(delay, 'waits', reached, { until: waited.until.toISOString() });
        reached = waited.until;
      } else {
        step(delay, 'skipped', reached, { reason: 'anchor_passed' });
      }
    }
    if (advance.kind === 'arrive') walker.now = advance.runAt;
    return advance;
  };

  let advance = travel(workflow.startActionId, false);
  while (advance.kind === 'arrive' && advance.target !== null) {
    if (path.length >= maxSteps) return end('truncated', walker.now);
    const action = advance.target;
    const skipping = advance.skipping;
    const left = leaving(workflow, run, walker.view);
    if (left === 'goal_met') {
      step(action, 'goal_met', walker.now);
      return end('goal_met', walker.now);
    }
    if (left) {
      step(action, `unenrolled:${left}`, walker.now);
      return end('unenrolled', walker.now, left);
    }
    let nextId: string | null;
    if (isBranching(action)) {
      const chosen = chooseSuccessor(run, action, walker.view);
      step(action, `branch:${chosen.name}`, walker.now);
      nextId = successorsOf(action)[chosen.index] ?? null;
    } else if (skipping) {
      step(action, 'skipped', walker.now, { reason: 'anchor_passed' });
      nextId = nextOf(action);
    } else if (action.type === 'delayUntilEvent') {
      if (matches(run, action.criteria, walker.view)) {
        step(action, 'event_met', walker.now);
        nextId = action.next;
      } else {
        const until = new Date(walker.now.getTime() + timeoutSeconds(action.timeout) * 1000);
        step(action, 'waits_for_event', walker.now, { until: until.toISOString() });
        walker.now = until;
        nextId = action.timeoutNext;
      }
    } else {
      try {
        const effects = planAction(action, {
          properties: walker.view.properties,
          associated: walker.view.associated,
          now: walker.now,
          timeZone: workflow.settings.timeZone,
        });
        const before = walker.view;
        try {
          for (const effect of effects) applyEffect(walker, effect);
        } catch (error) {
          walker.view = before;
          throw error;
        }
        step(action, 'would_run', walker.now, { effects });
      } catch (error) {
        if (!(error instanceof TaskError)) throw error;
        step(action, 'would_fail', walker.now, { error: error.message });
        if (onErrorOf(action) === 'stop') return end('failed', walker.now, error.name);
      }
      nextId = nextOf(action);
    }
    advance = travel(nextId, skipping);
  }
  if (advance.kind === 'unenroll') return end('unenrolled', walker.now, advance.reason);
  return end('completed', walker.now);
};
