import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { FeaturePlan, Mfa, StandardThreatProtectionMode, UserPool } from 'aws-cdk-lib/aws-cognito';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES, METRICS_NAMESPACE } from '../../functions/commons/observability.ts';
import { SYSTEM_ENVIRONMENT } from '../../functions/commons/system-environment.aws.ts';
import { CrmWorkflows } from '../../infra/crm-workflows.construct.ts';
import { CrmWorkflowsStack } from '../../infra/crm-workflows-stack.ts';
import { toDraft4 } from '../../infra/event-schema-registry.ts';
import { publicRoutes } from '../../infra/workflow-api.ts';
import { ACTIONS_FAILING, CRM_WORKFLOWS_METRICS } from '../../infra/workflow-observability.ts';
import { TABLE_DATA_ACTIONS } from '../../infra/workflow-permissions.ts';
import { tableDefinition } from '../../shared/adapters/dynamodb/table.ts';
import { EVENT_RULES } from '../../shared/core/events/event-rules.ts';
import {
  acknowledgementsUnder,
  actionsOf,
  allStatements,
  logicalIdOf,
  resourcesOf,
  type Statement,
  statementsOfRole,
  synthWithNag,
  templateApp,
  temporaryOutdir,
  text,
} from '../helpers/cdk-template.ts';

const SCHEMAS_DIRECTORY = join(import.meta.dirname, '..', '..', 'events', 'schemas');

/** The deployment with every default: one synth, read by every test of the defaults. */
const defaults = (() => {
  let stack: CrmWorkflowsStack;
  let template: Template;
  return {
    build: () => {
      stack = new CrmWorkflowsStack(templateApp(), 'CrmWorkflows');
      template = Template.fromStack(stack);
    },
    get stack() {
      return stack;
    },
    get workflows() {
      return stack.workflows;
    },
    get template() {
      return template;
    },
  };
})();
beforeAll(() => defaults.build());

const FUNCTION_NAMES = [
  'api',
  'enrollment',
  'ingest',
  'executor',
  'changePublisher',
  'activation',
  'resumer',
] as const;
type FunctionName = (typeof FUNCTION_NAMES)[number];

const fnId = (workflows: CrmWorkflows, name: FunctionName) => logicalIdOf(workflows.functions[name].function);
const roleId = (workflows: CrmWorkflows, name: FunctionName) => logicalIdOf(workflows.functions[name].role);
const functionResource = (template: Template, workflows: CrmWorkflows, name: FunctionName) =>
  template.toJSON().Resources[fnId(workflows, name)];
const environmentOf = (template: Template, workflows: CrmWorkflows, name: FunctionName) =>
  functionResource(template, workflows, name).Properties.Environment.Variables as Record<string, unknown>;

describe('storage: the single table', () => {
  it("has tableDefinition's keys and indexes, on demand", () => {
    const definition = tableDefinition('any');
    defaults.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: definition.KeySchema,
      AttributeDefinitions: Match.arrayWith(definition.AttributeDefinitions ?? []),
      GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes,
    });
  });

  it('keeps point-in-time recovery, deletion protection and encryption (AWS managed), and is retained', () => {
    defaults.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    });
  });

  it('feeds its stream to the change publisher: bisect on error, retries, an SQS on-failure destination', () => {
    const { template, workflows } = defaults;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(workflows.table), 'StreamArn'] },
      FunctionName: { Ref: fnId(workflows, 'changePublisher') },
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalIdOf(workflows.deadLetterQueues.stream), 'Arn'] },
        },
      },
    });
    expect(
      functionResource(template, workflows, 'changePublisher').Properties.ReservedConcurrentExecutions,
    ).toBe(1);
  });

  it('wakes the publisher only for change-log appends (the unpublished feed it reads)', () => {
    const [mapping] = Object.values(defaults.template.findResources('AWS::Lambda::EventSourceMapping'));
    const [filter] = mapping!.Properties.FilterCriteria.Filters as { Pattern: string }[];
    expect(JSON.parse(filter!.Pattern)).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { gsi2pk: { S: ['UNPUBLISHED'] } } },
    });
  });

  it('takes a customer managed key, and a DESTROY removal policy drops deletion protection', () => {
    const stack = new Stack(templateApp(), 'Keyed');
    const key = new Key(stack, 'TableKey', { enableKeyRotation: true });
    new CrmWorkflows(stack, 'Workflows', { tableEncryptionKey: key, removalPolicy: RemovalPolicy.DESTROY });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        DeletionProtectionEnabled: false,
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(key), 'Arn'] },
        },
      }),
    });
  });
});

