import type { EventBridgeEvent } from 'aws-lambda';
import { createEnrollmentTarget } from '../../shared/core/events/enrollment-target.ts';
import type { EventEnvelope } from '../../shared/core/events/event-envelope.ts';
import { countWorkflowEvents, instrumented } from '../commons/observability.ts';
import { workflowSystemFromEnvironment } from '../commons/workflow-system.aws.ts';

const system = workflowSystemFromEnvironment(process.env, {}, { onEvents: countWorkflowEvents });
const target = createEnrollmentTarget(system.enrollment);

/**
 * The `record-changes-to-enrollment` rule's Lambda: one `Record Changed` per invocation, its detail zod-parsed.
 * An enrollment starts its execution (StartExecution named by the enrollment id), a record that leaves stops it.
 * A throw has EventBridge retry it (then its dead-letter queue); every write it makes is idempotent.
 */
export const handler = instrumented(async (event: EventBridgeEvent<string, unknown>): Promise<void> => {
  await target(event as unknown as EventEnvelope);
});
