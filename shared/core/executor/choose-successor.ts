import { fnv1a32 } from '../scheduling/key-spread.ts';
import type { BranchingAction } from '../workflow/action.schema.ts';
import { type EvaluationRun, matches, type RecordView } from './task-run.ts';

/**
 * A number in [0, 100) drawn from `key`: the same for the same enrollment and split, so a retried
 * Task takes the path it took before, and uniform across enrollments (FNV-1a, then murmur3's finalizer
 * to spread similar keys).
 */
export const splitRoll = (key: string): number => {
  let hash = fnv1a32(key);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  hash = (hash ^ (hash >>> 16)) >>> 0;
  return (hash / 2 ** 32) * 100;
};

/** Index of the successor a branching action takes now, in `successorsOf` order. */
export const chooseSuccessor = (
  run: EvaluationRun,
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
      const roll = splitRoll(`${run.state.enrollment.enrollmentId}:${action.id}`);
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
