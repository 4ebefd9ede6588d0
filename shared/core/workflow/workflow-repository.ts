import type { Page, PageRequest } from '../ports/page.ts';
import type { EnrollableObjectType } from '../records/object-types.ts';
import type { RevisionSummary, StoredWorkflow } from './stored-workflow.ts';
import type { WorkflowStatus } from './workflow.schema.ts';

/** Which workflows a page holds: any combination of object type and status. */
export interface WorkflowFilter {
  readonly objectType?: EnrollableObjectType;
  readonly status?: WorkflowStatus;
}

/**
 * Where workflows and their revisions are kept (docs/storage.md, "Workflows"). Writes are conditional: a write
 * based on a workflow that changed since it was read throws ConflictError and changes nothing.
 */
export interface WorkflowRepository {
  /** Stores a new workflow (revision 1); ConflictError when the id is taken. */
  create(workflow: StoredWorkflow): Promise<void>;
  /** The current workflow, or undefined. */
  get(id: string): Promise<StoredWorkflow | undefined>;
  /**
   * Replaces `previous` (as read) by `next`, whose revision is `previous.revision + 1`; `previous` is kept as
   * a revision. ConflictError when the workflow is no longer at `previous`'s revision and status, or is gone.
   */
  update(next: StoredWorkflow, previous: StoredWorkflow): Promise<void>;
  /**
   * Changes the status of `previous` (same revision); `activatedAt` is set when given. ConflictError when the
   * workflow is no longer at `previous`'s revision and status.
   */
  setStatus(previous: StoredWorkflow, status: WorkflowStatus, activatedAt?: string): Promise<StoredWorkflow>;
  /** Deletes the workflow and its revisions: NotFoundError when absent, ConflictError while active. */
  delete(id: string): Promise<void>;
  /** Workflows by object type and status; ValidationError (`cursor`) for a cursor this query did not return. */
  page(filter: WorkflowFilter, page: PageRequest): Promise<Page<StoredWorkflow>>;
  /** Every active workflow of one object type (the enrollment hot path): one Query. */
  active(objectType: EnrollableObjectType): Promise<StoredWorkflow[]>;
  /** Every revision, oldest first, the current one included; undefined when the workflow does not exist. */
  revisions(id: string): Promise<RevisionSummary[] | undefined>;
  /** One revision as it was stored, or undefined (unknown workflow or revision). */
  revision(id: string, revision: number): Promise<StoredWorkflow | undefined>;
}
