import type { EnrollmentRef, ExecutionState } from '../contract/task-contract.ts';
import type { Properties } from '../records/record.schema.ts';
import { indexActions } from '../workflow/action-edges.ts';
import type { WorkflowDefinition } from '../workflow/workflow.schema.ts';
import { withinHorizon } from './advance-to-next-state.ts';
import { type Advance, travelEdge } from './travel-edge.ts';

/** How an enrollment's execution starts: its input, or why the record leaves at once. */
export type ExecutionStart =
  | {
      readonly kind: 'start';
      readonly input: ExecutionState;
      /** The advance from the enrollment to the first action that runs (for the history). */
      readonly advance: Extract<Advance, { kind: 'arrive' }>;
    }
  | { readonly kind: 'unenroll'; readonly actionId: string; readonly reason: string };

/**
 * The input of a new execution for an enrollment: the start action's instant computed the way
 * every later step computes the next one (delays before it folded in, its window applied).
 */
export const startExecution = (
  workflow: WorkflowDefinition,
  enrollment: EnrollmentRef,
  now: Date,
  properties: Properties,
): ExecutionStart => {
  const result = travelEdge({
    workflow,
    actions: indexActions(workflow),
    nextId: workflow.startActionId,
    now,
    properties,
    enrollmentId: enrollment.enrollmentId,
  });
  if (result.kind === 'unenroll') return result;
  const resumeAt = result.target?.id ?? result.lastDelayId;
  const input = withinHorizon(enrollment, result.runAt, resumeAt, now, result.skipping);
  return { kind: 'start', input, advance: result };
};
