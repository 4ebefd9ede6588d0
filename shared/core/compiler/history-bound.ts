import type { State, StateMachineDefinition } from './asl.types.ts';

/** Step Functions (Standard) keeps at most this many events in an execution's history. */
export const MAX_HISTORY_EVENTS = 25_000;

const WAIT_FOR_TOKEN = '.waitForTaskToken';

/** Worst-case history events of one pass through a state, every retry spent. */
const eventsOf = (state: State): number => {
  switch (state.Type) {
    case 'Task': {
      // Entered, exited, and per attempt scheduled/started/(succeeded|failed); a token wait adds "submitted".
      const attempts = 1 + (state.Retry ?? []).reduce((sum, retrier) => sum + (retrier.MaxAttempts ?? 3), 0);
      return 2 + attempts * 3 + (state.Resource.endsWith(WAIT_FOR_TOKEN) ? 1 : 0);
    }
    case 'Fail':
      return 1;
    default:
      return 2;
  }
};

const successorsOf = (state: State): string[] => {
  switch (state.Type) {
    case 'Wait':
      return [state.Next];
    case 'Task':
      return [state.Next, ...(state.Catch ?? []).map((catcher) => catcher.Next)];
    case 'Choice':
      return [...state.Choices.map((rule) => rule.Next), ...(state.Default ? [state.Default] : [])];
    default:
      return [];
  }
};

/**
 * The largest number of history events any execution of the machine can produce: the
 * heaviest path from the start (the graph is acyclic: workflows have no cycles), every
 * retry spent, plus the execution's own started and ended events.
 */
export const worstCaseHistoryEvents = (definition: StateMachineDefinition): number => {
  const memo = new Map<string, number>();
  const heaviest = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const state = definition.States[name];
    if (!state) throw new Error(`state "${name}" does not exist`);
    const tail = Math.max(0, ...successorsOf(state).map(heaviest));
    const total = eventsOf(state) + tail;
    memo.set(name, total);
    return total;
  };
  return 2 + heaviest(definition.StartAt);
};
