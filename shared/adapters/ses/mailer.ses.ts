import { type MessageTag, SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { EnrollmentRef } from '../../core/contract/task-contract.ts';
import type { Mailer } from '../../core/executor/outside-world.ts';
import { throwingTransient } from '../aws-sdk/transient-errors.ts';

export interface SesMailerOptions {
  /** The client (default: a new SESv2Client with the environment's region and credentials). */
  readonly client?: SESv2Client;
  /** The sender, a verified SES identity (`crm@example.com` or `CRM <crm@example.com>`). */
  readonly from: string;
  /** The configuration set whose event destinations see these emails (bounces, complaints, deliveries). */
  readonly configurationSetName?: string;
}

/** SES tag values hold letters, digits, `_` and `-` only. */
const tagValue = (value: string) => value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);

const tagsOf = (enrollment: EnrollmentRef): MessageTag[] => [
  { Name: 'workflowId', Value: tagValue(enrollment.workflowId) },
  { Name: 'enrollmentId', Value: tagValue(enrollment.enrollmentId) },
  { Name: 'recordId', Value: tagValue(enrollment.recordId) },
];

/**
 * Email through SES v2 `SendEmail`: simple content, a UTF-8 text body, tagged with the workflow, enrollment and
 * record ids, and carrying the effect's key in `X-Crm-Delivery`. SES has no idempotency key, so a Task retried
 * after SES accepted the email sends it again (at least once). Throttling and service faults throw
 * `ActionTransient`; a refusal (`MessageRejected`, an unverified sender) is thrown as it is.
 * @example createSesMailer({ from: 'crm@example.com', configurationSetName: 'crm-workflows' })
 */
export const createSesMailer = (options: SesMailerOptions): Mailer => {
  const client = options.client ?? new SESv2Client({});
  return {
    async send(email) {
      await throwingTransient('SES SendEmail', () =>
        client.send(
          new SendEmailCommand({
            FromEmailAddress: options.from,
            Destination: { ToAddresses: [email.to] },
            Content: {
              Simple: {
                Subject: { Data: email.subject, Charset: 'UTF-8' },
                Body: { Text: { Data: email.body, Charset: 'UTF-8' } },
                Headers: [{ Name: 'X-Crm-Delivery', Value: email.key }],
              },
            },
            EmailTags: tagsOf(email.enrollment),
            ...(options.configurationSetName ? { ConfigurationSetName: options.configurationSetName } : {}),
          }),
        ),
      );
    },
  };
};
