import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDBEnrollmentRepository } from '../../../shared/adapters/dynamodb/enrollment-repository.dynamodb.ts';
import { createDynamoDBHistoryRepository } from '../../../shared/adapters/dynamodb/history-repository.dynamodb.ts';
import { enrollmentId } from '../../../shared/core/enrollment/enrollment-id.ts';

const documents = mockClient(DynamoDBDocumentClient);
const client = documents as unknown as DynamoDBDocumentClient;
const enrollments = createDynamoDBEnrollmentRepository(client, { tableName: 'crm-test' });
const history = createDynamoDBHistoryRepository(client, { tableName: 'crm-test' });

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const start = {
  workflowId: 'wf_1',
  revision: 3,
  objectType: 'contacts',
  recordId: 'c_1',
  enrolledBecause: 'criteria',
  at: '2026-03-01T10:00:00.000Z',
  trigger: 'contacts#c_1#4',
};
const id1 = enrollmentId('wf_1', 'c_1', 1);
const id2 = enrollmentId('wf_1', 'c_1', 2);

beforeEach(() => {
  documents.reset();
});

describe('DynamoDB enrollment repository commands', () => {
  it('starts a first enrollment with one Put of the state item on attribute_not_exists, then the enrollment item', async () => {
    // Prepare
    documents.on(GetCommand).resolves({});
    documents.on(PutCommand).resolves({});
    // Act
    await enrollments.start(start);
    // Assess
    const [state, run] = documents.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(state).toMatchObject({
      TableName: 'crm-test',
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'pk' },
      Item: {
        pk: 'ENR#contacts#c_1',
        sk: 'WF#wf_1',
        enrollmentId: id1,
        count: 1,
        status: 'active',
        trigger: 'contacts#c_1#4',
      },
    });
    expect(run).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#pk)',
      Item: {
        pk: 'ENR#contacts#c_1',
        sk: 'RUN#wf_1#0000000001',
        gsi1pk: 'ENRWF#wf_1',
        gsi1sk: `active#2026-03-01T10:00:00.000Z#${id1}`,
        id: id1,
      },
    });
  });

  it('starts the next enrollment on the count it read and no enrollment active', async () => {
    // Prepare
    documents
      .on(GetCommand)
      .resolves({ Item: { enrollmentId: id1, count: 1, status: 'completed', trigger: 'old' } });
    documents.on(PutCommand).resolves({});
    // Act
    const result = await enrollments.start(start);
    // Assess
    expect(result).toMatchObject({ started: true, enrollment: { id: id2 } });
    expect(documents.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      ConditionExpression: '#count = :count AND #status <> :active',
      ExpressionAttributeNames: { '#count': 'count', '#status': 'status' },
      ExpressionAttributeValues: { ':count': 1, ':active': 'active' },
    });
  });

  it('re-reads after a lost condition and answers the enrollment that won', async () => {
    // Prepare
    const winner = { enrollmentId: id1, workflowId: 'wf_1', count: 1, status: 'active', trigger: 'other' };
    documents.on(GetCommand).resolvesOnce({}).resolves({ Item: winner });
    documents.on(PutCommand).rejects(conditionFailed());
    // Act
    const result = await enrollments.start(start);
    // Assess
    expect(result).toMatchObject({ started: false, active: { id: id1, status: 'active' } });
    expect(documents.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('ends with an Update of the state item on its enrollment id and status, then the enrollment item, reading the state item only', async () => {
    // Prepare
    documents.on(GetCommand).resolves({
      Item: {
        enrollmentId: id1,
        workflowId: 'wf_1',
        objectType: 'contacts',
        recordId: 'c_1',
        count: 1,
        status: 'active',
        enrolledAt: 'e',
        revision: 3,
      },
    });
    documents.on(UpdateCommand).resolves({});
    documents.on(PutCommand).resolves({});
    // Act
    const ended = await enrollments.end({
      workflowId: 'wf_1',
      objectType: 'contacts',
      recordId: 'c_1',
      enrollmentId: id1,
      status: 'goal_met',
      at: 'z',
    });
    // Assess
    expect(ended).toBe(true);
    expect(documents.commandCalls(GetCommand).map((call) => call.args[0].input.Key)).toEqual([
      { pk: 'ENR#contacts#c_1', sk: 'WF#wf_1' },
    ]);
    expect(documents.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: 'ENR#contacts#c_1', sk: 'WF#wf_1' },
      ConditionExpression: '#enrollmentId = :id AND #status = :active',
      ExpressionAttributeValues: { ':id': id1, ':active': 'active', ':status': 'goal_met', ':endedAt': 'z' },
    });
    expect(documents.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#pk) OR #status = :active',
      Item: { sk: 'RUN#wf_1#0000000001', gsi1sk: `goal_met#e#${id1}`, status: 'goal_met', endedAt: 'z' },
    });
  });

  it('reads a workflow enrollments of a status from gsi1, newest first', async () => {
    // Prepare
    documents.on(QueryCommand).resolves({ Items: [] });
    // Act
    await enrollments.page('wf_1', 'failed', { limit: 20 });
    // Assess
    expect(documents.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :status)',
      ExpressionAttributeValues: { ':pk': 'ENRWF#wf_1', ':status': 'failed#' },
      ScanIndexForward: false,
      Limit: 20,
    });
  });
});

