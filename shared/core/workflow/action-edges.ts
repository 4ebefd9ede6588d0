import { type Action, type DelayAction, isBranching, isDelay, successorsOf } from './action.schema.ts';
import type { WorkflowDefinition } from './workflow.schema.ts';

/**
 * Where a record goes from one action to the next one that runs: the delays it passes
 * (folded into the next action's instant, no state of their own) and the action it
 * reaches, or null for the end of the workflow.
 */
export interface Edge {
  readonly delays: readonly DelayAction[];
  readonly target: Action | null;
}

/** Actions of a workflow by id. */
export type ActionIndex = ReadonlyMap<string, Action>;

/** Indexes the actions of a workflow by id. */
export const indexActions = (workflow: Pick<WorkflowDefinition, 'actions'>): ActionIndex =>
  new Map(workflow.actions.map((action) => [action.id, action]));

/**
 * Follows `nextId` through any delays to the next action that runs.
 * @example resolveEdge(actions, 'a2') // { delays: [a2], target: a3 } when a2 is a delay before a3
 */
export const resolveEdge = (actions: ActionIndex, nextId: string | null): Edge => {
  const delays: DelayAction[] = [];
  let cursor = nextId;
  while (cursor !== null) {
    const action = actions.get(cursor);
    if (!action) throw new Error(`action "${cursor}" does not exist`);
    if (!isDelay(action)) return { delays, target: action };
    delays.push(action);
    cursor = action.next;
  }
  return { delays, target: null };
};

/**
 * The action `id` and every action a record standing at it may still reach along the workflow's edges
 * (`successorsOf`: every branch, the default, every split path, an event wait's `next` and `timeoutNext`), each once.
 * @example reachableFrom(actions, 'a2').map((action) => action.id) // ['a2', 'a3', …]
 */
export const reachableFrom = (actions: ActionIndex, id: string): Action[] => {
  const seen = new Set<string>([id]);
  const reached: Action[] = [];
  const pending = [id];
  for (let cursor = pending.pop(); cursor !== undefined; cursor = pending.pop()) {
    const action = actions.get(cursor);
    if (!action) throw new Error(`action "${cursor}" does not exist`);
    reached.push(action);
    for (const nextId of successorsOf(action)) {
      if (nextId === null || seen.has(nextId)) continue;
      seen.add(nextId);
      pending.push(nextId);
    }
  }
  return reached;
};

/**
 * True when the action waits for the workflow's execution windows before it runs.
 * Delays, branches and event waits are never held back (workflow.md, "Settings"); the
 * actions that do something to the record or the world are.
 */
export const isHeldBack = (action: Action): boolean =>
  !isDelay(action) && !isBranching(action) && action.type !== 'delayUntilEvent';
