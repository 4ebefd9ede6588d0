import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Counts every request the client sends to DynamoDB, by command, in the deserialize step: below the retry
 * middleware, so a retried request counts each time it is sent. The document client shares this stack.
 */
export const countRequests = (client: DynamoDBClient) => {
  let counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'deserialize', name: 'benchRequestCounter', priority: 'high' },
  );
  return {
    /** The counts since the last take, then starts again from zero. */
    take: (): Map<string, number> => {
      const taken = counts;
      counts = new Map();
      return taken;
    },
  };
};