describe('DynamoDB history repository commands', () => {
  const line = {
    at: '2026-03-01T10:00:00.000Z',
    workflowId: 'wf_1',
    revision: 3,
    enrollmentId: id1,
    recordId: 'c_1',
    objectType: 'contacts',
    event: 'enrolled' as const,
    reason: 'criteria',
  };

  it('claims the line key with its write order, then puts the line once under its index keys', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});
    // Act
    await history.append(line, 'k1');
    // Assess
    const [key, item] = documents.commandCalls(PutCommand).map((call) => call.args[0].input);
    const order = key?.Item?.order as string;
    expect(order).toMatch(/^\d{17}$/);
    expect(key).toMatchObject({
      Item: { pk: 'HISTKEY#wf_1#k1', sk: '#KEY', at: line.at },
      ConditionExpression: 'attribute_not_exists(#pk)',
    });
    expect(item).toMatchObject({
      ConditionExpression: 'attribute_not_exists(#pk)',
      Item: {
        pk: 'HIST#wf_1',
        sk: `${line.at}#${order}#k1`,
        gsi1pk: 'HISTREC#contacts#c_1',
        gsi1sk: `${line.at}#${order}#wf_1#k1`,
        gsi2pk: 'HISTWF#wf_1#c_1',
        gsi2sk: `${line.at}#${order}#k1`,
        event: 'enrolled',
      },
    });
  });

  it('orders the lines of one instant as they were written', async () => {
    // Prepare
    documents.on(PutCommand).resolves({});
    // Act
    await history.append(line, 'k2');
    await history.append({ ...line, event: 'action.scheduled', actionId: 'a1' }, 'k1');
    // Assess
    const [first, second] = documents
      .commandCalls(PutCommand)
      .map((call) => call.args[0].input.Item as { sk: string })
      .filter((item) => item.sk.startsWith(line.at));
    expect(first!.sk < second!.sk).toBe(true);
  });

  it('writes a retried line at the instant and order its key holds', async () => {
    // Prepare
    documents.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    documents
      .on(GetCommand)
      .resolves({ Item: { at: '2026-02-01T00:00:00.000Z', order: '00000000000000042' } });
    // Act
    await history.append(line, 'k1');
    // Assess
    expect(documents.commandCalls(PutCommand)[1]!.args[0].input.Item).toMatchObject({
      sk: '2026-02-01T00:00:00.000Z#00000000000000042#k1',
      at: '2026-02-01T00:00:00.000Z',
    });
  });

  it('writes a retried line whose key holds no order at its instant alone', async () => {
    // Prepare
    documents.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    documents.on(GetCommand).resolves({ Item: { at: '2026-02-01T00:00:00.000Z' } });
    // Act
    await history.append(line, 'k1');
    // Assess
    expect(documents.commandCalls(PutCommand)[1]!.args[0].input.Item).toMatchObject({
      sk: '2026-02-01T00:00:00.000Z#k1',
      gsi1sk: '2026-02-01T00:00:00.000Z#wf_1#k1',
    });
  });

  it('filters a workflow history by record on gsi2 and by event with a filter expression', async () => {
    // Prepare
    documents.on(QueryCommand).resolves({ Items: [] });
    // Act
    await history.ofWorkflow('wf_1', { recordId: 'c_1', event: 'unenrolled' }, { limit: 10 });
    // Assess
    expect(documents.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk',
      FilterExpression: '#event = :event',
      ExpressionAttributeValues: { ':pk': 'HISTWF#wf_1#c_1', ':event': 'unenrolled' },
      ScanIndexForward: false,
    });
  });
});
