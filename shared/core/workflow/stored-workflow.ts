import type { WorkflowDefinition, WorkflowStatus } from './workflow.schema.ts';

/** A workflow as the API returns it: the definition and the fields the server owns. */
export type StoredWorkflow = WorkflowDefinition & {
  readonly id: string;
  readonly status: WorkflowStatus;
  readonly revision: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly activatedAt?: string;
};

/** One revision in the list of a workflow's revisions. */
export interface RevisionSummary {
  readonly revision: number;
  readonly updatedAt: string;
  readonly activatedAt?: string;
}
