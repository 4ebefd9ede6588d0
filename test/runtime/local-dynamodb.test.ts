import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { startLocalDynamoDB } from '../../shared/runtime/local-dynamodb.ts';

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
});
