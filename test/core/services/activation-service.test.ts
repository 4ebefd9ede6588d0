import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDynamoDBCrmServices,
  type DynamoDBCrmServices,
} from '../../../shared/adapters/dynamodb/crm-services.dynamodb.ts';
import { toDocumentClient } from '../../../shared/adapters/dynamodb/index.ts';
import {
  createDynamoDBStateMachines,
  stateMachinePk,
  stateMachineSk,
} from '../../../shared/adapters/dynamodb/state-machines.dynamodb.ts';
import type { WorkflowEvent } from '../../../shared/core/enrollment/enrollment-effects.ts';
import { ConflictError, ValidationError } from '../../../shared/core/errors/app-error.ts';
import { LOCAL_ACTION_FUNCTION_ARN } from '../../../shared/core/services/workflow-service.ts';
import type { StoredWorkflow } from '../../../shared/core/workflow/stored-workflow.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { counterIds, manualClock } from '../../helpers/api-client.ts';

let db: LocalDynamoDB;
let world: DynamoDBCrmServices;
const clock = manualClock();
const published: WorkflowEvent[] = [];

beforeAll(async () => {
  db = await startLocalDynamoDB();
  world = createDynamoDBCrmServices({
    client: db.client,
    tableName: db.tableName,
    clock,
    newId: counterIds(),
    actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
    publish: async (events) => void published.push(...events),
    // Two records a page, one page a step: a handful of records spans pages and steps.
    activation: { pageSize: 2, recordBudget: 2 },
  });
});
afterAll(async () => {
  await db?.close();
});

let sequence = 0;
/** A draft workflow of `objectType` enrolling records whose `industry`/`lifecyclestage` is `value`. */
const draft = async (objectType: 'contacts' | 'companies', value: string): Promise<StoredWorkflow> =>
  world.services.workflows.create({
    name: `Activation ${++sequence}`,
    objectType,
    enrollment: {
      trigger: 'criteria',
      criteria: [
        {
          filters: [
            { property: objectType === 'contacts' ? 'lifecyclestage' : 'industry', operator: 'eq', value },
          ],
        },
      ],
    },
    startActionId: null,
    actions: [],
  });

/** Hands every committed change to the enrollment service, as the change feed and the bus do. */
const deliverChanges = async () => {
  const { results } = await world.changeLog.unpublished({ limit: 100 });
  for (const change of results) {
    await world.enrollment.onRecordChanged(change);
    await world.changeLog.markPublished(change);
  }
};

const activeRecordIds = async (workflowId: string) =>
  (await world.services.enrollments.page(workflowId, 'active', { limit: 100 })).results
    .map((enrollment) => enrollment.recordId)
    .sort();

