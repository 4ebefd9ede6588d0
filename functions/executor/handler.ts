import { runExecutorTask } from '../../shared/adapters/executor-task.ts';
import type { TaskRequest, TaskResponse } from '../../shared/core/contract/task-contract.ts';
import { workflowSystemFromEnvironment } from '../commons/workflow-system.aws.ts';

const system = workflowSystemFromEnvironment();

/**
 * The executor function every compiled Task invokes (the task contract): the request in, the next state out; an
 * error's name is the `errorType` the state machine's Retry and Catch match.
 */
export const handler = (request: TaskRequest): Promise<TaskResponse | undefined> =>
  runExecutorTask(request, system.executorPorts);
