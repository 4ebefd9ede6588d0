import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toDocumentClient } from '../../shared/adapters/dynamodb/index.ts';

const WRITES = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand']);

/** What the process "dies" with. */
export class Crash extends Error {
  override readonly name = 'Crash';
}

/**
 * A document client that lets `writes` write commands through, then dies: every later command (read or write)
 * throws `Crash`, as if the process had stopped right after the last write it completed.
 */
export const crashingClient = (client: DynamoDBClient, writes: number) => {
  const doc = toDocumentClient(client) as DynamoDBDocumentClient;
  const send = doc.send.bind(doc) as (command: unknown) => Promise<unknown>;
  const state = { writes: 0, crashed: false };
  doc.send = (async (command: { constructor: { name: string } }) => {
    if (state.crashed) throw new Crash('crashed');
    if (WRITES.has(command.constructor.name)) {
      if (state.writes >= writes) {
        state.crashed = true;
        throw new Crash(`crashed before write ${state.writes + 1}`);
      }
      state.writes += 1;
    }
    return send(command);
  }) as typeof doc.send;
  return { client: doc, state };
};

/** A document client that counts its write commands. */
export const countingClient = (client: DynamoDBClient) => crashingClient(client, Number.POSITIVE_INFINITY);
