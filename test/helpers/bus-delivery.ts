import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventBridgeEvent } from 'aws-lambda';

/**
 * The event a rule hands its Lambda target for `entry`, put on the bus of the deployment's account and Region: the
 * envelope EventBridge adds (its `id`, the clock's instant), the entry's detail parsed.
 */
export const deliveredEvent = (
  entry: PutEventsRequestEntry,
  id: string,
): EventBridgeEvent<string, unknown> => ({
  version: '0',
  id,
  'detail-type': entry.DetailType!,
  source: entry.Source!,
  account: '123456789012',
  time: new Date().toISOString(),
  region: 'eu-west-1',
  resources: [],
  detail: JSON.parse(entry.Detail!),
});
