import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createDynamoDBRepositories } from '../../../shared/adapters/dynamodb/index.ts';
import type { CrmRecord } from '../../../shared/core/records/record.schema.ts';
import type { RecordChange } from '../../../shared/core/records/record-change.ts';

const mock = mockClient(DynamoDBDocumentClient);
afterEach(() => mock.reset());

const stores = () =>
  createDynamoDBRepositories({
    client: new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    tableName: 'tbl',
  });

const record: CrmRecord = {
  id: 'r1',
  objectType: 'contacts',
  properties: { email: 'a@x.io' },
  createdAt: '2026-03-01T09:00:00.000Z',
  updatedAt: '2026-03-01T09:00:00.000Z',
  version: 3,
};
const change: RecordChange = {
  objectType: 'contacts',
  id: 'r1',
  change: 'updated',
  version: 3,
  before: { properties: {} },
  after: { properties: record.properties },
  changedProperties: ['email'],
  at: '2026-03-01T09:00:00.000Z',
};

describe('the exact commands of the main writes', () => {
  it('writes a record on its expected version, with the pending change and its index key', async () => {
    // Prepare
    mock.on(PutCommand).resolves({});
    // Act
    const written = await stores().records.write({ record, change, expectedVersion: 2 });
    // Assess
    expect(written).toBe(true);
    const input = mock.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: 'tbl',
      ConditionExpression: 'version = :expected AND attribute_not_exists(pending)',
      ExpressionAttributeValues: { ':expected': 2 },
      Item: {
        pk: 'REC#contacts#r1',
        sk: '#RECORD',
        version: 3,
        pending: change,
        gsi1pk: 'TYPE#contacts',
        gsi1sk: '2026-03-01T09:00:00.000Z#r1',
        gsi2pk: 'PENDING',
        gsi2sk: '2026-03-01T09:00:00.000Z#contacts#r1',
      },
    });
  });

  it('creates a record only where none exists, and reports a lost race as false', async () => {
    // Prepare
    mock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    // Act
    const written = await stores().records.write({
      record: { ...record, version: 1 },
      change,
      expectedVersion: null,
    });
    // Assess
    expect(written).toBe(false);
    expect(mock.commandCalls(PutCommand)[0]?.args[0].input.ConditionExpression).toBe(
      'attribute_not_exists(pk)',
    );
  });

  it('writes a tombstone out of its type’s pages', async () => {
    // Prepare
    mock.on(PutCommand).resolves({});
    // Act
    await stores().records.write({ record, change, expectedVersion: 2, deleted: true });
    // Assess
    const item = mock.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({ deleted: true, gsi2pk: 'PENDING' });
    expect(item).not.toHaveProperty('gsi1pk');
  });

  it('clears the pending change only at its version', async () => {
    // Prepare
    mock.on(UpdateCommand).resolves({});
    // Act
    await stores().records.clearPending('contacts', 'r1', 3);
    // Assess
    expect(mock.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'REC#contacts#r1', sk: '#RECORD' },
      UpdateExpression: 'REMOVE pending, #gpk, #gsk',
      ConditionExpression: 'version = :version AND attribute_exists(pending)',
      ExpressionAttributeValues: { ':version': 3 },
    });
  });

  it('appends to the change log idempotently, into the unpublished feed', async () => {
    // Prepare
    mock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    // Act
    await stores().changeLog.append(change);
    // Assess: a repeat is swallowed.
    expect(mock.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: {
        pk: 'REC#contacts#r1',
        sk: 'CHG#0000000003',
        gsi2pk: 'UNPUBLISHED',
        gsi2sk: '2026-03-01T09:00:00.000Z#contacts#r1#0000000003',
      },
    });
  });

  it('claims a unique value lower-cased, free or already the record’s', async () => {
    // Prepare
    mock.on(PutCommand).resolves({});
    // Act
    await stores().claims.claim(
      { objectType: 'contacts', property: 'email', value: 'a@x.io' },
      { recordId: 'r1', claimedAt: '2026-03-01T09:00:00.000Z', version: 1 },
    );
    // Assess
    expect(mock.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk) OR recordId = :recordId',
      ExpressionAttributeValues: { ':recordId': 'r1' },
      Item: { pk: 'UNIQ#contacts#email#a@x.io', sk: '#UNIQ', recordId: 'r1', version: 1 },
    });
  });

  it('releases a claim only for its record and an older version', async () => {
    // Prepare
    mock.on(DeleteCommand).resolves({});
    // Act
    await stores().claims.release({ objectType: 'contacts', property: 'email', value: 'a@x.io' }, 'r1', 4);
    // Assess
    expect(mock.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      ConditionExpression: 'recordId = :recordId AND version < :version',
      ExpressionAttributeValues: { ':recordId': 'r1', ':version': 4 },
    });
  });

  it('guards both edges of an association by the change’s version', async () => {
    // Prepare
    mock.on(UpdateCommand).resolves({});
    // Act
    await stores().associations.put(
      { objectType: 'contacts', id: 'r1' },
      { objectType: 'companies', id: 'c1' },
      { ref: { objectType: 'contacts', id: 'r1' }, version: 5 },
    );
    // Assess
    const calls = mock.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Key)).toEqual([
      { pk: 'REC#companies#c1', sk: 'ASSOC#contacts#r1' },
      { pk: 'REC#contacts#r1', sk: 'ASSOC#companies#c1' },
    ]);
    for (const input of calls) {
      expect(input).toMatchObject({
        ConditionExpression: 'attribute_not_exists(#guard) OR #guard < :version',
        ExpressionAttributeNames: { '#guard': 'v#contacts#r1' },
        ExpressionAttributeValues: { ':version': 5, ':present': true },
      });
    }
  });
});
