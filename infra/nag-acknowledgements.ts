import { Validations } from 'aws-cdk-lib';
import type { Method, RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { IConstruct } from 'constructs';

/*
 * The cdk-nag findings (AwsSolutions and Serverless packs) the construct accepts. Each is acknowledged on the
 * resource it concerns, where that resource is created or granted, with its reason; any other finding fails the
 * synth (infra/app.ts) and the tests.
 */

/** How a function is invoked, which decides where its failures go. */
export type Invocation = 'synchronous' | 'asynchronous' | 'stream-and-schedule';

const STATES_ARN = 'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>';

/** The cdk-nag finding id of a wildcard resource, as the rule renders it (`<AWS::Partition>` for the partition…). */
const wildcard = (resource: string) => `AwsSolutions-IAM5[Resource::${resource}]`;

const acknowledged = new WeakMap<IConstruct, Set<string>>();

/** Acknowledges the finding on the construct (once, however many grants lead to it). */
const acknowledge = (scope: IConstruct, id: string, reason: string): void => {
  const ids = acknowledged.get(scope) ?? new Set<string>();
  acknowledged.set(scope, ids);
  if (ids.has(id)) return;
  ids.add(id);
  Validations.of(scope).acknowledge({ id, reason });
};

const XRAY =
  "active tracing's xray:PutTraceSegments and xray:PutTelemetryRecords accept no resource narrower than *";

const WHY_NO_DEAD_LETTER_CONFIG: Record<Invocation, string> = {
  synchronous:
    'invoked synchronously (API Gateway, or a state machine Task): a failure returns to the caller (a 5xx, or the ' +
    "Task's Retry and Catch), so a dead-letter queue would never receive anything",
  asynchronous:
    'its failed asynchronous invocations go to an SQS on-failure destination (EventInvokeConfig) with their error; ' +
    'a DeadLetterConfig as well would deliver each failure twice',
  'stream-and-schedule':
    "a failed stream batch goes to the event source mapping's SQS on-failure destination, a failed scheduled run " +
    "to the function's SQS on-failure destination (EventInvokeConfig); a DeadLetterConfig would duplicate the latter",
};

/** A function's role: X-Ray (and, for the stream's consumer, dynamodb:ListStreams) on `*`. */
export const acknowledgeFunctionRole = (role: IConstruct, invocation: Invocation): void =>
  acknowledge(
    role,
    wildcard('*'),
    invocation === 'stream-and-schedule'
      ? `${XRAY}; dynamodb:ListStreams, which the table stream's event source mapping calls, accepts only *`
      : XRAY,
  );

/** A function without a DeadLetterConfig: where its failures go instead. */
export const acknowledgeNoDeadLetterConfig = (fn: IConstruct, invocation: Invocation): void =>
  acknowledge(fn, 'Serverless-LambdaDLQ', WHY_NO_DEAD_LETTER_CONFIG[invocation]);

/** Grants on the deployment's state machines (`<prefix>*`), created at run time. */
export const acknowledgeStateMachines = (role: IConstruct, prefix: string): void =>
  acknowledge(
    role,
    wildcard(`${STATES_ARN}:stateMachine:${prefix}*`),
    `state machines are created at run time, one per activated revision (${prefix}<workflowId>-r<revision>): ` +
      'the prefix is the narrowest ARN known at deploy time',
  );

/** Grants on the executions of those state machines. */
export const acknowledgeExecutions = (role: IConstruct, prefix: string): void =>
  acknowledge(
    role,
    wildcard(`${STATES_ARN}:execution:${prefix}*:*`),
    'executions are named at run time (after their enrollment) in state machines created at run time: the state ' +
      'machine prefix is the narrowest ARN known at deploy time',
  );

/** The webhook secrets, readable under a prefix only. */
export const acknowledgeSecrets = (role: IConstruct, prefix: string): void =>
  acknowledge(
    role,
    wildcard(`arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${prefix}*`),
    `webhook secrets are named by workflows at run time; only names under ${prefix} can be read`,
  );

/** The state machines' role: log delivery and tracing on `*`. */
export const acknowledgeStatesRole = (role: IConstruct): void =>
  acknowledge(
    role,
    wildcard('*'),
    "Step Functions' CloudWatch Logs delivery (logs:CreateLogDelivery … logs:DescribeLogGroups) and X-Ray's " +
      'trace and sampling actions accept no resource narrower than *, as the Step Functions guide documents',
  );

/** A dead-letter queue has no dead-letter queue of its own. */
export const acknowledgeDeadLetterQueue = (queue: IConstruct, name: string): void => {
  const reason =
    `the ${name} dead-letter queue is itself the last stop of failed deliveries (no queue redrives into it, so ` +
    'the rule cannot tell); a CloudWatch alarm watches its depth';
  acknowledge(queue, 'AwsSolutions-SQS3', reason);
  acknowledge(queue, 'Serverless-SQSRedrivePolicy', reason);
};

/** The API: its stage's settings, its authorization, its public routes. */
export const acknowledgeApi = (options: {
  readonly api: RestApi;
  readonly authorization: 'iam' | 'cognito';
  readonly webAcl: boolean;
  readonly publicMethods: readonly Method[];
}): void => {
  const stage = options.api.deploymentStage;
  if (!options.webAcl) {
    acknowledge(
      stage,
      'AwsSolutions-APIG3',
      'no web ACL unless `webAclArn` is given: every route but the two public ones requires IAM (SigV4) or Cognito, ' +
        'and the stage is throttled',
    );
  }
  acknowledge(
    stage,
    'AwsSolutions-APIG6',
    "execution logging needs the account's API Gateway CloudWatch role (AWS::ApiGateway::Account), a setting of " +
      'the whole account and region that a construct must not overwrite; JSON access logs record every request',
  );
  if (options.authorization === 'iam') {
    acknowledge(
      options.api,
      'AwsSolutions-COG4',
      "IAM (SigV4) is the API's authorization by default (api.md); a Cognito user pool is the `apiAuth` option",
    );
  }
  for (const method of options.publicMethods) {
    const reason = `${method.httpMethod} ${method.resource.path} answers anyone (api.md): the handler treats it as public`;
    acknowledge(method, 'AwsSolutions-APIG4', reason);
    acknowledge(method, 'AwsSolutions-COG4', reason);
  }
};
