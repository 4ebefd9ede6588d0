import type { Clock } from '../ports/clock.ts';
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

/**
 * The revision each workflow runs now (its latest while it is active; undefined otherwise), read from its current
 * item. With `ttlMs`, an answer is kept that long for its workflow (the `limit` most recently read workflows): every
 * Task asks, and a workflow's item carries its whole definition, so a busy executor reads it once per `ttlMs` instead.
 */
export const liveRevisions = (
  workflows: Pick<WorkflowRepository, 'get'>,
  clock: Clock,
  ttlMs = 0,
  limit = DEFAULT_CACHED_REVISIONS,
): ((workflowId: string) => Promise<number | undefined>) => {
  const kept = new Map<string, { readonly at: number; readonly revision: Promise<number | undefined> }>();
  return (workflowId) => {
    const now = clock.now().getTime();
    const found = kept.get(workflowId);
    if (found && now - found.at < ttlMs) return found.revision;
    kept.delete(workflowId);
    const reading = workflows
      .get(workflowId)
      .then((workflow) => (workflow?.status === 'active' ? workflow.revision : undefined));
    if (ttlMs > 0) {
      reading.catch(() => kept.delete(workflowId));
      kept.set(workflowId, { at: now, revision: reading });
      if (kept.size > limit) kept.delete(kept.keys().next().value as string);
    }
    return reading;
  };
};
