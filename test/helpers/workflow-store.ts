import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDBWorkflowRepository } from '../../shared/adapters/dynamodb/workflow-repository.dynamodb.ts';
import type { EnrollingWorkflow } from '../../shared/core/enrollment/enrollment-decision.ts';
import type { StoredWorkflow } from '../../shared/core/services/crm-services.ts';
import { validateWorkflow } from '../../shared/core/workflow/validate-workflow.ts';
import type { WorkflowRepository } from '../../shared/core/workflow/workflow-repository.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../shared/runtime/local-dynamodb.ts';
import { loadWorkflowFixture } from '../fixtures/workflows/workflow-fixtures.ts';

/** dynalite with the workflow repository over it. */
export interface WorkflowStore {
  readonly db: LocalDynamoDB;
  readonly documents: DynamoDBDocumentClient;
  readonly repository: WorkflowRepository;
}

export const startWorkflowStore = async (): Promise<WorkflowStore> => {
  const db = await startLocalDynamoDB();
  const documents = DynamoDBDocumentClient.from(db.client);
  return {
    db,
    documents,
    repository: createDynamoDBWorkflowRepository(documents, { tableName: db.tableName }),
  };
};

/** A fixture's definition, defaults applied. */
export const fixtureDefinition = (name: string) => {
  const result = validateWorkflow(loadWorkflowFixture(name));
  if (!result.ok) throw new Error(`fixture ${name} is invalid`);
  return result.workflow;
};

const FIXTURE_BY_TYPE = {
  contacts: 'contacts-lead-nurture',
  companies: 'companies-customer-onboarding',
  deals: 'deals-closed-won-handoff',
  tickets: 'tickets-high-priority-escalation',
  quotes: 'quotes-expiry-reminder',
} as const;

/** A stored workflow (draft, revision 1) of one object type, built from that type's fixture. */
export const storedWorkflow = (
  id: string,
  objectType: keyof typeof FIXTURE_BY_TYPE = 'contacts',
  createdAt = '2026-03-01T10:00:00.000Z',
): StoredWorkflow => ({
  id,
  ...fixtureDefinition(FIXTURE_BY_TYPE[objectType]),
  status: 'draft',
  revision: 1,
  createdAt,
  updatedAt: createdAt,
});

/** Stores `workflow` as a draft and sets it active at `at` through `repository` (as activation does). */
export const storeActive = async (
  repository: Pick<WorkflowRepository, 'create' | 'setStatus'>,
  workflow: EnrollingWorkflow,
  at: string,
): Promise<StoredWorkflow> => {
  const stored: StoredWorkflow = { ...workflow, status: 'draft', createdAt: at, updatedAt: at };
  await repository.create(stored);
  return repository.setStatus(stored, 'active', at);
};