describe('events: the bus, its rules and its schemas', () => {
  it('creates the deployment event bus, named crm-workflows by default', () => {
    defaults.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'crm-workflows' });
  });

  it('names the bus as the team asks', () => {
    const stack = new CrmWorkflowsStack(templateApp(), 'CrmWorkflows', {
      workflows: { busName: 'sales-crm' },
    });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::EventBus', { Name: 'sales-crm' });
  });

  it('archives every event of the bus for 90 days, and retains the archive with the stack', () => {
    const { template, workflows } = defaults;
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [logicalIdOf(workflows.bus as EventBus), 'Arn'] },
      EventPattern: { source: [{ prefix: '' }] },
      RetentionDays: 90,
    });
    template.hasResource('AWS::Events::Archive', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('builds one rule per EVENT_RULES entry: its pattern, its target, a retry policy and an encrypted DLQ', () => {
    const { template, workflows } = defaults;
    const busRules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.EventBusName !== undefined,
    );
    expect(busRules).toHaveLength(EVENT_RULES.length);
    for (const rule of EVENT_RULES) {
      const resource = busRules.find((candidate) => candidate.Properties.Description === rule.description);
      expect(resource?.Properties.EventPattern).toEqual(rule.eventPattern);
      expect(resource?.Properties.EventBusName).toEqual({ Ref: logicalIdOf(workflows.bus as EventBus) });
      const queue = workflows.deadLetterQueues[rule.target];
      expect(resource?.Properties.Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [fnId(workflows, rule.target), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalIdOf(queue), 'Arn'] } },
        }),
      ]);
      expect(template.toJSON().Resources[logicalIdOf(queue)].Properties.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('sends the event targets’ failed invocations (after Lambda’s retries) to the same dead-letter queues', () => {
    const { template, workflows } = defaults;
    for (const target of ['ingest', 'enrollment'] as const) {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId(workflows, target) },
        MaximumRetryAttempts: 2,
        DestinationConfig: {
          OnFailure: {
            Destination: { 'Fn::GetAtt': [logicalIdOf(workflows.deadLetterQueues[target]), 'Arn'] },
          },
        },
      });
    }
  });

  it('encrypts every queue and refuses plain HTTP to it', () => {
    const { template } = defaults;
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.keys(queues).length).toBe(4);
    for (const [id, queue] of Object.entries(queues)) {
      expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it('alarms on every dead-letter queue as soon as one message is visible', () => {
    const { template, workflows } = defaults;
    for (const queue of Object.values(workflows.deadLetterQueues)) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalIdOf(queue), 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        AlarmActions: [{ Ref: logicalIdOf(workflows.alarmTopic as Topic) }],
      });
    }
  });

  it('publishes every committed event schema in a schema registry, in the draft-4 dialect', () => {
    const { template } = defaults;
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    template.hasResourceProperties('AWS::EventSchemas::Registry', { RegistryName: 'crm-workflows-events' });
    const files = readdirSync(SCHEMAS_DIRECTORY).filter((file) => file.endsWith('.json'));
    const schemas = Object.values(template.findResources('AWS::EventSchemas::Schema'));
    expect(schemas.map((schema) => `${schema.Properties.SchemaName}.json`).sort()).toEqual(files.sort());
    for (const schema of schemas) {
      expect(schema.Properties.Type).toBe('JSONSchemaDraft4');
      const content = JSON.parse(schema.Properties.Content);
      expect(content.$schema).toBe('http://json-schema.org/draft-04/schema#');
      expect(JSON.stringify(content)).not.toContain('"const"');
      expect(content.properties['detail-type'].enum).toHaveLength(1);
    }
  });

  it('rewrites const as a one-value enum, leaving a property named const alone', () => {
    expect(
      toDraft4({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        properties: { const: { const: 'x' }, version: { type: 'string', const: '0' } },
        required: ['const'],
      }),
    ).toEqual({
      $schema: 'http://json-schema.org/draft-04/schema#',
      properties: { const: { enum: ['x'] }, version: { type: 'string', enum: ['0'] } },
      required: ['const'],
    });
  });
});

