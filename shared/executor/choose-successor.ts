import type { BranchingAction } from '../workflow/action.schema.ts';
import { matches, type RecordView, type Run } from './task-run.ts';

/** Index of the successor a branching action takes now, in `successorsOf` order. */
export const chooseSuccessor = (
  run: Run,
  action: BranchingAction,
  view: RecordView,
): { index: number; name: string } => {
  switch (action.type) {
    case 'branch': {
      const index = action.branches.findIndex((branch) => matches(run, branch.criteria, view));
      return index >= 0
        ? { index, name: action.branches[index]?.name as string }
        : { index: action.branches.length, name: 'default' };
    }
    case 'valueBranch': {
      const value = view.properties[action.property];
      const same = (a: unknown, b: unknown) =>
        typeof a === 'string' && typeof b === 'string' ? a.toLowerCase() === b.toLowerCase() : a === b;
      const index = action.cases.findIndex(
        (entry) => value !== null && value !== undefined && same(entry.value, value),
      );
      return index >= 0
        ? { index, name: String(action.cases[index]?.value) }
        : { index: action.cases.length, name: 'default' };
    }
    case 'randomSplit': {
      const roll = run.ports.random() * 100;
      let total = 0;
      const index = action.paths.findIndex((path) => {
        total += path.percent;
        return roll < total;
      });
      const chosen = index >= 0 ? index : action.paths.length - 1;
      return { index: chosen, name: `${action.paths[chosen]?.percent}%` };
    }
  }
};
