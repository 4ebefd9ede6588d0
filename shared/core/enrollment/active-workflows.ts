import type { Clock } from '../ports/clock.ts';
import type { EnrollableObjectType } from '../records/object-types.ts';
import type { StoredWorkflow } from '../workflow/stored-workflow.ts';
import type { WorkflowRepository } from '../workflow/workflow-repository.ts';

/** How long the active workflows of a type are kept before they are read again, on the injected clock. */
export const DEFAULT_ACTIVE_WORKFLOWS_TTL_MS = 10_000;

/**
 * The active workflows of each object type, read once and kept in memory: every record change needs them, and
 * they change rarely. An entry is read again once `ttlMs` has passed on the clock, or at once after
 * `invalidate` (which the writers of this process call through `invalidatingWorkflowRepository`). Another
 * process's write (on AWS, the API's Lambda beside the enrollment Lambda) is seen within `ttlMs`.
 */
export interface ActiveWorkflows {
  of(objectType: EnrollableObjectType): Promise<readonly StoredWorkflow[]>;
  /** Forgets one type's entry, or every entry. */
  invalidate(objectType?: EnrollableObjectType): void;
}

export interface ActiveWorkflowsOptions {
  readonly repository: Pick<WorkflowRepository, 'active'>;
  readonly clock: Clock;
  readonly ttlMs?: number;
}

interface Entry {
  readonly loadedAt: number;
  readonly workflows: Promise<readonly StoredWorkflow[]>;
}

export const createActiveWorkflows = (options: ActiveWorkflowsOptions): ActiveWorkflows => {
  const ttlMs = options.ttlMs ?? DEFAULT_ACTIVE_WORKFLOWS_TTL_MS;
  const entries = new Map<EnrollableObjectType, Entry>();
  return {
    of(objectType) {
      const now = options.clock.now().getTime();
      const entry = entries.get(objectType);
      // A clock set back (never, but cheap to guard) reads again too.
      if (entry && now >= entry.loadedAt && now - entry.loadedAt < ttlMs) return entry.workflows;
      const workflows = options.repository.active(objectType);
      const loaded: Entry = { loadedAt: now, workflows };
      entries.set(objectType, loaded);
      // A failed read is not kept: the next change reads again.
      workflows.catch(() => {
        if (entries.get(objectType) === loaded) entries.delete(objectType);
      });
      return workflows;
    },
    invalidate(objectType) {
      if (objectType === undefined) entries.clear();
      else entries.delete(objectType);
    },
  };
};

/**
 * The repository, telling `changed` after every write that can change which revision of a workflow is live
 * (create, update, status, delete): the enrollment cache of the same process reads again at once.
 */
export const invalidatingWorkflowRepository = (
  repository: WorkflowRepository,
  changed: (objectType?: EnrollableObjectType) => void,
): WorkflowRepository => ({
  get: (id) => repository.get(id),
  page: (filter, page) => repository.page(filter, page),
  active: (objectType) => repository.active(objectType),
  revisions: (id) => repository.revisions(id),
  revision: (id, revision) => repository.revision(id, revision),
  create: async (workflow) => {
    await repository.create(workflow);
    changed(workflow.objectType);
  },
  update: async (next, previous) => {
    try {
      await repository.update(next, previous);
    } finally {
      changed(previous.objectType);
      changed(next.objectType);
    }
  },
  setStatus: async (previous, status, activatedAt) => {
    try {
      return await repository.setStatus(previous, status, activatedAt);
    } finally {
      changed(previous.objectType);
    }
  },
  delete: async (id) => {
    try {
      await repository.delete(id);
    } finally {
      changed();
    }
  },
});