describe('functions', () => {
  it('runs every handler on Node.js 24, arm64, with active tracing, JSON logs and the Powertools environment', () => {
    const { template, workflows } = defaults;
    template.resourceCountIs('AWS::Lambda::Function', FUNCTION_NAMES.length);
    for (const name of FUNCTION_NAMES) {
      expect(functionResource(template, workflows, name).Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO' },
        MemorySize: expect.any(Number),
        Timeout: expect.any(Number),
        Environment: {
          Variables: expect.objectContaining({
            POWERTOOLS_SERVICE_NAME: 'crm-workflows',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
          }),
        },
      });
    }
  });

  it('gives every system function the environment workflowSystemFromEnvironment reads, and each its own extras', () => {
    const { template, workflows } = defaults;
    const required = Object.entries(SYSTEM_ENVIRONMENT)
      .filter(([, schema]) => !schema.safeParse(undefined).success)
      .map(([name]) => name);
    expect(required.sort()).toEqual(['ACTION_FUNCTION_ARN', 'STATES_ROLE_ARN', 'TABLE_NAME']);
    for (const name of FUNCTION_NAMES.filter((fn) => fn !== 'changePublisher')) {
      expect(Object.keys(environmentOf(template, workflows, name))).toEqual(
        expect.arrayContaining([
          'TABLE_NAME',
          'EVENT_BUS_NAME',
          'ACTION_FUNCTION_ARN',
          'STATES_ROLE_ARN',
          'STATES_LOG_GROUP_ARN',
          'PARK_AFTER_SECONDS',
        ]),
      );
    }
    const executor = functionResource(template, workflows, 'executor').Properties;
    expect(text(environmentOf(template, workflows, 'api').ACTION_FUNCTION_ARN)).toContain(
      `:function:${executor.FunctionName}`,
    );
    expect(environmentOf(template, workflows, 'api').STATES_ROLE_ARN).toEqual({
      'Fn::GetAtt': [logicalIdOf(workflows.statesRole), 'Arn'],
    });
    expect(environmentOf(template, workflows, 'api').PARK_AFTER_SECONDS).toBe('86400');
    expect(environmentOf(template, workflows, 'ingest').DEAD_LETTER_QUEUE_URL).toEqual({
      Ref: logicalIdOf(workflows.deadLetterQueues.ingest),
    });
    expect(environmentOf(template, workflows, 'resumer').RESUME_RATE_PER_SECOND).toBe('100');
    expect(Object.keys(environmentOf(template, workflows, 'changePublisher')).sort()).toEqual([
      'EVENT_BUS_NAME',
      'NODE_OPTIONS',
      'POWERTOOLS_LOG_LEVEL',
      'POWERTOOLS_SERVICE_NAME',
      'TABLE_NAME',
    ]);
  });

  it('runs the publisher, activation and resumer one at a time, each every minute, and reserves nothing else', () => {
    const { template, workflows } = defaults;
    for (const name of FUNCTION_NAMES) {
      const reserved = functionResource(template, workflows, name).Properties.ReservedConcurrentExecutions;
      expect([name, reserved]).toEqual([
        name,
        ['changePublisher', 'activation', 'resumer'].includes(name) ? 1 : undefined,
      ]);
    }
    for (const name of ['changePublisher', 'activation', 'resumer'] as const) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: 'rate(1 minute)',
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [fnId(workflows, name), 'Arn'] },
            RetryPolicy: Match.anyValue(),
            DeadLetterConfig: {
              Arn: { 'Fn::GetAtt': [logicalIdOf(workflows.deadLetterQueues.schedules), 'Arn'] },
            },
          }),
        ],
      });
    }
  });

  it('reserves concurrency for the functions a team bounds', () => {
    const stack = new Stack(templateApp(), 'Bounded');
    const workflows = new CrmWorkflows(stack, 'Workflows', {
      reservedConcurrency: { api: 20, enrollment: 50, executor: 100 },
    });
    const template = Template.fromStack(stack);
    expect(functionResource(template, workflows, 'api').Properties.ReservedConcurrentExecutions).toBe(20);
    expect(functionResource(template, workflows, 'enrollment').Properties.ReservedConcurrentExecutions).toBe(
      50,
    );
    expect(functionResource(template, workflows, 'executor').Properties.ReservedConcurrentExecutions).toBe(
      100,
    );
    expect(
      functionResource(template, workflows, 'ingest').Properties.ReservedConcurrentExecutions,
    ).toBeUndefined();
  });

  it('gives the resumer the rate a team asks for, and refuses at synthesis one its cold start would refuse', () => {
    const stack = new Stack(templateApp(), 'Paced');
    const workflows = new CrmWorkflows(stack, 'Workflows', { resumeRatePerSecond: 250 });
    expect(environmentOf(Template.fromStack(stack), workflows, 'resumer').RESUME_RATE_PER_SECOND).toBe('250');
    for (const rate of [0, 2.5, 5_001, Number.NaN]) {
      expect(
        () => new CrmWorkflows(new Stack(templateApp(), 'Wrong'), 'Workflows', { resumeRatePerSecond: rate }),
      ).toThrow(`resumeRatePerSecond must be a whole number from 1 to 5000 (got ${rate})`);
    }
  });

  it('gives each function its own log group with the retention asked for', () => {
    const { template, workflows } = defaults;
    for (const name of FUNCTION_NAMES) {
      const logGroup = logicalIdOf(workflows.functions[name].logGroup);
      expect(functionResource(template, workflows, name).Properties.LoggingConfig.LogGroup).toEqual({
        Ref: logGroup,
      });
      expect(template.toJSON().Resources[logGroup]).toMatchObject({
        Properties: { RetentionInDays: 30 },
        DeletionPolicy: 'Retain',
      });
    }
  });
});

