import type { Properties } from '../records/record.schema.ts';
import type { AnchorTiming } from '../scheduling/delay-context.ts';
import { delayDueAt, nextRunAt } from '../scheduling/index.ts';
import type { Action, DelayAction } from '../workflow/action.schema.ts';
import {
  type ActionIndex,
  indexActions,
  isHeldBack,
  reachableFrom,
  resolveEdge,
} from '../workflow/action-edges.ts';
import type { WorkflowDefinition } from '../workflow/workflow.schema.ts';

/** Where the record stands after travelling an edge. */
export type Advance =
  | {
      readonly kind: 'arrive';
      /** The next action that runs, or null: the end. */
      readonly target: Action | null;
      /** When the next step may run (the target's window already applied). */
      readonly runAt: Date;
      /** True when the edge had delays (the record waits even for a target that is not held back). */
      readonly delayed: boolean;
      /** True while skipping forward to the next anchor delay. */
      readonly skipping: boolean;
      /** Anchor delays whose instant had passed. */
      readonly skipped: readonly DelayAction[];
      /** Each delay that waited, with the instant its wait ends (the next one starts there), in order. */
      readonly waited: readonly { readonly delay: DelayAction; readonly until: Date }[];
      /** The last delay of the edge (where a new execution resumes a trailing delay), or null. */
      readonly lastDelayId: string | null;
    }
  | { readonly kind: 'unenroll'; readonly actionId: string; readonly reason: string };

export interface AdvanceInput {
  readonly workflow: WorkflowDefinition;
  readonly actions: ActionIndex;
  readonly nextId: string | null;
  readonly now: Date;
  readonly properties: Properties;
  readonly enrollmentId: string;
  readonly skipping?: boolean;
}

/** Per workflow: its actions by id, and per anchor delay id the anchor delays reachable from it. */
const reachableAnchorDelays = new WeakMap<
  WorkflowDefinition,
  { readonly actions: ActionIndex; readonly byDelay: Map<string, readonly AnchorTiming[]> }
>();

/**
 * The offset and time of the delay `delayId` and of every `delayUntilAnchor` reachable from it along the workflow's
 * edges: a recurring anchor's occurrence is the one some delay still ahead on the record's path awaits. An anchor
 * delay on another branch, which the record can no longer reach, does not count. Kept per workflow.
 */
const anchorDelaysFrom = (workflow: WorkflowDefinition, delayId: string): readonly AnchorTiming[] => {
  let cached = reachableAnchorDelays.get(workflow);
  if (!cached) {
    cached = { actions: indexActions(workflow), byDelay: new Map() };
    reachableAnchorDelays.set(workflow, cached);
  }
  let timings = cached.byDelay.get(delayId);
  if (!timings) {
    timings = reachableFrom(cached.actions, delayId).flatMap((action) =>
      action.type === 'delayUntilAnchor' ? [{ offset: action.offset, time: action.time }] : [],
    );
    cached.byDelay.set(delayId, timings);
  }
  return timings;
};

/**
 * Travels from `nextId` through its delays (each due instant computed from the previous one)
 * to the next action that runs, and the instant it may run (the task contract's "advance").
 */
export const travelEdge = (input: AdvanceInput): Advance => {
  const { workflow, now, properties } = input;
  const edge = resolveEdge(input.actions, input.nextId);
  const settings = workflow.settings;
  const anchor = workflow.anchor;
  let due = now;
  let skipping = input.skipping ?? false;
  const skipped: DelayAction[] = [];
  const waited: { delay: DelayAction; until: Date }[] = [];
  for (const delay of edge.delays) {
    if (skipping && delay.type !== 'delayUntilAnchor') {
      skipped.push(delay);
      continue;
    }
    const result = delayDueAt(delay, {
      reachedAt: due,
      timeZone: settings.timeZone,
      blockedDates: settings.blockedDates,
      properties,
      ...(anchor === undefined
        ? {}
        : {
            anchor,
            anchorDelays: delay.type === 'delayUntilAnchor' ? anchorDelaysFrom(workflow, delay.id) : [],
          }),
    });
    if (result.kind === 'unenroll') {
      return {
        kind: 'unenroll',
        actionId: delay.id,
        reason: delay.type === 'delayUntilAnchor' ? 'anchor_missing' : 'date_missing',
      };
    }
    if (result.kind === 'passed') {
      skipping = true;
      skipped.push(delay);
      continue;
    }
    skipping = false;
    due = result.at;
    waited.push({ delay, until: due });
  }
  const target = edge.target;
  const runAt =
    target !== null && isHeldBack(target) && !skipping
      ? nextRunAt(due, settings, `${input.enrollmentId}:${target.id}`)
      : due;
  const lastDelayId = edge.delays.at(-1)?.id ?? null;
  return {
    kind: 'arrive',
    target,
    runAt,
    delayed: edge.delays.length > 0,
    skipping,
    skipped,
    waited,
    lastDelayId,
  };
};
