import { assertUnreachable } from '../../errors/app-error.ts';
import type { Action } from '../action.schema.ts';
import { type Path, type RuleContext, report } from './rule-context.ts';
import { didYouMean } from './suggest.ts';

/** One way out of an action: the field that names the next action, and that name (null: the end). */
interface Edge {
  readonly path: Path;
  readonly target: string | null;
}

/** Every successor field of an action with its JSON path — `successorsOf` with the places they were written. */
const edgesOf = (action: Action, at: Path): Edge[] => {
  switch (action.type) {
    case 'branch':
      return [
        ...action.branches.map((branch, index) => ({
          path: [...at, 'branches', index, 'next'],
          target: branch.next,
        })),
        { path: [...at, 'defaultNext'], target: action.defaultNext },
      ];
    case 'valueBranch':
      return [
        ...action.cases.map((entry, index) => ({
          path: [...at, 'cases', index, 'next'],
          target: entry.next,
        })),
        { path: [...at, 'defaultNext'], target: action.defaultNext },
      ];
    case 'randomSplit':
      return action.paths.map((entry, index) => ({
        path: [...at, 'paths', index, 'next'],
        target: entry.next,
      }));
    case 'delayUntilEvent':
      return [
        { path: [...at, 'next'], target: action.next },
        { path: [...at, 'timeoutNext'], target: action.timeoutNext },
      ];
    case 'delay':
    case 'delayUntilDate':
    case 'delayUntilDayTime':
    case 'delayUntilAnchor':
    case 'setProperty':
    case 'copyProperty':
    case 'clearProperty':
    case 'incrementProperty':
    case 'createRecord':
    case 'createTask':
    case 'sendEmail':
    case 'sendNotification':
    case 'webhook':
    case 'addToList':
    case 'removeFromList':
    case 'enrollInWorkflow':
    case 'rotateOwner':
    case 'publishEvent':
      return [{ path: [...at, 'next'], target: action.next }];
    default:
      return assertUnreachable(action);
  }
};

interface Node {
  readonly index: number;
  readonly edges: readonly Edge[];
}

/** Reports each back edge of a depth-first walk: each closes one cycle, named in full. */
const reportCycles = (context: RuleContext, nodes: ReadonlyMap<string, Node>) => {
  const state = new Map<string, 'open' | 'done'>();
  for (const root of nodes.keys()) {
    if (state.has(root)) continue;
    // An explicit stack: a 500-action chain must not depend on the call stack's depth.
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 'open');
    while (stack.length > 0) {
      const frame = stack.at(-1)!;
      const edge = nodes.get(frame.id)!.edges[frame.next++];
      if (!edge) {
        state.set(frame.id, 'done');
        stack.pop();
        continue;
      }
      const target = edge.target;
      if (target === null || !nodes.has(target)) continue;
      const seen = state.get(target);
      if (seen === 'open') {
        const loop = stack.slice(stack.findIndex((entry) => entry.id === target)).map((entry) => entry.id);
        report(
          context,
          edge.path,
          `leads back to "${target}" and makes a cycle: ${[...loop, target].join(' → ')}`,
        );
      } else if (seen === undefined) {
        state.set(target, 'open');
        stack.push({ id: target, next: 0 });
      }
    }
  }
};

const reachableFrom = (start: string, nodes: ReadonlyMap<string, Node>): Set<string> => {
  const reached = new Set([start]);
  const queue = [start];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const { target } of nodes.get(id)?.edges ?? []) {
      if (target !== null && nodes.has(target) && !reached.has(target)) {
        reached.add(target);
        queue.push(target);
      }
    }
  }
  return reached;
};

/**
 * The action graph (workflow.md, "Actions"): unique ids, a start that exists (null iff there are no actions),
 * successors that exist, no cycle, no action the start cannot reach.
 */
export const checkActionGraph = (
  context: RuleContext,
  startActionId: string | null,
  actions: readonly Action[],
): void => {
  const nodes = new Map<string, Node>();
  actions.forEach((action, index) => {
    const first = nodes.get(action.id);
    if (first) {
      report(
        context,
        ['actions', index, 'id'],
        `duplicate action id "${action.id}" (actions[${first.index}] has it)`,
      );
      return;
    }
    nodes.set(action.id, { index, edges: edgesOf(action, ['actions', index]) });
  });
  const ids = [...nodes.keys()];

  if (actions.length === 0) {
    if (startActionId !== null) {
      report(context, ['startActionId'], `must be null: there are no actions (it names "${startActionId}")`);
    }
    return;
  }
  if (startActionId === null) {
    report(
      context,
      ['startActionId'],
      `must name the first action (e.g. "${ids[0]}"): null means no actions`,
    );
  } else if (!nodes.has(startActionId)) {
    report(
      context,
      ['startActionId'],
      `names "${startActionId}", which is not an action of this workflow${didYouMean(startActionId, ids)}`,
    );
  }

  for (const node of nodes.values()) {
    for (const { path, target } of node.edges) {
      if (target !== null && !nodes.has(target)) {
        report(
          context,
          path,
          `names "${target}", which is not an action of this workflow${didYouMean(target, ids)}`,
        );
      }
    }
  }

  reportCycles(context, nodes);

  if (startActionId === null || !nodes.has(startActionId)) return;
  const reached = reachableFrom(startActionId, nodes);
  for (const [id, node] of nodes) {
    if (!reached.has(id)) {
      report(
        context,
        ['actions', node.index],
        `action "${id}" is never reached: no path from startActionId "${startActionId}" leads to it`,
      );
    }
  }
};
