import type { StoredWorkflow } from '../workflow/stored-workflow.ts';
import type { WorkflowRepository } from '../workflow/workflow-repository.ts';

/** How many revisions are kept in memory by default. */
export const DEFAULT_CACHED_REVISIONS = 100;

/**
 * Reads workflow revisions once: a revision's definition never changes, so it is kept in memory (the `limit` most
 * recently read ones). Throws when the revision does not exist; a failed read is not kept.
 */
export const cachedRevisions = (
  revisions: Pick<WorkflowRepository, 'revision'>,
  limit = DEFAULT_CACHED_REVISIONS,
): ((workflowId: string, revision: number) => Promise<StoredWorkflow>) => {
  const kept = new Map<string, Promise<StoredWorkflow>>();
  return (workflowId, revision) => {
    const key = `${workflowId}#${revision}`;
    const found = kept.get(key);
    if (found) {
      kept.delete(key);
      kept.set(key, found);
      return found;
    }
    const reading = revisions.revision(workflowId, revision).then((workflow) => {
      if (!workflow) throw new Error(`workflow ${workflowId} has no revision ${revision}`);
      return workflow;
    });
    reading.catch(() => kept.delete(key));
    kept.set(key, reading);
    if (kept.size > limit) kept.delete(kept.keys().next().value as string);
    return reading;
  };
};
