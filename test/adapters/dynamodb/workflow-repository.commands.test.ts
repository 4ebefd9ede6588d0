import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDBWorkflowRepository } from '../../../shared/adapters/dynamodb/workflow-repository.dynamodb.ts';
import { ConflictError } from '../../../shared/core/errors/app-error.ts';
import { storedWorkflow } from '../../helpers/workflow-store.ts';

const documents = mockClient(DynamoDBDocumentClient);
const repository = createDynamoDBWorkflowRepository(documents as unknown as DynamoDBDocumentClient, {
  tableName: 'crm-test',
});

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

beforeEach(() => {
  documents.reset();
});

describe('DynamoDB workflow repository commands', () => {
  it('creates with one Put of the current item, on condition that the id is free', async () => {
    // Prepare
    const workflow = storedWorkflow('wf_1', 'deals');
    documents.on(PutCommand).resolves({});
    // Act
    await repository.create(workflow);
    // Assess
    const calls = documents.commandCalls(PutCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toMatchObject({
      TableName: 'crm-test',
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
      Item: {
        pk: 'WF#wf_1',
        sk: 'WF',
        gsi1pk: 'WF#deals',
        gsi1sk: 'draft#2026-03-01T10:00:00.000Z#wf_1',
        gsi2pk: 'WF',
        gsi2sk: 'draft#2026-03-01T10:00:00.000Z#wf_1',
        id: 'wf_1',
        objectType: 'deals',
        status: 'draft',
        revision: 1,
      },
    });
    expect(JSON.parse(input.Item!.definition as string).name).toBe(workflow.name);
  });

  it('maps a failed create condition to ConflictError', async () => {
    // Prepare
    documents.on(PutCommand).rejects(conditionFailed());
    // Act
    const creation = repository.create(storedWorkflow('wf_1'));
    // Assess
    await expect(creation).rejects.toBeInstanceOf(ConflictError);
  });

  it('updates with the previous revision item first, then the current item on the revision and status read', async () => {
    // Prepare
    const previous = storedWorkflow('wf_2');
    const next = { ...previous, name: 'Edited', revision: 2, updatedAt: '2026-03-02T00:00:00.000Z' };
    documents.on(PutCommand).resolves({});
    // Act
    await repository.update(next, previous);
    // Assess
    const [revisionPut, currentPut] = documents.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(revisionPut).toMatchObject({
      TableName: 'crm-test',
      Item: { pk: 'WF#wf_2', sk: 'REV#0000000001', revision: 1, updatedAt: previous.updatedAt },
    });
    expect(revisionPut?.ConditionExpression).toBeUndefined();
    expect(revisionPut?.Item).not.toHaveProperty('gsi1pk');
    expect(currentPut).toMatchObject({
      TableName: 'crm-test',
      Item: { pk: 'WF#wf_2', sk: 'WF', revision: 2, updatedAt: '2026-03-02T00:00:00.000Z' },
      ConditionExpression: '#revision = :revision AND #status = :status',
      ExpressionAttributeNames: { '#revision': 'revision', '#status': 'status' },
      ExpressionAttributeValues: { ':revision': 1, ':status': 'draft' },
    });
  });

  it('maps a failed update condition to ConflictError', async () => {
    // Prepare
    const previous = storedWorkflow('wf_3');
    documents.on(PutCommand).resolvesOnce({}).rejects(conditionFailed());
    // Act
    const update = repository.update({ ...previous, revision: 2 }, previous);
    // Assess
    await expect(update).rejects.toBeInstanceOf(ConflictError);
    expect(documents.commandCalls(PutCommand)).toHaveLength(2);
  });
});
