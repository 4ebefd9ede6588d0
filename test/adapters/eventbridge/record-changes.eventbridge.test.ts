import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { recordChangesToEventBridge } from '../../../shared/adapters/eventbridge/record-changes.eventbridge.ts';

const events = mockClient(EventBridgeClient);
afterEach(() => events.reset());
afterAll(() => events.restore());

const change = (id: string) => ({
  source: 'crm.records',
  detailType: 'Record Changed',
  detail: { objectType: 'contacts', id, version: 1 },
  time: '2026-03-02T09:00:00.000Z',
});

describe('Record Changed on EventBridge', () => {
  it('puts each change on the bus with its instant, and answers nothing refused when all are accepted', async () => {
    events
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }, { EventId: '2' }] });
    const publish = recordChangesToEventBridge(new EventBridgeClient({ region: 'eu-west-1' }), {
      eventBusName: 'crm-workflows',
    });

    const refused = await publish([change('c1'), change('c2')]);

    expect(refused).toEqual([]);
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries).toEqual([
      {
        EventBusName: 'crm-workflows',
        Source: 'crm.records',
        DetailType: 'Record Changed',
        Detail: JSON.stringify({ objectType: 'contacts', id: 'c1', version: 1 }),
        Time: new Date('2026-03-02T09:00:00.000Z'),
      },
      expect.objectContaining({ Detail: JSON.stringify({ objectType: 'contacts', id: 'c2', version: 1 }) }),
    ]);
  });

  it('answers the indexes of the entries EventBridge refused, so that the publisher keeps them', async () => {
    events.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [
        { EventId: '1' },
        { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' },
        { EventId: '3' },
      ],
    });
    const publish = recordChangesToEventBridge(new EventBridgeClient({ region: 'eu-west-1' }), {
      eventBusName: 'crm-workflows',
    });

    expect(await publish([change('c1'), change('c2'), change('c3')])).toEqual([1]);
  });
});
