import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PublishEvents } from '../../core/changes/change-publisher.ts';

/**
 * `Record Changed` events put on the deployment's bus: the indexes of the entries EventBridge refused (throttled or
 * failed) are answered, so that the publisher keeps those changes, and the later changes of their records, for its
 * next run. The caller batches at most 10 entries per call.
 * @example recordChangesToEventBridge(new EventBridgeClient({}), { eventBusName: 'crm-workflows' })
 */
export const recordChangesToEventBridge =
  (client: EventBridgeClient, options: { readonly eventBusName: string }): PublishEvents =>
  async (events) => {
    const answer = await client.send(
      new PutEventsCommand({
        Entries: events.map((event) => ({
          EventBusName: options.eventBusName,
          Source: event.source,
          DetailType: event.detailType,
          Detail: JSON.stringify(event.detail),
          Time: new Date(event.time),
        })),
      }),
    );
    if (!answer.FailedEntryCount) return [];
    return (answer.Entries ?? []).flatMap((entry, index) => (entry.ErrorCode ? [index] : []));
  };
