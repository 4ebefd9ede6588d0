import { ArnFormat, CfnOutput, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, type EventPattern, type IEventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import {
  Effect,
  PolicyStatement,
  PrincipalWithConditions,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { UNPUBLISHED_PARTITION } from '../shared/adapters/dynamodb/keys.ts';
import { TABLE_KEYS, tableDefinition } from '../shared/adapters/dynamodb/table.ts';
import { DEFAULT_EVENT_BUS_NAME } from '../shared/core/events/event-names.ts';
import { EVENT_RULES, type EventTargetName } from '../shared/core/events/event-rules.ts';
import {
  DEFAULT_RESUME_RATE_PER_SECOND,
  MAX_RESUME_RATE_PER_SECOND,
} from '../shared/core/executions/paced-resume.ts';
import { EventSchemaRegistry } from './event-schema-registry.ts';
import { acknowledgeDeadLetterQueue, acknowledgeStatesRole } from './nag-acknowledgements.ts';
import { type ApiThrottling, type CrmWorkflowsApiAuth, WorkflowApi } from './workflow-api.ts';
import { FUNCTION_TIMEOUTS, type FunctionLogLevel, WorkflowFunction } from './workflow-function.ts';
import { WorkflowObservability } from './workflow-observability.ts';
import {
  CHANGE_PUBLISHER_TABLE_ACCESS,
  grantExecutions,
  grantPublishing,
  grantPublishNotifications,
  grantReadSecrets,
  grantSendEmail,
  grantStartExecutions,
  grantTableData,
  RESUMER_TABLE_ACCESS,
  stateMachineArns,
} from './workflow-permissions.ts';

export type { ApiThrottling, CrmWorkflowsApiAuth } from './workflow-api.ts';
export type { FunctionLogLevel } from './workflow-function.ts';

/** The functions whose concurrency a team may reserve (the scheduled ones and the publisher run one at a time). */
export type ConcurrencyBoundFunction = 'api' | 'enrollment' | 'ingest' | 'executor';

/** How a team configures crm-workflows in its own stack. Every prop is optional. */
export interface CrmWorkflowsProps {
  /** An existing bus to use (and archive) instead of creating one. */
  readonly eventBus?: IEventBus;
  /** Name of the bus the construct creates (events.md): `crm-workflows` unless told. Ignored with `eventBus`. */
  readonly busName?: string;
  /** How API callers authenticate: IAM (SigV4) by default, or a Cognito user pool. */
  readonly apiAuth?: CrmWorkflowsApiAuth;
  /** The stage's throttling: 50 requests a second, bursts of 100, unless told. */
  readonly apiThrottling?: ApiThrottling;
  /** The API stage's name (`v1`). */
  readonly apiStageName?: string;
  /** A WAFv2 web ACL (regional) to associate with the API stage. */
  readonly webAclArn?: string;
  /**
   * The SES v2 sender of `sendEmail` (a verified address or an address of a verified domain) and its optional
   * configuration set. Without it, `sendEmail` fails as not applicable.
   */
  readonly email?: { readonly from: string; readonly configurationSet?: string };
  /** The SNS topic of `sendNotification`. Without it, `sendNotification` fails as not applicable. */
  readonly notificationTopic?: ITopic;
  /** Where alarms go: a new topic (encrypted with its own key) unless given. */
  readonly alarmTopic?: ITopic;
  /** Retention of every log group (functions, API access logs, state machines): one month unless told. */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the table, the logs, the queues, the archive, the schema registry and the alarm topic's key
   * when they leave the stack: RETAIN unless told.
   * The table keeps deletion protection unless this is DESTROY.
   */
  readonly removalPolicy?: RemovalPolicy;
  /** A customer managed key for the table (and its stream); AWS managed encryption unless given. */
  readonly tableEncryptionKey?: IKey;
  /** How long the bus's archive keeps events for replay: 90 days unless told. */
  readonly archiveRetention?: Duration;
  /** The schema registry's name: `<bus name>-events` unless told. */
  readonly schemaRegistryName?: string;
  /** The only Secrets Manager names webhooks may use (`secretName`): `crm-workflows/` unless told. */
  readonly secretNamePrefix?: string;
  /** Waits longer than this are parked in the table, not held by an open execution: 24 hours unless told. */
  readonly parkAfter?: Duration;
  /**
   * Parked executions the resumer starts a second: 100 unless told (StartExecution's refill is 150–300/s); a whole
   * number from 1 to 5,000.
   */
  readonly resumeRatePerSecond?: number;
  /** The functions' log level: INFO unless told. */
  readonly logLevel?: FunctionLogLevel;
  /** Reserved concurrency for the functions a burst may overload; unreserved unless told. */
  readonly reservedConcurrency?: Partial<Record<ConcurrencyBoundFunction, number>>;
}

/**
 * The dead-letter queues: each event target's (EventBridge's failed deliveries, the function's failed invocations,
 * and for ingest the events it rejects), the minute schedules', and the table stream's failed batches.
 */
export type DeadLetterQueues = Readonly<Record<'ingest' | 'enrollment' | 'schedules' | 'stream', Queue>>;

/** The Lambda functions of the deployment, by role. */
export interface CrmWorkflowsFunctions {
  readonly api: WorkflowFunction;
  readonly enrollment: WorkflowFunction;
  readonly ingest: WorkflowFunction;
  readonly executor: WorkflowFunction;
  readonly changePublisher: WorkflowFunction;
  readonly activation: WorkflowFunction;
  readonly resumer: WorkflowFunction;
}

/** The table's secondary indexes, by name (shared/adapters/dynamodb/table.ts). */
const INDEX_NAMES = (tableDefinition('crm-workflows').GlobalSecondaryIndexes ?? []).map(
  (index) => index.IndexName!,
);

/** The functions that run one at a time (reserved concurrency 1). */
const SINGLETONS: readonly (keyof CrmWorkflowsFunctions)[] = ['changePublisher', 'activation', 'resumer'];

const DEFAULT_API_THROTTLING: ApiThrottling = { rateLimit: 50, burstLimit: 100 };

/** `resumeRatePerSecond`, checked at synthesis as the resumer checks it at its cold start. */
const resumeRatePerSecondOf = (props: CrmWorkflowsProps): number => {
  const rate = props.resumeRatePerSecond ?? DEFAULT_RESUME_RATE_PER_SECOND;
  if (
    !Token.isUnresolved(rate) &&
    !(Number.isInteger(rate) && rate >= 1 && rate <= MAX_RESUME_RATE_PER_SECOND)
  ) {
    throw new Error(
      `crm-workflows: resumeRatePerSecond must be a whole number from 1 to ${MAX_RESUME_RATE_PER_SECOND} (got ${rate})`,
    );
  }
  return rate;
};

/**
 * crm-workflows in a stack of your own: the table (and its stream to the change publisher), the event bus (or
 * yours) with its archive, rules and dead-letter queues, the schema registry, the Lambda functions, the role and log
 * group of the state machines the functions create at run time, the HTTP API, alarms and a dashboard. Secure by
 * default: IAM-authenticated API, encrypted storage and queues, least-privilege roles, RETAIN.
 */
export class CrmWorkflows extends Construct {
  readonly bus: IEventBus;
  readonly table: Table;
  readonly functions: CrmWorkflowsFunctions;
  readonly api: WorkflowApi;
  /** The role the revisions' state machines run as (STATES_ROLE_ARN). */
  readonly statesRole: Role;
  /** The log group the state machines log to (STATES_LOG_GROUP_ARN). */
  readonly statesLogGroup: LogGroup;
  /** Every dead-letter queue, by what it collects. */
  readonly deadLetterQueues: DeadLetterQueues;
  readonly alarmTopic: ITopic;
  readonly observability: WorkflowObservability;
  readonly schemaRegistry: EventSchemaRegistry;
  /** The stack outputs: the API URL, the bus name and ARN, the table name. */
  readonly outputs: {
    readonly apiUrl: CfnOutput;
    readonly eventBusName: CfnOutput;
    readonly eventBusArn: CfnOutput;
    readonly tableName: CfnOutput;
  };

  constructor(scope: Construct, id: string, props: CrmWorkflowsProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const logRetention = props.logRetention ?? RetentionDays.ONE_MONTH;
    const defaults = { logRetention, removalPolicy, logLevel: props.logLevel ?? 'INFO' } as const;

    this.bus =
      props.eventBus ?? new EventBus(this, 'Bus', { eventBusName: props.busName ?? DEFAULT_EVENT_BUS_NAME });
    this.bus
      .archive('Archive', {
        description: 'Every event of the crm-workflows bus, for replay',
        // Matches every event: an archive needs a pattern, and every source has a prefix ''.
        eventPattern: { source: [{ prefix: '' }] as unknown as string[] },
        retention: props.archiveRetention ?? Duration.days(90),
      })
      .applyRemovalPolicy(removalPolicy);

    this.table = this.createTable(props.tableEncryptionKey, removalPolicy);

    const queue = (name: string) => {
      const created = new Queue(this, `${name}DeadLetters`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy,
      });
      acknowledgeDeadLetterQueue(created, name.toLowerCase());
      return created;
    };
    const deadLetters = {
      ingest: queue('Ingest'),
      enrollment: queue('Enrollment'),
      schedules: queue('Schedules'),
      stream: queue('Stream'),
    };
    this.deadLetterQueues = deadLetters;

    this.statesLogGroup = new LogGroup(this, 'StatesLogs', {
      // Under /aws/vendedlogs/ so that Step Functions' log delivery needs no resource policy per log group.
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`,
      retention: logRetention,
      removalPolicy,
    });
    const executorName = Names.uniqueResourceName(this, { maxLength: 55, separator: '-' }).concat(
      '-executor',
    );
    const executorArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: executorName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.statesRole = this.createStatesRole();

    const system: Record<string, string> = {
      TABLE_NAME: this.table.tableName,
      EVENT_BUS_NAME: this.bus.eventBusName,
      ACTION_FUNCTION_ARN: executorArn,
      STATES_ROLE_ARN: this.statesRole.roleArn,
      STATES_LOG_GROUP_ARN: this.statesLogGroup.logGroupArn,
      PARK_AFTER_SECONDS: String((props.parkAfter ?? Duration.hours(24)).toSeconds()),
      ...(props.email
        ? {
            EMAIL_FROM: props.email.from,
            ...(props.email.configurationSet ? { SES_CONFIGURATION_SET: props.email.configurationSet } : {}),
          }
        : {}),
      ...(props.notificationTopic ? { NOTIFICATION_TOPIC_ARN: props.notificationTopic.topicArn } : {}),
    };
    const reserved = props.reservedConcurrency ?? {};
    const target = (queueOfTarget: Queue) => ({
      onFailure: new SqsDestination(queueOfTarget),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    const scheduled = {
      onFailure: new SqsDestination(deadLetters.schedules),
      // A failed run is not retried: the next minute's run does the same work.
      retryAttempts: 0,
      maxEventAge: Duration.minutes(5),
    };

    this.functions = {
      api: new WorkflowFunction(this, 'Api', {
        handler: 'api',
        invocation: 'synchronous',
        description: 'crm-workflows HTTP API (API Gateway proxy)',
        memorySize: 1024,
        timeout: FUNCTION_TIMEOUTS.api,
        environment: system,
        defaults,
        reservedConcurrentExecutions: reserved.api,
      }),
      enrollment: new WorkflowFunction(this, 'Enrollment', {
        handler: 'enrollment',
        invocation: 'asynchronous',
        description: 'crm-workflows enrollment: Record Changed → enroll, unenroll, goals, event waits',
        memorySize: 1024,
        timeout: FUNCTION_TIMEOUTS.eventTarget,
        environment: system,
        defaults,
        reservedConcurrentExecutions: reserved.enrollment,
        asynchronous: target(deadLetters.enrollment),
      }),
      ingest: new WorkflowFunction(this, 'Ingest', {
        handler: 'ingest',
        invocation: 'asynchronous',
        description:
          "crm-workflows ingest: applications' Record Upsert, Record Delete, Association Change, Workflow Enroll",
        memorySize: 1024,
        timeout: FUNCTION_TIMEOUTS.eventTarget,
        environment: { ...system, DEAD_LETTER_QUEUE_URL: deadLetters.ingest.queueUrl },
        defaults,
        reservedConcurrentExecutions: reserved.ingest,
        asynchronous: target(deadLetters.ingest),
      }),
      executor: new WorkflowFunction(this, 'Executor', {
        handler: 'executor',
        invocation: 'synchronous',
        description: "crm-workflows executor: the state machines' Tasks",
        memorySize: 1024,
        timeout: FUNCTION_TIMEOUTS.executor,
        environment: system,
        defaults,
        functionName: executorName,
        reservedConcurrentExecutions: reserved.executor,
      }),
      changePublisher: new WorkflowFunction(this, 'ChangePublisher', {
        handler: 'change-publisher',
        invocation: 'stream-and-schedule',
        description: "crm-workflows change publisher: the change log's unpublished feed → Record Changed",
        memorySize: 512,
        timeout: FUNCTION_TIMEOUTS.scheduled,
        environment: { TABLE_NAME: this.table.tableName, EVENT_BUS_NAME: this.bus.eventBusName },
        defaults,
        // One at a time: the feed is published in order and without duplicates.
        reservedConcurrentExecutions: 1,
        asynchronous: scheduled,
      }),
      activation: new WorkflowFunction(this, 'Activation', {
        handler: 'activation',
        invocation: 'asynchronous',
        description:
          'crm-workflows background: completes changes a stopped writer left pending, continues enrollExisting',
        memorySize: 1024,
        timeout: FUNCTION_TIMEOUTS.scheduled,
        environment: system,
        defaults,
        // One at a time: two runs would page through the same checkpoints.
        reservedConcurrentExecutions: 1,
        asynchronous: scheduled,
      }),
      resumer: new WorkflowFunction(this, 'Resumer', {
        handler: 'resumer',
        invocation: 'asynchronous',
        description: 'crm-workflows resumer: starts the parked executions that are due',
        memorySize: 512,
        timeout: FUNCTION_TIMEOUTS.scheduled,
        environment: { ...system, RESUME_RATE_PER_SECOND: String(resumeRatePerSecondOf(props)) },
        defaults,
        // One at a time: its pace is the StartExecution rate it is given.
        reservedConcurrentExecutions: 1,
        asynchronous: scheduled,
      }),
    };
    this.grantFunctions(props, executorArn);
    this.connectEvents(deadLetters);

    this.api = new WorkflowApi(this, 'Http', {
      handler: this.functions.api.function,
      auth: props.apiAuth ?? { kind: 'iam' },
      throttling: props.apiThrottling ?? DEFAULT_API_THROTTLING,
      logRetention,
      removalPolicy,
      stageName: props.apiStageName ?? 'v1',
      ...(props.webAclArn ? { webAclArn: props.webAclArn } : {}),
    });

    this.schemaRegistry = new EventSchemaRegistry(this, 'Schemas', {
      registryName:
        props.schemaRegistryName ??
        `${props.eventBus ? props.eventBus.eventBusName : (props.busName ?? DEFAULT_EVENT_BUS_NAME)}-events`,
      removalPolicy,
    });

    this.alarmTopic = props.alarmTopic ?? this.createAlarmTopic(removalPolicy);
    this.observability = new WorkflowObservability(this, 'Operations', {
      alarmTopic: this.alarmTopic,
      functions: Object.entries(this.functions).map(([name, fn]) => ({
        name,
        function: fn.function,
        errors: fn === this.functions.executor ? 'rate' : 'count',
        singleton: SINGLETONS.includes(name as keyof CrmWorkflowsFunctions),
      })),
      deadLetterQueues: deadLetters,
      changePublisher: this.functions.changePublisher.function,
      api: this.api.api,
      statesLogGroup: this.statesLogGroup,
    });

    this.outputs = {
      apiUrl: new CfnOutput(this, 'ApiUrl', {
        value: this.api.api.url,
        description: 'The HTTP API (api.md)',
      }),
      eventBusName: new CfnOutput(this, 'EventBusName', {
        value: this.bus.eventBusName,
        description: 'Where applications send events',
      }),
      eventBusArn: new CfnOutput(this, 'EventBusArn', {
        value: this.bus.eventBusArn,
        description: 'The bus, for IAM policies',
      }),
      tableName: new CfnOutput(this, 'TableName', {
        value: this.table.tableName,
        description: 'The single table',
      }),
    };
  }

  /** The single table of shared/adapters/dynamodb/table.ts, as the embedded runtime creates it. */
  private createTable(key: IKey | undefined, removalPolicy: RemovalPolicy): Table {
    const definition = tableDefinition('crm-workflows');
    const typeOf = (name: string) => {
      const type = definition.AttributeDefinitions?.find((attribute) => attribute.AttributeName === name);
      return type?.AttributeType === 'N' ? AttributeType.NUMBER : AttributeType.STRING;
    };
    const keyOf = (schema: { AttributeName?: string; KeyType?: string }[] | undefined, type: string) => {
      const name = schema?.find((element) => element.KeyType === type)?.AttributeName;
      return name ? { name, type: typeOf(name) } : undefined;
    };
    const partitionKey = keyOf(definition.KeySchema, 'HASH');
    if (!partitionKey) throw new Error('the table definition has no partition key');
    const table = new Table(this, 'Table', {
      partitionKey,
      sortKey: keyOf(definition.KeySchema, 'RANGE'),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      ...(key
        ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: key }
        : { encryption: TableEncryption.AWS_MANAGED }),
    });
    for (const index of definition.GlobalSecondaryIndexes ?? []) {
      const partition = keyOf(index.KeySchema, 'HASH');
      if (!index.IndexName || !partition) throw new Error('a secondary index of the definition has no key');
      table.addGlobalSecondaryIndex({
        indexName: index.IndexName,
        partitionKey: partition,
        sortKey: keyOf(index.KeySchema, 'RANGE'),
      });
    }
    return table;
  }

  /** The role every revision's state machine runs as: invoke the executor, deliver logs, send traces. */
  private createStatesRole(): Role {
    const stack = Stack.of(this);
    const role = new Role(this, 'StatesRole', {
      description: "crm-workflows revisions' state machines",
      assumedBy: new PrincipalWithConditions(new ServicePrincipal('states.amazonaws.com'), {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': stateMachineArns(this).stateMachines },
      }),
    });
    role.addToPolicy(
      new PolicyStatement({
        sid: 'LogDelivery',
        actions: [
          'logs:CreateLogDelivery',
          'logs:GetLogDelivery',
          'logs:UpdateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        resources: ['*'],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        sid: 'Tracing',
        actions: [
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
        ],
        resources: ['*'],
      }),
    );
    acknowledgeStatesRole(role);
    return role;
  }

  /** Each function gets what its code calls, on the deployment's resources only. */
  private grantFunctions(props: CrmWorkflowsProps, executorArn: string): void {
    const { api, enrollment, ingest, executor, changePublisher, activation, resumer } = this.functions;
    for (const fn of [api, enrollment, ingest, executor, activation]) {
      grantTableData(this.table, INDEX_NAMES, fn.role);
    }
    grantTableData(this.table, INDEX_NAMES, changePublisher.role, CHANGE_PUBLISHER_TABLE_ACCESS);
    grantTableData(this.table, INDEX_NAMES, resumer.role, RESUMER_TABLE_ACCESS);
    // The resumer puts no event (it starts executions, and forgets their timers).
    for (const fn of [api, enrollment, ingest, executor, changePublisher, activation]) {
      this.bus.grantPutEventsTo(fn.role);
    }
    for (const fn of [api, enrollment, ingest, executor, activation]) grantExecutions(this, fn.role);
    grantStartExecutions(this, resumer.role);
    grantPublishing(this, api.role, this.statesRole);
    this.deadLetterQueues.ingest.grantSendMessages(ingest.role);

    if (props.email) grantSendEmail(this, executor.role, props.email);
    if (props.notificationTopic) grantPublishNotifications(executor.role, props.notificationTopic);
    grantReadSecrets(this, executor.role, props.secretNamePrefix ?? 'crm-workflows/');

    // The state machines invoke the executor by its unqualified ARN (the compiled Tasks' Resource).
    this.statesRole.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['lambda:InvokeFunction'],
        resources: [executorArn],
      }),
    );
  }

  /** The bus's rules (EVENT_RULES), the stream to the change publisher and the minute schedules. */
  private connectEvents(deadLetters: DeadLetterQueues): void {
    const targets: Record<EventTargetName, { fn: WorkflowFunction; deadLetters: Queue }> = {
      ingest: { fn: this.functions.ingest, deadLetters: deadLetters.ingest },
      enrollment: { fn: this.functions.enrollment, deadLetters: deadLetters.enrollment },
    };
    for (const rule of EVENT_RULES) {
      const target = targets[rule.target];
      new Rule(this, `Rule-${rule.name}`, {
        eventBus: this.bus,
        description: rule.description,
        // The pattern as the embedded bus matches it: the CDK renders its keys as they are.
        eventPattern: rule.eventPattern as unknown as EventPattern,
        targets: [
          new LambdaFunction(target.fn.function, {
            deadLetterQueue: target.deadLetters,
            retryAttempts: 185,
            maxEventAge: Duration.hours(24),
          }),
        ],
      });
    }

    this.functions.changePublisher.function.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 10,
        onFailure: new SqsDlq(deadLetters.stream),
        // Only a change-log append wakes the publisher (the feed it reads is the change log's UNPUBLISHED index).
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: {
              NewImage: { [TABLE_KEYS.gsi2.pk]: { S: FilterRule.isEqual(UNPUBLISHED_PARTITION) } },
            },
          }),
        ],
      }),
    );

    for (const [name, fn] of [
      ['ChangePublisher', this.functions.changePublisher],
      ['Activation', this.functions.activation],
      ['Resumer', this.functions.resumer],
    ] as const) {
      new Rule(this, `${name}Schedule`, {
        description: `crm-workflows ${name}: every minute`,
        schedule: Schedule.rate(Duration.minutes(1)),
        targets: [
          new LambdaFunction(fn.function, {
            deadLetterQueue: deadLetters.schedules,
            retryAttempts: 2,
            maxEventAge: Duration.minutes(5),
          }),
        ],
      });
    }
  }

  /** A topic for the alarms, encrypted with a key CloudWatch may use (kept or scheduled for deletion with the rest). */
  private createAlarmTopic(removalPolicy: RemovalPolicy): Topic {
    const key = new Key(this, 'AlarmsKey', {
      description: 'crm-workflows alarm topic',
      enableKeyRotation: true,
      removalPolicy,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    return new Topic(this, 'Alarms', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'crm-workflows alarms',
    });
  }
}