describe('least privilege', () => {
  const statementsOf = (name: FunctionName) =>
    statementsOfRole(defaults.template, roleId(defaults.workflows, name));
  const withAction = (statements: Statement[], action: string) =>
    statements.filter((statement) => actionsOf(statement).includes(action));

  it('grants no wildcard action and no Scan', () => {
    const actions = allStatements(defaults.template).flatMap(actionsOf);
    expect(actions.filter((action) => action === '*' || action.endsWith(':*'))).toEqual([]);
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('uses Resource * only for the actions that take no narrower resource', () => {
    const star = allStatements(defaults.template)
      .filter((statement) => resourcesOf(statement).includes('*'))
      .flatMap(actionsOf);
    expect([...new Set(star)].sort()).toEqual([
      'dynamodb:ListStreams',
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:UpdateLogDelivery',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
  });

  it('lets the functions composing the whole system read and write the table and its two indexes, item by item; the change publisher and the resumer only what they send', () => {
    const table = { 'Fn::GetAtt': [logicalIdOf(defaults.workflows.table), 'Arn'] };
    const index = (name: string) => ({ 'Fn::Join': ['', [table, `/index/${name}`]] });
    // The item commands the stores send: no Scan, no batch read, no transaction (so no ConditionCheckItem).
    const all = [
      'dynamodb:BatchWriteItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ];
    expect([...TABLE_DATA_ACTIONS].sort()).toEqual(all);
    const expected: Record<FunctionName, { actions: readonly string[]; indexes: string[] }> = {
      api: { actions: all, indexes: ['gsi1', 'gsi2'] },
      enrollment: { actions: all, indexes: ['gsi1', 'gsi2'] },
      ingest: { actions: all, indexes: ['gsi1', 'gsi2'] },
      executor: { actions: all, indexes: ['gsi1', 'gsi2'] },
      activation: { actions: all, indexes: ['gsi1', 'gsi2'] },
      changePublisher: { actions: ['dynamodb:Query', 'dynamodb:UpdateItem'], indexes: ['gsi2'] },
      resumer: { actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:Query'], indexes: ['gsi1'] },
    };
    for (const name of FUNCTION_NAMES) {
      const [statement, ...others] = statementsOf(name).filter((candidate) =>
        resourcesOf(candidate).some((resource) => text(resource) === text(table)),
      );
      expect(others).toEqual([]);
      expect([name, actionsOf(statement!).sort()]).toEqual([name, [...expected[name].actions].sort()]);
      expect([name, resourcesOf(statement!)]).toEqual([name, [table, ...expected[name].indexes.map(index)]]);
    }
  });

  it('lets only the change publisher read the stream', () => {
    const table = logicalIdOf(defaults.workflows.table);
    for (const name of FUNCTION_NAMES) {
      const reads = withAction(statementsOf(name), 'dynamodb:GetRecords');
      if (name === 'changePublisher') {
        expect(reads.map(resourcesOf)).toEqual([[{ 'Fn::GetAtt': [table, 'StreamArn'] }]]);
      } else expect(reads).toEqual([]);
    }
  });

  it('puts events on the deployment bus only, from every function but the resumer', () => {
    const bus = { 'Fn::GetAtt': [logicalIdOf(defaults.workflows.bus as EventBus), 'Arn'] };
    const puts = withAction(allStatements(defaults.template), 'events:PutEvents');
    expect(puts).toHaveLength(FUNCTION_NAMES.length - 1);
    for (const statement of puts) expect(resourcesOf(statement)).toEqual([bus]);
    for (const name of FUNCTION_NAMES) {
      expect([name, withAction(statementsOf(name), 'events:PutEvents').length]).toEqual([
        name,
        name === 'resumer' ? 0 : 1,
      ]);
    }
  });

  it('scopes every Step Functions action to the crm-wf-* state machines and their executions', () => {
    const states = allStatements(defaults.template).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('states:')),
    );
    expect(states.length).toBeGreaterThan(0);
    for (const statement of states) {
      for (const resource of resourcesOf(statement)) {
        expect(text(resource)).toMatch(/:(stateMachine:crm-wf-\*|execution:crm-wf-\*:\*)"/);
      }
    }
    const publishing = [
      'states:CreateStateMachine',
      'states:UpdateStateMachine',
      'states:DescribeStateMachine',
    ];
    for (const name of FUNCTION_NAMES) {
      const actions = statementsOf(name).flatMap(actionsOf);
      if (name === 'api')
        expect(actions).toEqual(expect.arrayContaining([...publishing, 'states:TagResource']));
      else for (const action of publishing) expect(actions).not.toContain(action);
      const executions = actions.filter((a) => a.startsWith('states:') && !publishing.includes(a)).sort();
      if (name === 'changePublisher') expect(executions).toEqual([]);
      else if (name === 'resumer') expect(executions).toEqual(['states:StartExecution']);
      else {
        expect(executions.filter((a) => a !== 'states:TagResource')).toEqual([
          'states:SendTaskSuccess',
          'states:StartExecution',
          'states:StopExecution',
        ]);
      }
    }
  });

  it('passes the states role, and only it, only to Step Functions, only from the API function', () => {
    const passes = withAction(allStatements(defaults.template), 'iam:PassRole');
    expect(passes).toEqual([
      expect.objectContaining({
        Resource: { 'Fn::GetAtt': [logicalIdOf(defaults.workflows.statesRole), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } },
      }),
    ]);
    expect(withAction(statementsOf('api'), 'iam:PassRole')).toHaveLength(1);
  });

  it('reads only secrets under crm-workflows/, from the executor', () => {
    const reads = withAction(allStatements(defaults.template), 'secretsmanager:GetSecretValue');
    expect(reads).toHaveLength(1);
    expect(withAction(statementsOf('executor'), 'secretsmanager:GetSecretValue')).toHaveLength(1);
    expect(text(reads[0]!.Resource)).toMatch(/:secret:crm-workflows\/\*"/);
  });

  it('lets the ingest function send rejected events to its dead-letter queue', () => {
    const sends = withAction(statementsOf('ingest'), 'sqs:SendMessage').flatMap(resourcesOf);
    expect(sends).toContainEqual({
      'Fn::GetAtt': [logicalIdOf(defaults.workflows.deadLetterQueues.ingest), 'Arn'],
    });
  });

  it('sends no email and publishes no notification when neither is configured', () => {
    const actions = allStatements(defaults.template).flatMap(actionsOf);
    expect(actions).not.toContain('ses:SendEmail');
    expect(actions).not.toContain('sns:Publish');
  });

  it('lets the executor alone send from the SES identity and publish on the notification topic', () => {
    const stack = new Stack(templateApp(), 'Mailing', {
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const topic = new Topic(stack, 'Notifications', { enforceSSL: true });
    const workflows = new CrmWorkflows(stack, 'Workflows', {
      email: { from: 'Sales <sales@mail.example.com>', configurationSet: 'crm' },
      notificationTopic: topic,
    });
    const template = Template.fromStack(stack);
    const sends = withAction(allStatements(template), 'ses:SendEmail');
    expect(sends.map((statement) => resourcesOf(statement).map(text))).toEqual([
      [
        expect.stringContaining(':identity/sales@mail.example.com'),
        expect.stringContaining(':identity/mail.example.com'),
        expect.stringContaining(':configuration-set/crm'),
      ],
    ]);
    expect(
      withAction(statementsOfRole(template, roleId(workflows, 'executor')), 'ses:SendEmail'),
    ).toHaveLength(1);
    const publishes = withAction(allStatements(template), 'sns:Publish');
    expect(publishes.map(resourcesOf)).toEqual([[{ Ref: logicalIdOf(topic) }]]);
    expect(withAction(statementsOfRole(template, roleId(workflows, 'executor')), 'sns:Publish')).toHaveLength(
      1,
    );
    expect(environmentOf(template, workflows, 'executor')).toMatchObject({
      EMAIL_FROM: 'Sales <sales@mail.example.com>',
      SES_CONFIGURATION_SET: 'crm',
      NOTIFICATION_TOPIC_ARN: { Ref: logicalIdOf(topic) },
    });
  });
});

describe("the state machines' role and log group", () => {
  it('is assumed by Step Functions for the crm-wf-* state machines of this account only', () => {
    const role = defaults.template.toJSON().Resources[logicalIdOf(defaults.workflows.statesRole)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'states.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': expect.anything() },
        },
      },
    ]);
    expect(text(role.Properties.AssumeRolePolicyDocument)).toContain(':stateMachine:crm-wf-*');
  });

  it('invokes the executor only, and may deliver logs and traces', () => {
    const { template, workflows } = defaults;
    const statements = statementsOfRole(template, logicalIdOf(workflows.statesRole));
    const invoke = statements.filter((statement) => actionsOf(statement).includes('lambda:InvokeFunction'));
    const executorName = functionResource(template, workflows, 'executor').Properties.FunctionName;
    expect(invoke.map(resourcesOf).map((resources) => resources.map(text))).toEqual([
      [expect.stringContaining(`:function:${executorName}"`)],
    ]);
    expect(statements.flatMap(actionsOf)).toEqual(
      expect.arrayContaining(['logs:CreateLogDelivery', 'xray:PutTraceSegments']),
    );
  });

  it('logs to a vended-logs group whose ARN every system function is given', () => {
    const { template, workflows } = defaults;
    const group = template.toJSON().Resources[logicalIdOf(workflows.statesLogGroup)];
    expect(group.Properties.LogGroupName).toMatch(/^\/aws\/vendedlogs\/states\//);
    expect(group.Properties.RetentionInDays).toBe(30);
    expect(environmentOf(template, workflows, 'executor').STATES_LOG_GROUP_ARN).toEqual({
      'Fn::GetAtt': [logicalIdOf(workflows.statesLogGroup), 'Arn'],
    });
  });
});

describe('the HTTP API', () => {
  const methods = (template: Template) =>
    Object.values(template.findResources('AWS::ApiGateway::Method')).map((method) => method.Properties);

  it('requires IAM on every method but the public routes of the route table', () => {
    const all = methods(defaults.template);
    const open = all.filter((method) => method.AuthorizationType === 'NONE');
    expect(open.map((method) => method.HttpMethod)).toEqual(publicRoutes().map((route) => route.method));
    expect(
      publicRoutes()
        .map((route) => route.path)
        .sort(),
    ).toEqual(['/health', '/openapi.json']);
    for (const method of all.filter((candidate) => candidate.AuthorizationType !== 'NONE')) {
      expect(method.AuthorizationType).toBe('AWS_IAM');
    }
    defaults.template.hasResourceProperties('AWS::ApiGateway::Resource', { PathPart: '{proxy+}' });
    defaults.template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'ANY',
      AuthorizationType: 'AWS_IAM',
      ResourceId: { Ref: Match.stringLikeRegexp('proxy') },
    });
  });

  it('uses a Cognito user pool when asked', () => {
    const stack = new Stack(templateApp(), 'Cognito');
    const pool = new UserPool(stack, 'Users');
    new CrmWorkflows(stack, 'Workflows', {
      apiAuth: { kind: 'cognito', userPool: pool, scopes: ['crm/admin'] },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      ProviderARNs: [{ 'Fn::GetAtt': [logicalIdOf(pool), 'Arn'] }],
    });
    const guarded = methods(template).filter((method) => method.AuthorizationType !== 'NONE');
    expect(guarded.length).toBe(4);
    for (const method of guarded) {
      expect(method).toMatchObject({
        AuthorizationType: 'COGNITO_USER_POOLS',
        AuthorizationScopes: ['crm/admin'],
      });
    }
  });

  it('throttles the stage, logs every request as JSON and traces with X-Ray', () => {
    const { template, workflows } = defaults;
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!.Properties;
    expect(stage.TracingEnabled).toBe(true);
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: 50,
        ThrottlingBurstLimit: 100,
      }),
    ]);
    expect(stage.AccessLogSetting.DestinationArn).toEqual({
      'Fn::GetAtt': [logicalIdOf(workflows.api.accessLogs), 'Arn'],
    });
    expect(Object.keys(JSON.parse(stage.AccessLogSetting.Format))).toEqual(
      expect.arrayContaining(['requestId', 'status', 'caller', 'user']),
    );
  });

  it('validates requests, and answers its own refusals in the contract error shape', () => {
    const { template } = defaults;
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    for (const method of methods(template)) expect(method.RequestValidatorId).toBeDefined();
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'MISSING_AUTHENTICATION_TOKEN',
      StatusCode: '401',
      ResponseTemplates: {
        'application/json': '{"error":{"code":"UNAUTHORIZED","message":$context.error.messageString}}',
      },
    });
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'REQUEST_TOO_LARGE',
      StatusCode: '413',
    });
  });
});

