import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { OutboundEvent } from '../../shared/adapters/eventbridge/workflow-events.eventbridge.ts';
import { logger } from './logger.ts';

/** The namespace of the functions' custom metrics (the dashboard reads them). */
export const METRICS_NAMESPACE = 'CrmWorkflows';

/** The custom metrics, one per business event the dashboard and the alarms watch. */
export const METRIC_NAMES = {
  enrollmentsStarted: 'EnrollmentsStarted',
  enrollmentsEnded: 'EnrollmentsEnded',
  goalsMet: 'GoalsMet',
  actionsFailed: 'ActionsFailed',
  webhookFailures: 'WebhookFailures',
  eventsRejected: 'EventsRejected',
  actionsCompleted: 'ActionsCompleted',
} as const;

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'crm-workflows' });
export const tracer = new Tracer({ serviceName: 'crm-workflows' });

/** Counts the system's own events as they go on the bus: enrollments, goals, failed actions and webhooks. */
export const countWorkflowEvents = (events: readonly OutboundEvent[]): void => {
  for (const event of events) {
    switch (event.detailType) {
      case 'Enrollment Started':
        metrics.addMetric(METRIC_NAMES.enrollmentsStarted, MetricUnit.Count, 1);
        break;
      case 'Enrollment Ended':
        metrics.addMetric(METRIC_NAMES.enrollmentsEnded, MetricUnit.Count, 1);
        break;
      case 'Goal Met':
        metrics.addMetric(METRIC_NAMES.goalsMet, MetricUnit.Count, 1);
        break;
      case 'Action Failed': {
        metrics.addMetric(METRIC_NAMES.actionsFailed, MetricUnit.Count, 1);
        // events.md: `error` is `{ code?, message }`; a webhook's failures are coded `Webhook.Retryable` (5xx, 429,
        // no answer) and `Webhook.Rejected` (refused).
        const code = (event.detail as { error?: { code?: unknown } } | undefined)?.error?.code;
        if (typeof code === 'string' && code.startsWith('Webhook.')) {
          metrics.addMetric(METRIC_NAMES.webhookFailures, MetricUnit.Count, 1);
        }
        break;
      }
    }
  }
};

/**
 * A handler with Powertools around it: the Lambda context and correlation id in every log line, an X-Ray segment
 * per invocation, and the metrics flushed (EMF) when it returns.
 */
export const instrumented = <Event, Result>(handler: (event: Event, context: Context) => Promise<Result>) =>
  middy(handler).use(injectLambdaContext(logger)).use(captureLambdaHandler(tracer)).use(logMetrics(metrics));
