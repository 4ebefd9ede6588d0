import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateStateMachineCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context } from 'aws-lambda';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import { TABLE_KEYS } from '../../shared/adapters/dynamodb/table.ts';
import type { WorkflowSystem } from '../../shared/adapters/workflow-system.ts';
import type { ExecutionState } from '../../shared/core/contract/task-contract.ts';
import { DEPLOYMENT_ENVIRONMENT } from './deployment-environment.ts';
import { InMemoryTable } from './in-memory-table.ts';

/** A Lambda handler as the tests call it. */
export type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** A minute's invocation context (the scheduled functions read the time left). */
export const MINUTE_CONTEXT = { getRemainingTimeInMillis: () => 60_000 } as Context;

/** The change publisher, enrollment and resumer handlers, and the system the API function composes. */
export interface DeployedFunctions {
  readonly changePublisher: Handler;
  readonly enrollment: Handler;
  readonly resumer: Handler;
  readonly system: WorkflowSystem;
}

/** The deployment's table (its name, keys and indexes), in memory. */
export const deploymentTable = (): InMemoryTable =>
  new InMemoryTable({
    tableName: DEPLOYMENT_ENVIRONMENT.TABLE_NAME,
    pk: TABLE_KEYS.pk,
    sk: TABLE_KEYS.sk,
    indexes: [TABLE_KEYS.gsi1, TABLE_KEYS.gsi2],
  });

/** The execution ARN Step Functions answers for `name` in `stateMachineArn`. */
export const executionArnIn = (stateMachineArn: string, name: string): string =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/** What the simulated StartExecution saw (`simulateStarts`). */
export interface SimulatedStarts {
  /** The executions started, in order (their input parsed). */
  readonly started: { name: string; executionArn: string; input: ExecutionState }[];
  /** Errors the next calls fail with, one a call, before starts are taken again. */
  readonly refusals: Error[];
  /** Calls of a name already started: Step Functions answers them with that execution, starting nothing. */
  repeated: number;
}

/** StartExecution as Step Functions answers it: each name started once, after the refusals queued. */
export const simulateStarts = (sfn: AwsClientStub<SFNClient>): SimulatedStarts => {
  const starts: SimulatedStarts = { started: [], refusals: [], repeated: 0 };
  sfn
    .on(StartExecutionCommand)
    .callsFake((input: { stateMachineArn: string; name: string; input: string }) => {
      const refusal = starts.refusals.shift();
      if (refusal) throw refusal;
      const executionArn = executionArnIn(input.stateMachineArn, input.name);
      if (starts.started.some((start) => start.name === input.name)) starts.repeated += 1;
      else starts.started.push({ name: input.name, executionArn, input: JSON.parse(input.input) });
      return { executionArn, startDate: new Date() };
    });
  return starts;
};

/**
 * Loads the handlers with a deployment's environment, metrics and traces off and no real endpoint, over the mocked
 * clients: Step Functions creates state machines under the name asked, the bus takes every entry (into `published`)
 * unless `refuse()` says otherwise. Returns the functions and what undoes all of it.
 */
export const loadDeployedFunctions = async (mocks: {
  readonly sfn: AwsClientStub<SFNClient>;
  readonly bus: AwsClientStub<EventBridgeClient>;
  readonly published: PutEventsRequestEntry[];
  readonly refuse?: () => boolean;
  /** The document client's mock and the table behind it, restored and closed by `restore`. */
  readonly documents: { restore(): void };
  readonly table: { close(): void };
}): Promise<DeployedFunctions & { readonly restore: () => void }> => {
  const saved = { ...process.env };
  Object.assign(process.env, DEPLOYMENT_ENVIRONMENT, {
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_TRACE_ENABLED: 'false',
    AWS_XRAY_MANUAL_MODE: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  });
  mocks.sfn.on(CreateStateMachineCommand).callsFake((input: { name: string }) => ({
    stateMachineArn: `arn:aws:states:eu-west-1:123456789012:stateMachine:${input.name}`,
  }));
  mocks.bus.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    if (mocks.refuse?.()) {
      return {
        FailedEntryCount: input.Entries.length,
        Entries: input.Entries.map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' })),
      };
    }
    mocks.published.push(...input.Entries);
    return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `event-${i}` })) };
  });
  const [publisherModule, enrollmentModule, resumerModule, { workflowSystemFromEnvironment }] =
    await Promise.all([
      import('../../functions/change-publisher/handler.ts'),
      import('../../functions/enrollment/handler.ts'),
      import('../../functions/resumer/handler.ts'),
      import('../../functions/commons/workflow-system.aws.ts'),
    ]);
  return {
    changePublisher: publisherModule.handler as Handler,
    enrollment: enrollmentModule.handler as Handler,
    resumer: resumerModule.handler as Handler,
    system: workflowSystemFromEnvironment(process.env),
    /** Real timers, the clients unmocked, the table closed, the environment as it was. */
    restore: () => {
      vi.useRealTimers();
      mocks.documents.restore();
      mocks.sfn.restore();
      mocks.bus.restore();
      mocks.table.close();
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    },
  };
};
