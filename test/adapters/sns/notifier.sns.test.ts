import {
  InternalErrorException,
  InvalidParameterException,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSnsNotifier } from '../../../shared/adapters/sns/notifier.sns.ts';
import { ActionTransient } from '../../../shared/core/contract/task-errors.ts';
import type { OutboundNotification } from '../../../shared/core/executor/outside-world.ts';
import { MOCKED_CLIENT_CONFIG } from '../../helpers/outside-world.ts';

const client = new SNSClient(MOCKED_CLIENT_CONFIG);
const sns = mockClient(client);
beforeEach(() => sns.reset());

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:crm-notifications';
const NOTIFICATION: OutboundNotification = {
  message: 'Deal "Acme renewal" closed won',
  recipients: ['u_1', 'u_2'],
  enrollment: {
    workflowId: 'wf_deals',
    revision: 1,
    enrollmentId: 'enr_0123456789abcdef_1',
    recordId: 'd_7',
    objectType: 'deals',
  },
  key: 'enr_0123456789abcdef_1:notify:0',
};
const ATTRIBUTES = {
  recipients: { DataType: 'String.Array', StringValue: '["u_1","u_2"]' },
  workflowId: { DataType: 'String', StringValue: 'wf_deals' },
  enrollmentId: { DataType: 'String', StringValue: 'enr_0123456789abcdef_1' },
  recordId: { DataType: 'String', StringValue: 'd_7' },
  objectType: { DataType: 'String', StringValue: 'deals' },
};

describe('SNS notifier', () => {
  it('publishes the message with a subject and the recipients and ids as attributes', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    // Act
    await createSnsNotifier({ client, topicArn: TOPIC }).send(NOTIFICATION);
    // Assess
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([
      {
        TopicArn: TOPIC,
        Message: 'Deal "Acme renewal" closed won',
        Subject: 'Workflow notification (wf_deals)',
        MessageAttributes: ATTRIBUTES,
      },
    ]);
  });

  it('on a FIFO topic groups by enrollment and deduplicates by the hashed key', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    // Act
    await createSnsNotifier({ client, topicArn: `${TOPIC}.fifo` }).send(NOTIFICATION);
    // Assess
    expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input)).toEqual([
      {
        TopicArn: `${TOPIC}.fifo`,
        Message: 'Deal "Acme renewal" closed won',
        Subject: 'Workflow notification (wf_deals)',
        MessageAttributes: ATTRIBUTES,
        MessageGroupId: 'enr_0123456789abcdef_1',
        // sha256 of the key, hex (`printf %s "$key" | sha256sum`)
        MessageDeduplicationId: 'd0e5ae932c4fc3085f3a681e56b45201895722dcf86dcb79c9e958ba1fadf625',
      },
    ]);
  });

  it('sends an empty recipient list as an empty array', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm-3' });
    // Act
    await createSnsNotifier({ client, topicArn: TOPIC }).send({ ...NOTIFICATION, recipients: [] });
    // Assess
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes?.recipients).toEqual({
      DataType: 'String.Array',
      StringValue: '[]',
    });
  });

  it.each([
    ['throttled', new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } })],
    ['failing', new InternalErrorException({ message: 'internal', $metadata: { httpStatusCode: 500 } })],
  ])('throws Action.Transient when SNS is %s', async (_, error) => {
    // Prepare
    sns.on(PublishCommand).rejects(error);
    // Act
    const thrown = await createSnsNotifier({ client, topicArn: TOPIC })
      .send(NOTIFICATION)
      .catch((caught: Error) => caught);
    // Assess
    expect(thrown).toBeInstanceOf(ActionTransient);
    expect((thrown as Error).name).toBe('Action.Transient');
  });

  it('throws other errors as they are', async () => {
    // Prepare
    const invalid = new InvalidParameterException({ message: 'Invalid parameter: TopicArn', $metadata: {} });
    sns.on(PublishCommand).rejects(invalid);
    // Act + Assess
    await expect(createSnsNotifier({ client, topicArn: TOPIC }).send(NOTIFICATION)).rejects.toBe(invalid);
  });
});