describe('operations', () => {
  const alarms = () => Object.values(defaults.template.findResources('AWS::CloudWatch::Alarm'));

  it('alarms on errors and throttles of every function, and on the publisher falling behind the stream', () => {
    const { workflows } = defaults;
    for (const name of FUNCTION_NAMES) {
      const fn = { Ref: fnId(workflows, name) };
      const about = (metric: string) =>
        alarms().filter(
          (alarm) =>
            text(alarm.Properties).includes(`"MetricName":"${metric}"`) &&
            text(alarm.Properties).includes(text(fn)),
        );
      expect([name, about('Errors').length, about('Throttles').length]).toEqual([name, 1, 1]);
    }
    defaults.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId(workflows, 'changePublisher') } }],
      Threshold: 300_000,
    });
  });

  it("alarms on an execution failing other than by an action stopping it, counted from the state machines' log group", () => {
    const { template, workflows } = defaults;
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter'));
    expect(filters).toHaveLength(1);
    expect(filters[0]!.Properties).toEqual({
      LogGroupName: { Ref: logicalIdOf(workflows.statesLogGroup) },
      FilterPattern:
        '{ (($.type = "ExecutionFailed") && ($.details.error != "Workflow.Stopped")) || ($.type = "ExecutionTimedOut") }',
      MetricTransformations: [
        { MetricNamespace: 'CrmWorkflows', MetricName: 'ExecutionsFailedUnexpectedly', MetricValue: '1' },
      ],
    });
    const alarm = alarms().filter(
      (candidate) => candidate.Properties.MetricName === 'ExecutionsFailedUnexpectedly',
    );
    expect(alarm).toHaveLength(1);
    expect(alarm[0]!.Properties).toMatchObject({
      Namespace: 'CrmWorkflows',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalIdOf(workflows.alarmTopic as Topic) }],
    });
    expect(alarm[0]!.Properties.Dimensions).toBeUndefined();
  });

  it('alarms when more than a quarter of the actions fail for 15 minutes, from the metrics the functions emit', () => {
    const failing = alarms().filter((alarm) =>
      text(alarm.Properties.AlarmDescription).includes('actions failed'),
    );
    expect(failing).toHaveLength(1);
    const { Properties } = failing[0]!;
    expect(Properties).toMatchObject({
      Threshold: ACTIONS_FAILING.percent,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      TreatMissingData: 'notBreaching',
    });
    const metrics = Properties.Metrics as {
      Id: string;
      Expression?: string;
      MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown } };
    }[];
    expect(metrics.find((metric) => metric.Expression)?.Expression).toBe(
      // Missing datapoints (a period with failures only has no ActionsCompleted) count as 0.
      'IF(FILL(completed, 0) + FILL(failed, 0) >= 20, 100 * FILL(failed, 0) / (FILL(completed, 0) + FILL(failed, 0)), 0)',
    );
    const read = Object.fromEntries(
      metrics.filter((metric) => metric.MetricStat).map((metric) => [metric.Id, metric.MetricStat!.Metric]),
    );
    expect(read).toEqual({
      completed: {
        Namespace: METRICS_NAMESPACE,
        MetricName: METRIC_NAMES.actionsCompleted,
        Dimensions: [{ Name: 'service', Value: 'crm-workflows' }],
      },
      failed: {
        Namespace: METRICS_NAMESPACE,
        MetricName: METRIC_NAMES.actionsFailed,
        Dimensions: [{ Name: 'service', Value: 'crm-workflows' }],
      },
    });
  });

  it('sends every alarm to a topic of its own, encrypted with a rotating key', () => {
    const topic = { Ref: logicalIdOf(defaults.workflows.alarmTopic as Topic) };
    for (const alarm of alarms()) expect(alarm.Properties.AlarmActions).toEqual([topic]);
    defaults.template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
    });
    defaults.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('draws a dashboard of enrollments, actions, webhooks, executions, dead letters, functions and the API', () => {
    const dashboards = Object.values(defaults.template.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = text(dashboards[0]!.Properties.DashboardBody);
    for (const title of [
      'Enrollments',
      'Actions completed and failed',
      'Webhook failures',
      'Execution failures',
      'Dead-letter queue depth',
      'Function errors',
      'Function throttles',
      'Change publisher iterator age (ms)',
    ]) {
      expect(body).toContain(title);
    }
    for (const metric of Object.values(CRM_WORKFLOWS_METRICS.names)) expect(body).toContain(metric);
    expect(body).toContain('ExecutionsFailed');
    expect(body).toContain('ApproximateNumberOfMessagesVisible');
  });

  it('outputs the API URL, the bus name and ARN, and the table name, under plain names', () => {
    const { template, workflows } = defaults;
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(['ApiUrl', 'EventBusArn', 'EventBusName', 'TableName']);
    expect(outputs.EventBusName?.Value).toEqual({ Ref: logicalIdOf(workflows.bus as EventBus) });
    expect(outputs.EventBusArn?.Value).toEqual({
      'Fn::GetAtt': [logicalIdOf(workflows.bus as EventBus), 'Arn'],
    });
    expect(outputs.TableName?.Value).toEqual({ Ref: logicalIdOf(workflows.table) });
    expect(text(outputs.ApiUrl?.Value)).toContain('.execute-api.');
    expect(text(outputs.ApiUrl?.Value)).toContain(logicalIdOf(workflows.api.api));
  });
});

