import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { deadLetteringRejected } from '../../shared/adapters/eventbridge/rejected-events.sqs.ts';
import { enrollPort } from '../../shared/core/events/enrollment-target.ts';
import type { EventEnvelope } from '../../shared/core/events/event-envelope.ts';
import { createIngestTarget } from '../../shared/core/events/ingest-target.ts';
import { readEnvironment } from '../commons/environment.ts';
import { logger } from '../commons/logger.ts';
import { countWorkflowEvents, instrumented, METRIC_NAMES, metrics } from '../commons/observability.ts';
import { workflowSystemFromEnvironment } from '../commons/workflow-system.aws.ts';

const env = readEnvironment({ DEAD_LETTER_QUEUE_URL: z.url() });
const system = workflowSystemFromEnvironment(process.env, {}, { onEvents: countWorkflowEvents });

const target = deadLetteringRejected({
  target: 'ingest',
  handler: createIngestTarget({ records: system.services.records, enroll: enrollPort(system.enrollment) }),
  client: new SQSClient({}),
  queueUrl: env.DEAD_LETTER_QUEUE_URL,
  onRejected: (rejected) => {
    metrics.addMetric(METRIC_NAMES.eventsRejected, MetricUnit.Count, 1);
    logger.warn('event rejected', {
      detailType: rejected.event['detail-type'],
      error: rejected.error.message,
    });
  },
});

/**
 * The inbound events' Lambda (`Record Upsert`, `Record Delete`, `Association Change`, `Workflow Enroll`): each goes
 * through the same services as the API. An invalid one is dead-lettered with its validation error at once; a fault
 * is thrown and retried.
 */
export const handler = instrumented(async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  await target(event as unknown as EventEnvelope);
});
