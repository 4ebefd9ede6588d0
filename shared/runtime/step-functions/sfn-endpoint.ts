import { randomUUID } from 'node:crypto';
import type { AwsJsonResponse } from '../bus/put-events-endpoint.ts';
import { type ReceivedRequest, verifySigV4 } from '../bus/sigv4-verifier.ts';
import { type DurableStepFunctions, StepFunctionsError } from './durable-step-functions.ts';
import type { StoredExecution } from './execution-store.ts';

export interface StepFunctionsEndpointOptions {
  readonly engine: DurableStepFunctions;
  /** The API token: the secret access key of the access key id `local`. */
  readonly token: string;
  /** The machine's time, against which the signature's instant is checked (never the manual clock). */
  readonly systemNow?: () => Date;
  readonly logError?: (error: unknown) => void;
}

const TARGET_PREFIX = 'AWSStepFunctions.';

/** Whether a signed AWS JSON request is for Step Functions (`X-Amz-Target: AWSStepFunctions.*`). */
export const isStepFunctionsRequest = (request: Pick<ReceivedRequest, 'headers'>): boolean =>
  String(request.headers['x-amz-target'] ?? '').startsWith(TARGET_PREFIX);

const answer = (statusCode: number, body: unknown): AwsJsonResponse => ({
  statusCode,
  headers: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': randomUUID() },
  body: JSON.stringify(body),
});

const awsError = (statusCode: number, type: string, message: string): AwsJsonResponse =>
  answer(statusCode, { __type: type, message });

/** AWS JSON dates are epoch seconds. */
const seconds = (instant: string | undefined) =>
  instant === undefined ? undefined : Date.parse(instant) / 1000;

const describedExecution = (execution: StoredExecution) => ({
  executionArn: execution.executionArn,
  stateMachineArn: execution.stateMachineArn,
  name: execution.name,
  status: execution.status,
  startDate: seconds(execution.startDate),
  ...(execution.stopDate === undefined ? {} : { stopDate: seconds(execution.stopDate) }),
  input: execution.input,
  ...(execution.output === undefined ? {} : { output: execution.output }),
  ...(execution.error === undefined ? {} : { error: execution.error }),
  ...(execution.cause === undefined ? {} : { cause: execution.cause }),
});

const text = (input: Record<string, unknown>, field: string): string => {
  const value = input[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new StepFunctionsError(
      'ValidationException',
      `1 validation error detected: '${field}' is required`,
    );
  }
  return value;
};
const optionalText = (input: Record<string, unknown>, field: string): string | undefined =>
  input[field] === undefined ? undefined : text(input, field);

/** The operations of Step Functions the system uses, on the embedded engine. */
const operations = (engine: DurableStepFunctions) =>
  ({
    CreateStateMachine: async (input) => {
      const created = await engine.createStateMachine({
        name: text(input, 'name'),
        definition: text(input, 'definition'),
        roleArn: text(input, 'roleArn'),
      });
      return { stateMachineArn: created.stateMachineArn, creationDate: seconds(created.creationDate) };
    },
    UpdateStateMachine: async (input) => {
      const definition = optionalText(input, 'definition');
      const roleArn = optionalText(input, 'roleArn');
      const updated = await engine.updateStateMachine({
        stateMachineArn: text(input, 'stateMachineArn'),
        ...(definition === undefined ? {} : { definition }),
        ...(roleArn === undefined ? {} : { roleArn }),
      });
      return { updateDate: seconds(updated.updateDate) };
    },
    DescribeStateMachine: async (input) => {
      const machine = await engine.describeStateMachine(text(input, 'stateMachineArn'));
      return {
        stateMachineArn: machine.stateMachineArn,
        name: machine.name,
        status: 'ACTIVE',
        definition: machine.definition,
        roleArn: machine.roleArn,
        type: 'STANDARD',
        creationDate: seconds(machine.createdAt),
      };
    },
    StartExecution: async (input) => {
      const name = optionalText(input, 'name');
      const given = optionalText(input, 'input');
      const started = await engine.startExecution({
        stateMachineArn: text(input, 'stateMachineArn'),
        ...(name === undefined ? {} : { name }),
        ...(given === undefined ? {} : { input: given }),
      });
      return { executionArn: started.executionArn, startDate: seconds(started.startDate) };
    },
    StopExecution: async (input) => {
      const error = optionalText(input, 'error');
      const cause = optionalText(input, 'cause');
      const stopped = await engine.stopExecution({
        executionArn: text(input, 'executionArn'),
        ...(error === undefined ? {} : { error }),
        ...(cause === undefined ? {} : { cause }),
      });
      return { stopDate: seconds(stopped.stopDate) };
    },
    DescribeExecution: async (input) =>
      describedExecution(await engine.describeExecution(text(input, 'executionArn'))),
    SendTaskSuccess: async (input) => {
      let output: unknown;
      try {
        output = JSON.parse(text(input, 'output'));
      } catch (error) {
        if (error instanceof StepFunctionsError) throw error;
        throw new StepFunctionsError('InvalidOutput', 'Invalid Output: the output is not JSON');
      }
      await engine.sendTaskSuccess(text(input, 'taskToken'), output);
      return {};
    },
    SendTaskFailure: async (input) => {
      await engine.sendTaskFailure(
        text(input, 'taskToken'),
        optionalText(input, 'error') ?? 'States.TaskFailed',
        optionalText(input, 'cause') ?? '',
      );
      return {};
    },
  }) satisfies Record<string, (input: Record<string, unknown>) => Promise<unknown>>;

/**
 * Step Functions' API on the embedded server (AWS JSON 1.0, `X-Amz-Target: AWSStepFunctions.<Operation>`), for the
 * real `@aws-sdk/client-sfn` pointed at it with `accessKeyId: 'local'` and the API token as secret: the same adapter
 * code as on AWS creates state machines, starts, stops and answers executions.
 */
export const createStepFunctionsEndpoint = (options: StepFunctionsEndpointOptions) => {
  const handlers: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = operations(
    options.engine,
  );
  return async (request: ReceivedRequest): Promise<AwsJsonResponse> => {
    const refused = await verifySigV4(
      request,
      { accessKeyId: 'local', secretAccessKey: options.token },
      options.systemNow?.() ?? new Date(),
    );
    if (refused) return awsError(400, refused.type, refused.message);
    const operation = String(request.headers['x-amz-target']).slice(TARGET_PREFIX.length);
    const handler = Object.hasOwn(handlers, operation) ? handlers[operation] : undefined;
    if (!handler) {
      return awsError(400, 'UnknownOperationException', `The embedded runtime does not answer ${operation}.`);
    }
    let input: unknown;
    try {
      input = JSON.parse(request.body.toString('utf8') || '{}');
    } catch {
      return awsError(400, 'SerializationException', 'The body is not valid JSON.');
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return awsError(400, 'SerializationException', 'The body is not a JSON object.');
    }
    try {
      return answer(200, await handler(input as Record<string, unknown>));
    } catch (error) {
      if (error instanceof StepFunctionsError) return awsError(400, error.type, error.message);
      options.logError?.(error);
      return awsError(500, 'InternalServerError', 'An internal error occurred.');
    }
  };
};