describe('every option a team sets', () => {
  const WEB_ACL = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/crm/0f1e2d3c';
  let workflows: CrmWorkflows;
  let template: Template;
  beforeAll(() => {
    const stack = new Stack(templateApp(), 'Options');
    workflows = new CrmWorkflows(stack, 'Workflows', {
      removalPolicy: RemovalPolicy.DESTROY,
      logRetention: RetentionDays.ONE_WEEK,
      logLevel: 'DEBUG',
      parkAfter: Duration.hours(6),
      apiThrottling: { rateLimit: 200, burstLimit: 400 },
      apiStageName: 'prod',
      webAclArn: WEB_ACL,
      archiveRetention: Duration.days(30),
      schemaRegistryName: 'sales-events',
      secretNamePrefix: 'sales/webhooks/',
    });
    template = Template.fromStack(stack);
  });

  it('parks the waits longer than parkAfter, in every function that runs executions', () => {
    for (const name of FUNCTION_NAMES.filter((name) => name !== 'changePublisher')) {
      expect(environmentOf(template, workflows, name).PARK_AFTER_SECONDS).toBe('21600');
    }
  });

  it('keeps every log group for logRetention, and logs at logLevel', () => {
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    // The seven functions', the API's access logs and the state machines'.
    expect(logGroups).toHaveLength(9);
    for (const logGroup of logGroups) expect(logGroup.Properties.RetentionInDays).toBe(7);
    for (const name of FUNCTION_NAMES) {
      const fn = functionResource(template, workflows, name).Properties;
      expect(fn.LoggingConfig.ApplicationLogLevel).toBe('DEBUG');
      expect(fn.Environment.Variables.POWERTOOLS_LOG_LEVEL).toBe('DEBUG');
    }
  });

  it('deletes the logs, the queues, the archive, the registry, its schemas and every key with the stack under DESTROY', () => {
    for (const type of [
      'AWS::DynamoDB::Table',
      'AWS::Logs::LogGroup',
      'AWS::SQS::Queue',
      'AWS::Events::Archive',
      'AWS::EventSchemas::Registry',
      'AWS::EventSchemas::Schema',
      'AWS::KMS::Key',
    ]) {
      const resources = Object.values(template.findResources(type));
      expect(resources.length, type).toBeGreaterThan(0);
      for (const resource of resources) expect(resource.DeletionPolicy, type).toBe('Delete');
    }
    const retained = Object.entries(
      template.toJSON().Resources as Record<string, { DeletionPolicy?: string }>,
    )
      .filter(
        ([, resource]) => resource.DeletionPolicy === 'Retain' || resource.DeletionPolicy === 'Snapshot',
      )
      .map(([id]) => id);
    expect(retained).toEqual([]);
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  it('names and throttles the API stage, and puts the web ACL in front of it', () => {
    const [stageId, stage] = Object.entries(template.findResources('AWS::ApiGateway::Stage'))[0]!;
    expect(stage.Properties.StageName).toBe('prod');
    expect(stage.Properties.MethodSettings).toEqual([
      expect.objectContaining({ ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 }),
    ]);
    const associations = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'));
    expect(associations).toHaveLength(1);
    expect(associations[0]!.Properties.WebACLArn).toBe(WEB_ACL);
    expect(text(associations[0]!.Properties.ResourceArn)).toContain(stageId);
  });

  it('archives for archiveRetention and publishes the schemas in the registry named schemaRegistryName', () => {
    template.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 30 });
    const registries = Object.entries(template.findResources('AWS::EventSchemas::Registry'));
    expect(registries.map(([, registry]) => registry.Properties.RegistryName)).toEqual(['sales-events']);
    for (const schema of Object.values(template.findResources('AWS::EventSchemas::Schema'))) {
      expect(text(schema.Properties.RegistryName)).toContain(registries[0]![0]);
    }
  });

  it('lets the executor read only the secrets under secretNamePrefix', () => {
    const reads = allStatements(template).filter((statement) =>
      actionsOf(statement).includes('secretsmanager:GetSecretValue'),
    );
    expect(reads).toHaveLength(1);
    expect(statementsOfRole(template, roleId(workflows, 'executor'))).toContainEqual(reads[0]);
    expect(text(reads[0]!.Resource)).toMatch(/:secret:sales\/webhooks\/\*"/);
  });
});

describe('in a stack of your own, with an existing bus', () => {
  const BUS_ARN = 'arn:aws:events:eu-west-1:123456789012:event-bus/sales';
  let template: Template;
  let workflows: CrmWorkflows;
  let stack: Stack;
  beforeAll(() => {
    stack = new Stack(templateApp(), 'Sales', { env: { account: '123456789012', region: 'eu-west-1' } });
    const bus = EventBus.fromEventBusArn(stack, 'SharedBus', BUS_ARN);
    const alarms = new Topic(stack, 'OpsAlarms', { enforceSSL: true });
    workflows = new CrmWorkflows(stack, 'Crm', { eventBus: bus, alarmTopic: alarms });
    template = Template.fromStack(stack);
  });

  it('creates no bus, and archives, routes and publishes on the one it is given', () => {
    template.resourceCountIs('AWS::Events::EventBus', 0);
    template.hasResourceProperties('AWS::Events::Archive', { SourceArn: BUS_ARN });
    const busRules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (rule) => rule.Properties.EventBusName !== undefined,
    );
    expect(busRules.map((rule) => rule.Properties.EventBusName)).toEqual(EVENT_RULES.map(() => 'sales'));
    for (const name of FUNCTION_NAMES)
      expect(environmentOf(template, workflows, name).EVENT_BUS_NAME).toBe('sales');
    const puts = withActionIn(allStatements(template), 'events:PutEvents');
    for (const statement of puts) expect(resourcesOf(statement)).toEqual([BUS_ARN]);
    template.hasResourceProperties('AWS::EventSchemas::Registry', { RegistryName: 'sales-events' });
  });

  it('alarms to the topic it is given and creates none', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const topic = { Ref: stack.getLogicalId(stack.node.findChild('OpsAlarms').node.defaultChild as never) };
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
    }
  });

  it('outputs the given bus', () => {
    const values = (Object.values(template.toJSON().Outputs) as { Value: unknown }[]).map(
      (output) => output.Value,
    );
    expect(values).toEqual(expect.arrayContaining(['sales', BUS_ARN]));
  });
});

