import { describe, expect, it } from 'vitest';
import { InMemoryTable } from '../helpers/in-memory-table.ts';

const table = () =>
  new InMemoryTable({
    tableName: 'crm-workflows',
    pk: 'pk',
    sk: 'sk',
    indexes: [{ name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' }],
  });

describe('the table in memory the parked-waits simulation runs on', () => {
  it('refuses what DynamoDB refuses and fails loudly on an expression it does not know', () => {
    // Prepare
    const fake = table();
    fake.put({
      TableName: 'crm-workflows',
      Item: { pk: 'A', sk: '-', name: 'one', gsi1pk: 'DUE', gsi1sk: '2' },
    });

    // Act
    const conditional = () =>
      fake.delete({
        TableName: 'crm-workflows',
        Key: { pk: 'A', sk: '-' },
        ConditionExpression: '#name = :name',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':name': 'two' },
      });
    const unused = () =>
      fake.get({
        TableName: 'crm-workflows',
        Key: { pk: 'A', sk: '-' },
        ExpressionAttributeNames: { '#x': 'x' },
      });
    const unknown = () =>
      fake.query({
        TableName: 'crm-workflows',
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: 'contains(#name, :part)',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':pk': 'A', ':part': 'o' },
      });
    const consistentIndex = () =>
      fake.query({
        TableName: 'crm-workflows',
        IndexName: 'gsi1',
        ConsistentRead: true,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'DUE' },
      });

    // Assess
    expect(conditional).toThrow(expect.objectContaining({ name: 'ConditionalCheckFailedException' }));
    expect(unused).toThrow(expect.objectContaining({ name: 'ValidationException' }));
    expect(unknown).toThrow(/contains is not supported/);
    expect(consistentIndex).toThrow(expect.objectContaining({ name: 'ValidationException' }));
    expect(fake.size).toBe(1);
  });

  it('reads an index in order up to a bound, pages with a last evaluated key, and follows updates of index keys', () => {
    // Prepare
    const fake = table();
    for (const [id, due] of [
      ['c', '3'],
      ['a', '1'],
      ['b', '2'],
      ['d', '9'],
    ]) {
      fake.put({
        TableName: 'crm-workflows',
        Item: { pk: id, sk: '-', gsi1pk: 'DUE', gsi1sk: `${due}#${id}` },
      });
    }
    fake.update({
      TableName: 'crm-workflows',
      Key: { pk: 'd', sk: '-' },
      UpdateExpression: 'SET #gsk = :due ADD #n :one',
      ExpressionAttributeNames: { '#gsk': 'gsi1sk', '#n': 'n' },
      ExpressionAttributeValues: { ':due': '0#d', ':one': 1 },
    });
    const query = (start?: Record<string, unknown>) =>
      fake.query({
        TableName: 'crm-workflows',
        IndexName: 'gsi1',
        KeyConditionExpression: '#pk = :pk AND #sk <= :upTo',
        ExpressionAttributeNames: { '#pk': 'gsi1pk', '#sk': 'gsi1sk' },
        ExpressionAttributeValues: { ':pk': 'DUE', ':upTo': '2#\uffff' },
        Limit: 2,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });

    // Act
    const first = query();
    const second = query(first.LastEvaluatedKey);

    // Assess
    expect(first.Items?.map((item) => item.pk)).toEqual(['d', 'a']);
    expect(first.LastEvaluatedKey).toEqual({ pk: 'a', sk: '-', gsi1pk: 'DUE', gsi1sk: '1#a' });
    expect(second.Items?.map((item) => item.pk)).toEqual(['b']);
    expect(second.LastEvaluatedKey).toBeUndefined();
    expect(fake.get({ TableName: 'crm-workflows', Key: { pk: 'd', sk: '-' } }).Item?.n).toBe(1);
  });
});
