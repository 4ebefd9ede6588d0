import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

export interface EventBridgePublisherOptions {
  /** The deployment's bus (`crm-workflows` by default). */
  readonly eventBusName: string;
}

/** An event the system puts on its bus: its own (`crm.workflows`) or a `publishEvent` action's. */
export interface OutboundEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
}

/** EventBridge takes at most 10 entries per PutEvents call. */
const BATCH = 10;

/**
 * The system's own events put on the deployment's bus with PutEvents; rejects when an entry is refused, so that
 * the caller (a Lambda invoked by EventBridge or API Gateway) fails and is retried: consumers are idempotent.
 * @example publishToEventBridge(new EventBridgeClient({}), { eventBusName: 'crm-workflows' })
 */
export const publishToEventBridge =
  (client: EventBridgeClient, options: EventBridgePublisherOptions) =>
  async (events: readonly OutboundEvent[]): Promise<void> => {
    for (let start = 0; start < events.length; start += BATCH) {
      const batch = events.slice(start, start + BATCH);
      const answer = await client.send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: options.eventBusName,
            Source: event.source,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
          })),
        }),
      );
      if ((answer.FailedEntryCount ?? 0) > 0) {
        const failed = (answer.Entries ?? []).filter((entry) => entry.ErrorCode);
        throw new Error(
          `PutEvents refused ${answer.FailedEntryCount} of ${batch.length} events: ${failed
            .map((entry) => `${entry.ErrorCode} ${entry.ErrorMessage ?? ''}`.trim())
            .join('; ')}`,
        );
      }
    }
  };
