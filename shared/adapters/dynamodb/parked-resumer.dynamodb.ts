import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Executions } from '../../core/executions/executions.ts';
import { createParkedResumer, type ResumedBatch } from '../../core/executions/resume-parked.ts';
import type { Clock } from '../../core/ports/clock.ts';
import { createDynamoDBEnrollmentRepository } from './enrollment-repository.dynamodb.ts';
import { toDocumentClient } from './index.ts';
import { createDynamoDBParkedExecutions } from './parked-executions.dynamodb.ts';
import { DEFAULT_TABLE_NAME } from './table.ts';

export interface DynamoDBParkedResumerOptions {
  readonly client: DynamoDBClient | DynamoDBDocumentClient;
  readonly tableName?: string;
  readonly clock: Clock;
  readonly executions: Pick<Executions, 'start'>;
  /** StartExecution calls in flight at most (default `DEFAULT_RESUME_CONCURRENCY`). */
  readonly concurrency?: number;
}

/**
 * The execution control's `resumeParked` alone, over the parked executions and enrollments of one DynamoDB table:
 * what the resumer function runs, so that it composes neither the services nor the executor.
 * @example const resumeParked = createDynamoDBParkedResumer({ client, clock, executions: createSfnExecutions() })
 */
export const createDynamoDBParkedResumer = (
  options: DynamoDBParkedResumerOptions,
): ((limit: number, aheadMs?: number) => Promise<ResumedBatch>) => {
  const documents = toDocumentClient(options.client);
  const table = { tableName: options.tableName ?? DEFAULT_TABLE_NAME };
  return createParkedResumer({
    clock: options.clock,
    executions: options.executions,
    enrollments: createDynamoDBEnrollmentRepository(documents, table),
    parking: {
      executions: createDynamoDBParkedExecutions(documents, table),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    },
  });
};
