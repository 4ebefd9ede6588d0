import * as z from 'zod/mini';
import { createSecretsManagerSource } from '../../shared/adapters/secrets/secret-source.secrets-manager.ts';
import { createSesMailer } from '../../shared/adapters/ses/mailer.ses.ts';
import { createSnsNotifier } from '../../shared/adapters/sns/notifier.sns.ts';
import { createWebhookSender } from '../../shared/adapters/webhook/webhook-sender.ts';
import { ActionNotApplicable } from '../../shared/core/contract/task-errors.ts';
import type { Mailer, Notifier, OutsideWorld } from '../../shared/core/executor/outside-world.ts';
import { readEnvironment } from './environment.ts';

/** What the executor reads to reach outside the CRM (set by the CDK construct). */
export const OUTSIDE_ENVIRONMENT = {
  /** SES v2 sender identity of `sendEmail`; without it the action is not applicable. */
  EMAIL_FROM: z.optional(z.string().check(z.minLength(3))),
  SES_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  /** SNS topic of `sendNotification`; without it the action is not applicable. */
  NOTIFICATION_TOPIC_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
};

const notConfigured = (what: string, variable: string) => {
  throw new ActionNotApplicable(`${what} is not configured in this deployment (${variable})`);
};

/**
 * The outside world of the executor function: email through SES v2, notifications through SNS, and https webhooks
 * (never to a private, loopback, link-local or metadata address) signed with secrets from Secrets Manager. Only the
 * executor runs actions, so only its bundle carries these clients.
 */
export const outsideWorldFromEnvironment = (
  env: Record<string, string | undefined> = process.env,
): OutsideWorld => {
  const config = readEnvironment(OUTSIDE_ENVIRONMENT, env);
  const mailer: Mailer = config.EMAIL_FROM
    ? createSesMailer({
        from: config.EMAIL_FROM,
        ...(config.SES_CONFIGURATION_SET ? { configurationSetName: config.SES_CONFIGURATION_SET } : {}),
      })
    : { send: async () => notConfigured('email', 'EMAIL_FROM') };
  const notifier: Notifier = config.NOTIFICATION_TOPIC_ARN
    ? createSnsNotifier({ topicArn: config.NOTIFICATION_TOPIC_ARN })
    : { send: async () => notConfigured('notifications', 'NOTIFICATION_TOPIC_ARN') };
  return {
    mailer,
    notifier,
    webhooks: createWebhookSender({ allowLoopbackHttp: false, secrets: createSecretsManagerSource() }),
  };
};
