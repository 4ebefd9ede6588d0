import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryTable, PartitionMap } from '../helpers/in-memory-table.ts';

const tables: InMemoryTable[] = [];
afterEach(() => {
  for (const table of tables.splice(0)) table.close();
});

const table = () => {
  const created = new InMemoryTable({
    tableName: 'crm-workflows',
    pk: 'pk',
    sk: 'sk',
    indexes: [{ name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' }],
  });
  tables.push(created);
  return created;
};

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

  it('empties and fills partitions again and again, past the rebuilds of its partition maps, and loses none', () => {
    // Prepare: a record moved in and out of one index partition (as records in and out of `UNPUBLISHED`) and
    // partitions of their own created and emptied, 70,000 times: more removals than a rebuild waits for (65,536),
    // in the table's partitions and in the index's.
    const fake = table();
    const rounds = 70_000;
    // Kept: written before the first rebuilds and after them, in partitions of their own and in another index one.
    const keep = [0, 100, 66_000, rounds - 1];
    const query = (IndexName: string | undefined, pk: string) =>
      fake.query({
        TableName: 'crm-workflows',
        ...(IndexName ? { IndexName } : {}),
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': IndexName ? 'gsi1pk' : 'pk' },
        ExpressionAttributeValues: { ':pk': pk },
      }).Items ?? [];

    // Act
    for (let i = 0; i < rounds; i++) {
      const pk = `REC#${i}`;
      const kept = keep.includes(i);
      fake.put({
        TableName: 'crm-workflows',
        Item: { pk, sk: '-', gsi1pk: kept ? 'KEPT' : 'UNPUBLISHED', gsi1sk: pk },
      });
      fake.put({ TableName: 'crm-workflows', Item: { pk: `PARKED#${i}`, sk: '-', n: i } });
      if (!kept) {
        fake.delete({ TableName: 'crm-workflows', Key: { pk, sk: '-' } });
        fake.delete({ TableName: 'crm-workflows', Key: { pk: `PARKED#${i}`, sk: '-' } });
      }
    }

    // Assess: what is left are the kept items; an emptied partition answers nothing and takes items again.
    expect(query('gsi1', 'KEPT').map((item) => item.pk)).toEqual(keep.map((i) => `REC#${i}`).sort());
    expect(query('gsi1', 'UNPUBLISHED')).toEqual([]);
    expect(fake.size).toBe(2 * keep.length);
    for (const i of keep)
      expect(query(undefined, `PARKED#${i}`)).toEqual([{ pk: `PARKED#${i}`, sk: '-', n: i }]);
    for (const i of [1, 32_768, 65_535, rounds - 2]) {
      expect(query(undefined, `PARKED#${i}`)).toEqual([]);
      expect(query(undefined, `REC#${i}`)).toEqual([]);
    }
    fake.put({ TableName: 'crm-workflows', Item: { pk: 'PARKED#1', sk: '-', n: -1 } });
    fake.put({
      TableName: 'crm-workflows',
      Item: { pk: 'REC#1', sk: '-', gsi1pk: 'UNPUBLISHED', gsi1sk: 'REC#1' },
    });
    expect(query(undefined, 'PARKED#1')).toEqual([{ pk: 'PARKED#1', sk: '-', n: -1 }]);
    expect(query('gsi1', 'UNPUBLISHED').map((item) => item.pk)).toEqual(['REC#1']);
  });

  it('keeps items as they were written, never shared with the caller, sets and binaries included, until closed', () => {
    // Prepare
    const fake = table();
    const written = {
      pk: 'A',
      sk: '-',
      tags: new Set(['x', 'y']),
      data: new Uint8Array([1, 2, 3]),
      nested: { list: [1, undefined, { deep: 'v' }], gone: undefined },
    };
    fake.put({ TableName: 'crm-workflows', Item: written });
    written.nested.list.push(4);
    written.tags.add('z');
    written.data[0] = 9;
    for (let i = 0; i < 2_000; i++) {
      fake.put({ TableName: 'crm-workflows', Item: { pk: `B${i}`, sk: '-', padding: 'p'.repeat(4_000) } });
    }

    // Act
    const first = fake.get({ TableName: 'crm-workflows', Key: { pk: 'A', sk: '-' } }).Item!;
    first.nested = 'changed';
    (first.data as Uint8Array)[1] = 9;
    const second = fake.get({ TableName: 'crm-workflows', Key: { pk: 'A', sk: '-' } }).Item!;
    fake.get({ TableName: 'crm-workflows', Key: { pk: 'B0', sk: '-' } });
    const dataAfterAnotherRead = [...(second.data as Uint8Array)];
    const updated = fake.update({
      TableName: 'crm-workflows',
      Key: { pk: 'A', sk: '-' },
      UpdateExpression: 'ADD #tags :w',
      ExpressionAttributeNames: { '#tags': 'tags' },
      ExpressionAttributeValues: { ':w': new Set(['w']) },
      ReturnValues: 'ALL_NEW',
    }).Attributes!;
    fake.close();

    // Assess
    expect(second).toEqual({
      pk: 'A',
      sk: '-',
      tags: new Set(['x', 'y']),
      data: new Uint8Array([1, 2, 3]),
      nested: { list: [1, { deep: 'v' }] },
    });
    expect(second.data).toBeInstanceOf(Uint8Array);
    expect(dataAfterAnotherRead).toEqual([1, 2, 3]);
    expect(Object.keys(second.nested as object)).toEqual(['list']);
    expect(updated.tags).toEqual(new Set(['x', 'y', 'w']));
    expect(updated.data).toEqual(new Uint8Array([1, 2, 3]));
    expect(fake.size).toBe(2_001);
    expect(dirname(fake.directory)).toBe(tmpdir());
    expect(existsSync(fake.directory)).toBe(false);
    expect(() => fake.get({ TableName: 'crm-workflows', Key: { pk: 'A', sk: '-' } })).toThrow(/closed/);
  });

  it('leaves no file behind when the process exits, is interrupted or killed without closing it', () => {
    // Prepare: a process that writes to a table and tells where its file was, then ends without closing it.
    const run = (end: string) => {
      const script = `
        import { existsSync } from 'node:fs';
        import { InMemoryTable } from ${JSON.stringify(new URL('../helpers/in-memory-table.ts', import.meta.url).href)};
        const table = new InMemoryTable({ tableName: 't', pk: 'pk', sk: 'sk', indexes: [] });
        table.put({ TableName: 't', Item: { pk: 'A', sk: '-', data: 'x'.repeat(5_000_000) } });
        const item = table.get({ TableName: 't', Key: { pk: 'A', sk: '-' } }).Item;
        console.log(JSON.stringify({ directory: table.directory, exists: existsSync(table.directory), read: item.data.length }));
        ${end};`;
      return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    };

    // Act
    const exited = run('process.exitCode = 3');
    const interrupted = run("process.kill(process.pid, 'SIGINT'); setTimeout(() => {}, 5000)");
    const killed = run("process.kill(process.pid, 'SIGKILL'); setTimeout(() => {}, 5000)");

    // Assess: the item was read back from the file (larger than what waits in memory), whose name was gone already.
    expect(exited.status).toBe(3);
    expect(interrupted.signal).toBe('SIGINT');
    expect(killed.signal).toBe('SIGKILL');
    for (const { stdout } of [exited, interrupted, killed]) {
      const told = JSON.parse(stdout) as { directory: string; exists: boolean; read: number };
      expect(told).toMatchObject({ exists: false, read: 5_000_000 });
      expect(dirname(told.directory)).toBe(tmpdir());
      expect(existsSync(told.directory)).toBe(false);
    }
  });
});

