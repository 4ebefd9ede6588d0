import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { levelIteratorPrototypes, startLocalDynamoDB } from '../../shared/runtime/local-dynamodb.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('startLocalDynamoDB', () => {
  it('creates the table with its two indexes on first start', async () => {
    // Prepare
    const db = await startLocalDynamoDB();
    try {
      // Act
      const { Table } = await db.client.send(new DescribeTableCommand({ TableName: db.tableName }));
      // Assess
      expect(Table?.TableName).toBe('crm-workflows');
      expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual(['gsi1', 'gsi2']);
    } finally {
      await db.close();
    }
  });

  it('listens on a Unix socket only its user can reach, not on a TCP port', async () => {
    // Prepare
    const db = await startLocalDynamoDB();
    try {
      // Act
      const socket = statSync(db.socketPath);
      const directory = statSync(dirname(db.socketPath));
      // Assess
      expect(socket.isSocket()).toBe(true);
      expect(directory.mode & 0o077).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('answers with the table as it is after every change to its description (create, update, delete)', async () => {
    // Prepare
    const db = await startLocalDynamoDB();
    const TableName = 'described';
    const describe = async () =>
      (await db.client.send(new DescribeTableCommand({ TableName }))).Table?.ProvisionedThroughput
        ?.ReadCapacityUnits;
    try {
      await db.client.send(
        new CreateTableCommand({
          TableName,
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 },
        }),
      );
      await vi.waitFor(async () => {
        const { Table } = await db.client.send(new DescribeTableCommand({ TableName }));
        expect(Table?.TableStatus).toBe('ACTIVE');
      });
      const created = await describe();
      await db.client.send(new PutItemCommand({ TableName, Item: { pk: { S: 'a' } } }));
      // Act
      await db.client.send(
        new UpdateTableCommand({
          TableName,
          ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 1 },
        }),
      );
      await vi.waitFor(async () => {
        const { Table } = await db.client.send(new DescribeTableCommand({ TableName }));
        expect(Table?.TableStatus).toBe('ACTIVE');
      });
      const updated = await describe();
      await db.client.send(new DeleteTableCommand({ TableName }));
      // Assess
      expect(created).toBe(1);
      expect(updated).toBe(5);
      await vi.waitFor(async () => {
        await expect(
          db.client.send(new GetItemCommand({ TableName, Key: { pk: { S: 'a' } } })),
        ).rejects.toBeInstanceOf(ResourceNotFoundException);
      });
    } finally {
      await db.close();
    }
  });

  it('refuses a request sent after close with an error its caller gets, not one thrown outside it', async () => {
    // Prepare
    const db = await startLocalDynamoDB();
    const uncaught = vi.fn();
    process.on('uncaughtException', uncaught);
    try {
      await db.close();

      // Act
      const sent = db.client.send(
        new GetItemCommand({ TableName: db.tableName, Key: { pk: { S: 'a' }, sk: { S: 'b' } } }),
      );

      // Assess
      await expect(sent).rejects.toThrow('the embedded DynamoDB is closed');
      await new Promise((resolve) => setImmediate(resolve));
      expect(uncaught).not.toHaveBeenCalled();
    } finally {
      process.off('uncaughtException', uncaught);
    }
  });

  it('keeps data on disk across restarts', async () => {
    // Prepare
    const path = mkdtempSync(join(tmpdir(), 'crm-dynalite-'));
    dirs.push(path);
    const first = await startLocalDynamoDB({ path });
    await first.client.send(
      new PutItemCommand({
        TableName: first.tableName,
        Item: { pk: { S: 'a' }, sk: { S: 'b' }, v: { N: '1' } },
      }),
    );
    await first.close();

    // Act
    const second = await startLocalDynamoDB({ path });
    try {
      const { Item } = await second.client.send(
        new GetItemCommand({ TableName: second.tableName, Key: { pk: { S: 'a' }, sk: { S: 'b' } } }),
      );
      // Assess
      expect(Item?.v).toEqual({ N: '1' });
    } finally {
      await second.close();
    }
  });

  it.each([
    ['on disk', true],
    ['in memory', false],
  ])(
    'closes the LevelDB iterator of every Query, read to its end or cut short by a Limit (%s)',
    async (_, onDisk) => {
      // Prepare
      const path = mkdtempSync(join(tmpdir(), 'crm-dynalite-'));
      dirs.push(path);
      const db = await startLocalDynamoDB(onDisk ? { path } : {});
      const closes = levelIteratorPrototypes().map((prototype) => vi.spyOn(prototype, 'close'));
      try {
        for (let i = 0; i < 5; i++) {
          await db.client.send(
            new PutItemCommand({ TableName: db.tableName, Item: { pk: { S: 'p' }, sk: { S: `s${i}` } } }),
          );
        }
        const closed = () => closes.reduce((sum, close) => sum + close.mock.calls.length, 0);
        const before = closed();

        // Act
        for (const limit of [undefined, 2, undefined, 2, 1, undefined]) {
          const { Items = [] } = await db.client.send(
            new QueryCommand({
              TableName: db.tableName,
              KeyConditionExpression: 'pk = :p',
              ExpressionAttributeValues: { ':p': { S: 'p' } },
              ...(limit ? { Limit: limit } : {}),
            }),
          );
          expect(Items).toHaveLength(limit ?? 5);
        }

        // Assess: each query's iterator is closed once its stream is done (shortly after the answer).
        await vi.waitFor(() => expect(closed() - before).toBeGreaterThanOrEqual(6));
      } finally {
        for (const close of closes) close.mockRestore();
        await db.close();
      }
    },
  );
});
