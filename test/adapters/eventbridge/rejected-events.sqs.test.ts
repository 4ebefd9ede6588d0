import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { deadLetteringRejected } from '../../../shared/adapters/eventbridge/rejected-events.sqs.ts';
import type { EventEnvelope } from '../../../shared/core/events/event-envelope.ts';
import { EventRejectedError } from '../../../shared/core/events/event-rejected-error.ts';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());
afterAll(() => sqs.restore());

const event = {
  id: 'evt-1',
  'detail-type': 'Record Upsert',
  detail: { objectType: 'planets' },
} as unknown as EventEnvelope;
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/crm-workflows-ingest-dlq';

describe('dead-lettering the events no retry can apply', () => {
  it('sends an invalid event to the queue with its validation error, counts it, and does not throw', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const counted: string[] = [];
    const target = deadLetteringRejected({
      target: 'ingest',
      handler: async () => {
        throw new EventRejectedError('the event is not valid', [
          { path: 'detail.objectType', message: 'unknown' },
        ]);
      },
      client: new SQSClient({ region: 'eu-west-1' }),
      queueUrl: QUEUE,
      onRejected: (rejected) => counted.push(rejected.error.message),
    });

    await target(event);

    const sent = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(sent?.QueueUrl).toBe(QUEUE);
    expect(JSON.parse(sent?.MessageBody as string)).toEqual({
      event,
      error: {
        name: 'EventRejectedError',
        message: 'the event is not valid',
        details: [{ path: 'detail.objectType', message: 'unknown' }],
      },
      target: 'ingest',
      attempts: 1,
    });
    expect(counted).toEqual(['the event is not valid']);
  });

  it('throws any other error, so that it is retried, and dead-letters nothing', async () => {
    const target = deadLetteringRejected({
      target: 'ingest',
      handler: async () => {
        throw Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' });
      },
      client: new SQSClient({ region: 'eu-west-1' }),
      queueUrl: QUEUE,
    });

    await expect(target(event)).rejects.toThrow('slow down');
    expect(sqs.commandCalls(SendMessageCommand)).toEqual([]);
  });
});