describe('the partition map of the table in memory', () => {
  it('keeps an emptied partition as a key to fill again, and drops emptied keys in a rebuild every 65,536 removals', () => {
    // Prepare: 100 partitions that stay.
    const map = new PartitionMap();
    const partition = {} as Parameters<PartitionMap['set']>[1];
    for (let i = 0; i < 100; i++) map.set(`LIVE#${i}`, partition);

    // Act: one partition emptied and filled again 200,000 times (a Map entry deleted and added again each time would
    // lengthen one bucket's chain); then 200,000 partitions of their own, each created and emptied.
    for (let i = 0; i < 200_000; i++) {
      map.set('UNPUBLISHED', partition);
      map.delete('UNPUBLISHED');
    }
    const churned = { keys: map.keys, rebuilds: map.rebuilds, emptied: map.get('UNPUBLISHED') };
    for (let i = 0; i < 200_000; i++) {
      map.set(`PARKED#${i}`, partition);
      map.delete(`PARKED#${i}`);
    }

    // Assess: the emptied key is kept (never deleted) until a rebuild; a rebuild every 65,536 removals (3 of the
    // 200,000, 3 of the next 200,000 with the 3,392 removals left over), never more; the 100 live partitions kept.
    expect(churned).toEqual({ keys: 101, rebuilds: 3, emptied: undefined });
    expect(map.rebuilds).toBe(6);
    expect(map.keys).toBe(100 + (200_000 - (65_536 - 3_392) - 2 * 65_536));
    for (let i = 0; i < 100; i++) expect(map.get(`LIVE#${i}`)).toBe(partition);
    expect(map.get('PARKED#199999')).toBeUndefined();
  });
});
