import type { TaskRequest, TaskResponse } from '../core/contract/task-contract.ts';
import { ActionTransient, TaskError } from '../core/contract/task-errors.ts';
import { executeTask } from '../core/executor/execute-task.ts';
import type { ExecutorPorts } from '../core/executor/ports.ts';
import { isTransientSdkError } from './aws-sdk/transient-errors.ts';

/**
 * The executor function's work for one Task: `executeTask`, with a throttled or failing AWS service (DynamoDB,
 * Step Functions, EventBridge…) reported as `Action.Transient`, which the compiled Retry retries with backoff; any
 * other error keeps its name (the task contract's, or a fault that fails the action).
 */
export const runExecutorTask = async (
  request: TaskRequest,
  ports: ExecutorPorts,
): Promise<TaskResponse | undefined> => {
  try {
    return await executeTask(request, ports);
  } catch (error) {
    if (!(error instanceof TaskError) && isTransientSdkError(error)) {
      throw new ActionTransient(`a service was busy or failing: ${(error as Error).message}`, {
        cause: error,
      });
    }
    throw error;
  }
};
