import {
  InternalServiceErrorException,
  MessageRejected,
  SESv2Client,
  SendEmailCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../../shared/adapters/ses/mailer.ses.ts';
import { ActionTransient } from '../../../shared/core/contract/task-errors.ts';
import type { OutboundEmail } from '../../../shared/core/executor/outside-world.ts';
import { ENROLLMENT, MOCKED_CLIENT_CONFIG } from '../../helpers/outside-world.ts';

const client = new SESv2Client(MOCKED_CLIENT_CONFIG);
const ses = mockClient(client);
beforeEach(() => ses.reset());

const EMAIL: OutboundEmail = {
  to: 'ada@example.com',
  subject: 'Bienvenue, Zoë',
  body: 'Hello Ada,\nwelcome aboard.',
  enrollment: { ...ENROLLMENT, recordId: 'c:42' },
  key: 'enr_0123456789abcdef_1:welcome:0',
};

describe('SES mailer', () => {
  it('sends simple content with a UTF-8 text body, tagged with the ids and carrying the key', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    // Act
    await createSesMailer({
      client,
      from: 'CRM <crm@example.com>',
      configurationSetName: 'crm-workflows',
    }).send(EMAIL);
    // Assess
    expect(ses.commandCalls(SendEmailCommand).map((call) => call.args[0].input)).toEqual([
      {
        FromEmailAddress: 'CRM <crm@example.com>',
        Destination: { ToAddresses: ['ada@example.com'] },
        Content: {
          Simple: {
            Subject: { Data: 'Bienvenue, Zoë', Charset: 'UTF-8' },
            Body: { Text: { Data: 'Hello Ada,\nwelcome aboard.', Charset: 'UTF-8' } },
            Headers: [{ Name: 'X-Crm-Delivery', Value: 'enr_0123456789abcdef_1:welcome:0' }],
          },
        },
        EmailTags: [
          { Name: 'workflowId', Value: 'wf_1' },
          { Name: 'enrollmentId', Value: 'enr_0123456789abcdef_1' },
          { Name: 'recordId', Value: 'c_42' },
        ],
        ConfigurationSetName: 'crm-workflows',
      },
    ]);
  });

  it('names no configuration set when none is given', async () => {
    // Prepare
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    // Act
    await createSesMailer({ client, from: 'crm@example.com' }).send(EMAIL);
    // Assess
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).not.toHaveProperty('ConfigurationSetName');
  });

  it.each([
    ['throttled', new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } })],
    ['failing', new InternalServiceErrorException({ message: 'oops', $metadata: { httpStatusCode: 500 } })],
  ])('throws Action.Transient when SES is %s', async (_, error) => {
    // Prepare
    ses.on(SendEmailCommand).rejects(error);
    // Act
    const thrown = await createSesMailer({ client, from: 'crm@example.com' })
      .send(EMAIL)
      .catch((caught: Error) => caught);
    // Assess
    expect(thrown).toBeInstanceOf(ActionTransient);
    expect((thrown as ActionTransient).cause).toBe(error);
  });

  it('throws a refusal as it is', async () => {
    // Prepare
    const rejected = new MessageRejected({ message: 'Email address is not verified.', $metadata: {} });
    ses.on(SendEmailCommand).rejects(rejected);
    // Act + Assess
    await expect(createSesMailer({ client, from: 'crm@example.com' }).send(EMAIL)).rejects.toBe(rejected);
  });
});
