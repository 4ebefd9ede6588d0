import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDBExecutionControl } from '../../shared/adapters/dynamodb/execution-control.dynamodb.ts';
import type { ExecutionControl } from '../../shared/core/executions/execution-control.ts';
import { parkingOf, readSystemEnvironment, stepFunctionsOf } from './system-environment.aws.ts';

const noExecutor = (): never => {
  throw new Error('this composition only resumes parked executions: it has no executor');
};

/**
 * The execution control alone over the deployment's table and Step Functions: what the resumer needs to start the
 * parked executions that are due (no services, no executor, no bus), so that its bundle carries nothing else.
 */
export const executionControlFromEnvironment = (
  env: Record<string, string | undefined> = process.env,
  parts: { readonly dynamodb?: DynamoDBClient | DynamoDBDocumentClient } = {},
): ExecutionControl => {
  const config = readSystemEnvironment(env);
  const { executions, stateMachines } = stepFunctionsOf(config);
  return createDynamoDBExecutionControl({
    client: parts.dynamodb ?? new DynamoDBClient({}),
    tableName: config.TABLE_NAME,
    clock: { now: () => new Date() },
    executions,
    stateMachines,
    ...parkingOf(config),
    executor: noExecutor,
  });
};
