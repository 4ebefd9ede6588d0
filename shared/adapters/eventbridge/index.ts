export {
  type EventBridgePublisherOptions,
  publishToEventBridge,
} from './workflow-events.eventbridge.ts';
