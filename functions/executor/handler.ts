import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { runExecutorTask } from '../../shared/adapters/executor-task.ts';
import type { TaskRequest, TaskResponse } from '../../shared/core/contract/task-contract.ts';
import { countWorkflowEvents, instrumented, METRIC_NAMES, metrics } from '../commons/observability.ts';
import { outsideWorldFromEnvironment } from '../commons/outside-world.aws.ts';
import { workflowSystemFromEnvironment } from '../commons/workflow-system.aws.ts';

const system = workflowSystemFromEnvironment(
  process.env,
  { outside: outsideWorldFromEnvironment(process.env) },
  { onEvents: countWorkflowEvents },
);

/**
 * The executor function every compiled Task invokes (the task contract): the request in, the next state out; an
 * error's name is the `errorType` the state machine's Retry and Catch match.
 */
export const handler = instrumented(async (request: TaskRequest): Promise<TaskResponse | undefined> => {
  const response = await runExecutorTask(request, system.executorPorts);
  if (request.kind === 'action') metrics.addMetric(METRIC_NAMES.actionsCompleted, MetricUnit.Count, 1);
  return response;
});