const withActionIn = (statements: Statement[], action: string) =>
  statements.filter((statement) => actionsOf(statement).includes(action));

/** A user pool of the team's, as the AWS Solutions rules want it (MFA, a strong password policy, threat protection). */
const strictUserPool = (stack: Stack) =>
  new UserPool(stack, 'Users', {
    mfa: Mfa.REQUIRED,
    mfaSecondFactor: { otp: true, sms: false },
    passwordPolicy: {
      minLength: 12,
      requireDigits: true,
      requireLowercase: true,
      requireUppercase: true,
      requireSymbols: true,
    },
    featurePlan: FeaturePlan.PLUS,
    standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
  });

/** A synth with the built-in CloudFormation validation and both packs takes seconds: more on a busy machine. */
const SYNTH_TIMEOUT_MS = 90_000;

describe('cdk-nag: AwsSolutions and Serverless on every synth', () => {
  const outdirs: (() => void)[] = [];
  afterAll(() => {
    for (const remove of outdirs) remove();
  });
  const nagApp = () => {
    const { outdir, remove } = temporaryOutdir();
    outdirs.push(remove);
    return new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  };

  it(
    'finds nothing unacknowledged in the standalone stack',
    () => {
      const app = nagApp();
      new CrmWorkflowsStack(app, 'CrmWorkflows');
      const result = synthWithNag(app);
      expect(result.error).toBeUndefined();
      expect(result.findings).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'finds nothing unacknowledged with Cognito, an existing bus, email, notifications and a CMK',
    () => {
      const app = nagApp();
      const stack = new Stack(app, 'Options');
      const key = new Key(stack, 'TableKey', { enableKeyRotation: true });
      new CrmWorkflows(stack, 'Workflows', {
        eventBus: EventBus.fromEventBusName(stack, 'Bus', 'shared'),
        apiAuth: { kind: 'cognito', userPool: strictUserPool(stack) },
        email: { from: 'crm@example.com' },
        notificationTopic: new Topic(stack, 'Notifications', { enforceSSL: true, masterKey: key }),
        tableEncryptionKey: key,
      });
      const result = synthWithNag(app);
      expect(result.error).toBeUndefined();
      expect(result.findings).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'would fail on a finding: both packs are live',
    () => {
      const app = nagApp();
      const stack = new Stack(app, 'Careless');
      new Queue(stack, 'Plain');
      const result = synthWithNag(app);
      expect(result.error).toBeDefined();
      expect(result.findings).toContainEqual(expect.objectContaining({ ruleName: 'AwsSolutions-SQS4' }));
      expect(result.findings).toContainEqual(
        expect.objectContaining({ ruleName: 'Serverless-SQSRedrivePolicy' }),
      );
    },
    SYNTH_TIMEOUT_MS,
  );

  it('acknowledges exactly these findings, each with its reason', () => {
    const acknowledged = acknowledgementsUnder(defaults.workflows);
    for (const { reason } of acknowledged) expect(reason.length).toBeGreaterThan(60);
    expect([...new Set(acknowledged.map(({ id }) => id))].sort()).toEqual([
      'AwsSolutions-APIG3',
      'AwsSolutions-APIG4',
      'AwsSolutions-APIG6',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:crm-workflows/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:crm-wf-*:*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:crm-wf-*]',
      'AwsSolutions-SQS3',
      'Serverless-LambdaDLQ',
      'Serverless-SQSRedrivePolicy',
    ]);
    // Public routes only: every other method stays under the AWS Solutions authorization rules.
    expect(
      acknowledged
        .filter(({ id }) => id === 'AwsSolutions-APIG4')
        .map(({ path }) => path.split('/').slice(-2)),
    ).toEqual([
      ['health', 'GET'],
      ['openapi.json', 'GET'],
    ]);
  });
});
