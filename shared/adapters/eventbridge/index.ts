export { recordChangesToEventBridge } from './record-changes.eventbridge.ts';
export {
  type EventBridgePublisherOptions,
  publishToEventBridge,
} from './workflow-events.eventbridge.ts';
