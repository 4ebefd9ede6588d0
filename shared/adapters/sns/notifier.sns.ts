import { createHash } from 'node:crypto';
import { type MessageAttributeValue, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Notifier, OutboundNotification } from '../../core/executor/outside-world.ts';
import { throwingTransient } from '../aws-sdk/transient-errors.ts';

export interface SnsNotifierOptions {
  /** The client (default: a new SNSClient with the environment's region and credentials). */
  readonly client?: SNSClient;
  /** The topic notifications are published to; a `.fifo` topic gets a group and deduplication id. */
  readonly topicArn: string;
}

/** SNS subjects: at most 100 printable ASCII characters. */
const subjectOf = (workflowId: string) =>
  `Workflow notification (${workflowId})`.replace(/[^\x20-\x7e]/g, '_').slice(0, 100);

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

const attributesOf = (notification: OutboundNotification): Record<string, MessageAttributeValue> => ({
  recipients: { DataType: 'String.Array', StringValue: JSON.stringify(notification.recipients) },
  workflowId: text(notification.enrollment.workflowId),
  enrollmentId: text(notification.enrollment.enrollmentId),
  recordId: text(notification.enrollment.recordId),
  objectType: text(notification.enrollment.objectType),
});

/**
 * A FIFO topic's ids: the enrollment (letters, digits and `_`) orders its notifications; the key, hashed to fit
 * the 128 characters allowed, deduplicates them.
 */
const fifoIdsOf = (notification: OutboundNotification) => ({
  MessageGroupId: notification.enrollment.enrollmentId,
  MessageDeduplicationId: createHash('sha256').update(notification.key).digest('hex'),
});

/**
 * Notifications published to an SNS topic: the message as the body, a subject naming the workflow, and message
 * attributes `recipients` (a `String.Array`, for subscription filter policies), `workflowId`, `enrollmentId`,
 * `recordId` and `objectType`. On a FIFO topic a retried Task's publish is deduplicated by the effect's key (for
 * 5 minutes); on a standard topic it is delivered again. Throttling and service faults throw `ActionTransient`;
 * other errors are thrown as they are.
 * @example createSnsNotifier({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:crm-notifications' })
 */
export const createSnsNotifier = (options: SnsNotifierOptions): Notifier => {
  const client = options.client ?? new SNSClient({});
  const fifo = options.topicArn.endsWith('.fifo');
  return {
    async send(notification) {
      await throwingTransient('SNS Publish', () =>
        client.send(
          new PublishCommand({
            TopicArn: options.topicArn,
            Message: notification.message,
            Subject: subjectOf(notification.enrollment.workflowId),
            MessageAttributes: attributesOf(notification),
            ...(fifo ? fifoIdsOf(notification) : {}),
          }),
        ),
      );
    },
  };
};
