import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoDBActivationCheckpoints } from '../../../shared/adapters/dynamodb/activation-checkpoints.dynamodb.ts';
import { createDynamoDBCrmServices } from '../../../shared/adapters/dynamodb/crm-services.dynamodb.ts';
import { LOCAL_ACTION_FUNCTION_ARN } from '../../../shared/core/services/workflow-service.ts';
import { type LocalDynamoDB, startLocalDynamoDB } from '../../../shared/runtime/local-dynamodb.ts';
import { counterIds, manualClock } from '../../helpers/api-client.ts';

let db: LocalDynamoDB | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

/**
 * A world whose step time is a counter the test moves: each published enrollment event costs `msPerEvent`, and
 * `onEvent` runs inside the step (while it is under way).
 */
const world = async (options: { msPerEvent: number; pageSize?: number; onEvent?: () => Promise<void> }) => {
  db = await startLocalDynamoDB();
  let elapsed = 0;
  const crm = createDynamoDBCrmServices({
    client: db.client,
    tableName: db.tableName,
    clock: manualClock(),
    newId: counterIds(),
    actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
    publish: async (events) => {
      elapsed += options.msPerEvent * events.length;
      await options.onEvent?.();
    },
    activation: {
      pageSize: options.pageSize ?? 2,
      recordBudget: 1_000,
      timeBudgetMs: 1_500,
      elapsedMs: () => elapsed,
    },
  });
  const { workflows, records } = crm.services;
  for (let i = 0; i < 7; i++)
    await records.create('contacts', { email: `budget-${i}@example.com`, city: 'Lyon' });
  const workflow = await workflows.create({
    name: 'Budget',
    objectType: 'contacts',
    enrollment: {
      trigger: 'criteria',
      criteria: [{ filters: [{ property: 'city', operator: 'eq', value: 'Lyon' }] }],
    },
    startActionId: null,
    actions: [],
  });
  const checkpoints = createDynamoDBActivationCheckpoints(db.client, { tableName: db.tableName });
  return { crm, workflow, checkpoints };
};

describe('activation step budgets', () => {
  it('answers once its step has run its time budget, counting whole pages, and the background goes on from there', async () => {
    // Prepare: each enrollment's events cost 1 s, the budget is 1.5 s and a page holds 2 records
    const { crm, workflow, checkpoints } = await world({ msPerEvent: 1_000 });

    // Act
    const answer = await crm.activation.activate(workflow.id, { enrollExisting: true });

    // Assert: the request stopped early with the counts of whole pages; the background enrolls the rest, each once
    expect(answer.enrollExisting.enrolled).toBeLessThan(7);
    expect(answer.enrollExisting.enrolled % 2).toBe(0);
    expect(answer.enrollExisting.matched).toBe(answer.enrollExisting.enrolled);
    expect((await checkpoints.get(workflow.id))?.cursor).not.toBeNull();
    while ((await crm.activation.continueUnfinished()) > 0) {}
    expect(await checkpoints.get(workflow.id)).toMatchObject({ cursor: null, matched: 7, enrolled: 7 });
    const enrolled = await crm.services.enrollments.page(workflow.id, 'active', { limit: 100 });
    expect(enrolled.results).toHaveLength(7);
  });

  it('stops the request between two records of a page, which the background reads again and replays', async () => {
    // Prepare: one page holds every record, and the budget is spent after the first enrollment
    const { crm, workflow, checkpoints } = await world({ msPerEvent: 1_000, pageSize: 100 });

    // Act
    const answer = await crm.activation.activate(workflow.id, { enrollExisting: true });

    // Assert: no whole page, so nothing counted yet; the page read again enrolls each record once
    expect(answer.enrollExisting).toEqual({ matched: 0, enrolled: 0 });
    expect(await checkpoints.get(workflow.id)).toMatchObject({ step: 0, matched: 0, enrolled: 0 });
    let steps = 0;
    while ((await crm.activation.continueUnfinished()) > 0) steps += 1;
    expect(steps).toBe(1);
    expect(await checkpoints.get(workflow.id)).toMatchObject({ cursor: null, matched: 7, enrolled: 7 });
    const enrolled = await crm.services.enrollments.page(workflow.id, 'active', { limit: 100 });
    expect(enrolled.results).toHaveLength(7);
  });

  it("leaves a workflow the request's step is advancing to that step: the background reads no page of it meanwhile", async () => {
    // Prepare: the background asked for a step while the request's first page is being enrolled
    const answers: number[] = [];
    let crmRef: Awaited<ReturnType<typeof world>>['crm'] | undefined;
    const { crm, workflow, checkpoints } = await world({
      msPerEvent: 0,
      onEvent: async () => {
        if (crmRef && answers.length === 0) answers.push(await crmRef.activation.continueUnfinished());
      },
    });
    crmRef = crm;

    // Act
    const answer = await crm.activation.activate(workflow.id, { enrollExisting: true });

    // Assert: the background stepped nothing (and does not count it), the request enrolled every record once
    expect(answers).toEqual([0]);
    expect(answer.enrollExisting).toEqual({ matched: 7, enrolled: 7 });
    expect((await checkpoints.get(workflow.id))?.step).toBe(4);
    expect(await crm.activation.continueUnfinished()).toBe(0);
  });
});