describe('activation', () => {
  it("publishes the state machine of an active workflow's new revision when it is edited", async () => {
    // Prepare
    const workflow = await draft('contacts', 'customer');
    await world.activation.activate(workflow.id, { enrollExisting: false });
    const registry = createDynamoDBStateMachines(db.client, { tableName: db.tableName, clock });
    const { id, status, revision, createdAt, updatedAt, activatedAt, ...definition } =
      await world.services.workflows.get(workflow.id);

    // Act
    const edited = await world.services.workflows.update(workflow.id, {
      ...definition,
      revision,
      name: 'Edited',
    });

    // Assess
    expect(edited).toMatchObject({ status: 'active', revision: revision + 1 });
    expect(await registry.stateMachineOf(workflow.id, revision)).toBeDefined();
    expect(await registry.stateMachineOf(workflow.id, revision + 1)).toMatchObject({
      stateMachineArn: expect.stringContaining(`r${revision + 1}`),
    });
  });

  it('publishes one state machine per revision (idempotent), sets active with activatedAt, then enrolls a new matching record', async () => {
    // Prepare
    const workflow = await draft('contacts', 'lead');
    clock.advance(1_000);
    // Act
    const { workflow: active, enrollExisting } = await world.activation.activate(workflow.id, {
      enrollExisting: false,
    });
    const again = await world.activation.activate(workflow.id, { enrollExisting: false }).catch((e) => e);
    const registry = await toDocumentClient(db.client).send(
      new GetCommand({
        TableName: db.tableName,
        Key: { pk: stateMachinePk(workflow.id), sk: stateMachineSk(1) },
      }),
    );
    await deliverChanges();
    const lead = await world.services.records.create('contacts', {
      email: 'new@example.com',
      lifecyclestage: 'lead',
    });
    await deliverChanges();
    // Assess
    expect(active).toMatchObject({ status: 'active', revision: 1, activatedAt: clock.now().toISOString() });
    expect(enrollExisting).toEqual({ matched: 0, enrolled: 0 });
    expect(again).toBeInstanceOf(ConflictError);
    expect(registry.Item).toMatchObject({
      name: `crm-wf-${workflow.id}-r1`,
      stateMachineArn: `arn:aws:states:local:000000000000:stateMachine:crm-wf-${workflow.id}-r1`,
    });
    expect(JSON.parse(registry.Item?.definition)).toHaveProperty('States');
    expect(await activeRecordIds(workflow.id)).toEqual([lead.id]);
  });

  it('publishing the same revision twice answers the first ARN; another revision gets its own', async () => {
    // Prepare
    const registry = createDynamoDBStateMachines(db.client, { tableName: db.tableName, clock });
    const definition = await world.services.workflows.definition((await draft('contacts', 'lead')).id);
    // Act
    const first = await registry.publish({ workflowId: 'wf_same', revision: 1, definition });
    const second = await registry.publish({
      workflowId: 'wf_same',
      revision: 1,
      definition: { ...definition, Comment: 'other' },
    });
    const next = await registry.publish({ workflowId: 'wf_same', revision: 2, definition });
    // Assess
    expect(second).toEqual(first);
    expect(next.stateMachineArn).not.toBe(first.stateMachineArn);
    expect((await registry.definitionOf('wf_same', 1))?.definition).toEqual(definition);
    expect(await registry.stateMachineOf('wf_same', 3)).toBeUndefined();
  });

  it('enrollExisting enrolls exactly the matching existing records (reason existing) over pages, then continues from the checkpoint', async () => {
    // Prepare: five matching companies among seven, more than one page and one step.
    const workflow = await draft('companies', 'Retail');
    const industries = ['Retail', 'Retail', 'Banking', 'Retail', 'Retail', 'Banking', 'Retail'];
    const companies = [];
    for (const [index, industry] of industries.entries()) {
      companies.push(
        await world.services.records.create('companies', { domain: `c${index}.example.com`, industry }),
      );
    }
    await deliverChanges();
    const matching = companies.filter((_, index) => industries[index] === 'Retail').map((c) => c.id);
    // Act
    const answer = await world.activation.activate(workflow.id, { enrollExisting: true });
    const afterRequest = await activeRecordIds(workflow.id);
    let checkpoint = await world.activation.continueActivation(workflow.id);
    while (checkpoint && checkpoint.cursor !== null) {
      checkpoint = await world.activation.continueActivation(workflow.id);
    }
    // Assess
    expect(answer.enrollExisting).toEqual({ matched: 2, enrolled: 2 });
    expect(afterRequest).toHaveLength(2);
    expect(checkpoint).toMatchObject({ cursor: null, matched: 5, enrolled: 5 });
    expect(await activeRecordIds(workflow.id)).toEqual([...matching].sort());
    const history = await world.services.enrollments.history(
      workflow.id,
      { event: 'enrolled' },
      { limit: 100 },
    );
    expect(history.results).toHaveLength(5);
    expect(history.results.every((line) => line.reason === 'existing')).toBe(true);
    expect(await world.activation.continueUnfinished()).toBe(0);
  });

  it('continueUnfinished resumes an unfinished activation left by the request (as after a restart)', async () => {
    // Prepare
    const workflow = await draft('contacts', 'customer');
    for (const index of [1, 2, 3, 4, 5]) {
      await world.services.records.create('contacts', {
        email: `customer${index}@example.com`,
        lifecyclestage: 'customer',
      });
    }
    await deliverChanges();
    await world.activation.activate(workflow.id, { enrollExisting: true });
    // Act
    while ((await world.activation.continueUnfinished()) > 0) {}
    // Assess
    expect(await activeRecordIds(workflow.id)).toHaveLength(5);
  });

  it('deactivate unenrolls every enrolled record (workflow_deactivated) and a later matching change enrolls nothing', async () => {
    // Prepare
    const workflow = await draft('contacts', 'opportunity');
    await world.activation.activate(workflow.id, { enrollExisting: false });
    for (const index of [1, 2, 3]) {
      await world.services.records.create('contacts', {
        email: `opp${index}@example.com`,
        lifecyclestage: 'opportunity',
      });
    }
    await deliverChanges();
    const enrolledBefore = await activeRecordIds(workflow.id);
    // Act
    const inactive = await world.activation.deactivate(workflow.id);
    await world.services.records.create('contacts', {
      email: 'late@example.com',
      lifecyclestage: 'opportunity',
    });
    await deliverChanges();
    // Assess
    expect(enrolledBefore).toHaveLength(3);
    expect(inactive.status).toBe('inactive');
    expect(await activeRecordIds(workflow.id)).toEqual([]);
    const ended = await world.services.enrollments.page(workflow.id, 'unenrolled', { limit: 100 });
    expect(ended.results.map((e) => e.reason)).toEqual([
      'workflow_deactivated',
      'workflow_deactivated',
      'workflow_deactivated',
    ]);
    const endedEvents = published.filter(
      (event) => event.detailType === 'Enrollment Ended' && event.detail.workflowId === workflow.id,
    );
    expect(endedEvents).toHaveLength(3);
  });

  it('refuses an invalid body (enrollExisting), an invalid stored draft (400) and deleting an active workflow (409)', async () => {
    // Prepare
    const valid = await draft('contacts', 'evangelist');
    const broken: StoredWorkflow = { ...valid, id: 'wf_broken', startActionId: 'missing' };
    await world.workflowRepository.create(broken);
    // Act
    const noBody = await world.activation.activate(valid.id, {}).catch((e) => e);
    const invalidDraft = await world.activation
      .activate('wf_broken', { enrollExisting: false })
      .catch((e) => e);
    await world.activation.activate(valid.id, { enrollExisting: false });
    const deleted = await world.services.workflows.delete(valid.id).catch((e) => e);
    // Assess
    expect(noBody).toBeInstanceOf(ValidationError);
    expect(noBody.details.map((issue: { path: string }) => issue.path)).toEqual(['enrollExisting']);
    expect(invalidDraft).toBeInstanceOf(ValidationError);
    expect((await world.workflowRepository.get('wf_broken'))?.status).toBe('draft');
    expect(deleted).toBeInstanceOf(ConflictError);
  });
});
