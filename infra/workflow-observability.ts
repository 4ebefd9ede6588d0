import { Duration } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  type Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ERRORS } from '../shared/core/contract/task-contract.ts';
import { STATE_MACHINE_PREFIX } from './workflow-permissions.ts';

/**
 * The custom metrics the dashboard and the failed actions' alarm read, in CloudWatch's embedded metric format under
 * this namespace with the dimension `service` = `crm-workflows` (Powertools Metrics' default dimension). The
 * functions emit them (`functions/commons/observability.ts`): each enrollment started as its event goes on the bus,
 * the executor each action completed, each `Action Failed`, and each of those coded `Webhook.*` (a webhook answered
 * 5xx or 429, did not answer, or refused).
 */
export const CRM_WORKFLOWS_METRICS = {
  namespace: 'CrmWorkflows',
  dimensions: { service: 'crm-workflows' },
  names: {
    enrollmentsStarted: 'EnrollmentsStarted',
    actionsCompleted: 'ActionsCompleted',
    actionsFailed: 'ActionsFailed',
    webhookFailures: 'WebhookFailures',
  },
} as const;

/**
 * Executions that failed other than on purpose, counted from the state machines' log group (level ALL): an
 * `ExecutionFailed` whose error is not `Workflow.Stopped` (the Fail state an action whose `onError` is `stop` leads
 * to, a business outcome the failed actions' alarm weighs), or an `ExecutionTimedOut`. A metric of its own, with no
 * dimension: a metric filter sets none here. The error is in the log event because the state machines log with
 * execution data (`includeExecutionData`, set where they are created and checked by the system environment's test).
 */
export const UNEXPECTED_EXECUTION_FAILURES = {
  namespace: CRM_WORKFLOWS_METRICS.namespace,
  metricName: 'ExecutionsFailedUnexpectedly',
  filterPattern: FilterPattern.any(
    FilterPattern.all(
      FilterPattern.stringValue('$.type', '=', 'ExecutionFailed'),
      FilterPattern.stringValue('$.details.error', '!=', ERRORS.stopped),
    ),
    FilterPattern.stringValue('$.type', '=', 'ExecutionTimedOut'),
  ),
} as const;

/** How a function's errors and throttles are watched. */
export interface WatchedFunction {
  readonly name: string;
  readonly function: IFunction;
  /**
   * `count`: any error is an alarm. `rate`: the executor, whose Tasks throw on purpose (Workflow.Exit when a record
   * leaves, Action.Transient for a retry), alarms when more than a quarter of its invocations fail.
   */
  readonly errors: 'count' | 'rate';
  /** A singleton (reserved concurrency 1) is throttled when two wake-ups meet: only a lasting throttle alarms. */
  readonly singleton: boolean;
}

export interface WorkflowObservabilityProps {
  readonly alarmTopic: ITopic;
  readonly functions: readonly WatchedFunction[];
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  readonly changePublisher: IFunction;
  readonly api: RestApi;
  /** The log group every state machine of the deployment logs to (level ALL). */
  readonly statesLogGroup: ILogGroup;
}

const FIVE_MINUTES = Duration.minutes(5);

/** The failed actions' alarm: their share (percent) of the actions run, over at least this many in 5 minutes. */
export const ACTIONS_FAILING = { percent: 25, minimum: 20 } as const;

const custom = (name: string, label: string) =>
  new Metric({
    namespace: CRM_WORKFLOWS_METRICS.namespace,
    metricName: name,
    dimensionsMap: { ...CRM_WORKFLOWS_METRICS.dimensions },
    statistic: 'Sum',
    period: FIVE_MINUTES,
    label,
  });

/** The sum of a Step Functions metric over every state machine of the deployment (a search: dashboards only). */
const executions = (metricName: string, label: string) =>
  new MathExpression({
    expression: `SUM(SEARCH('{AWS/States,StateMachineArn} MetricName="${metricName}" ${STATE_MACHINE_PREFIX}', 'Sum', 300))`,
    usingMetrics: {},
    label,
    period: FIVE_MINUTES,
  });

/**
 * Alarms (to the alarm topic) and the operations dashboard: enrollments, actions, webhooks, executions, dead-letter
 * queues, functions, the change publisher's stream and the API.
 */
export class WorkflowObservability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: WorkflowObservabilityProps) {
    super(scope, id);
    const action = new SnsAction(props.alarmTopic);
    const watch = (created: Alarm): void => {
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      watch(
        queue
          .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
          .createAlarm(this, `${name}DeadLetters`, {
            alarmDescription: `crm-workflows: messages in the ${name} dead-letter queue`,
            threshold: 0,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      );
    }

    for (const watched of props.functions) {
      const errors = watched.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' });
      watch(
        watched.errors === 'count'
          ? errors.createAlarm(this, `${watched.name}Errors`, {
              alarmDescription: `crm-workflows: the ${watched.name} function failed`,
              threshold: 1,
              comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
              evaluationPeriods: 1,
              treatMissingData: TreatMissingData.NOT_BREACHING,
            })
          : new MathExpression({
              expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
              usingMetrics: {
                errors,
                invocations: watched.function.metricInvocations({ period: FIVE_MINUTES, statistic: 'Sum' }),
              },
              period: FIVE_MINUTES,
              label: `${watched.name} error rate (%)`,
            }).createAlarm(this, `${watched.name}Errors`, {
              alarmDescription: `crm-workflows: more than 25 % of the ${watched.name} function's invocations failed for 15 minutes`,
              threshold: 25,
              comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
              evaluationPeriods: 3,
              treatMissingData: TreatMissingData.NOT_BREACHING,
            }),
      );
      watch(
        watched.function
          .metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' })
          .createAlarm(this, `${watched.name}Throttles`, {
            alarmDescription: watched.singleton
              ? `crm-workflows: the ${watched.name} function (one at a time) has been throttled for 15 minutes`
              : `crm-workflows: the ${watched.name} function was throttled`,
            threshold: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: watched.singleton ? 3 : 1,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      );
    }

    const iteratorAge = props.changePublisher.metric('IteratorAge', {
      period: Duration.minutes(1),
      statistic: 'Maximum',
    });
    watch(
      iteratorAge.createAlarm(this, 'ChangePublisherIteratorAge', {
        alarmDescription:
          'crm-workflows: the change publisher is more than 5 minutes behind the table stream',
        threshold: Duration.minutes(5).toMilliseconds(),
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    watch(
      props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }).createAlarm(this, 'Api5xx', {
        alarmDescription: 'crm-workflows: the API answered 5xx',
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    // Failed actions are business outcomes (a webhook refused, a record an action cannot take), so a share of them
    // alarms, not one: more than a quarter of at least 20 actions in each of three 5-minute periods.
    watch(
      new MathExpression({
        // A period with failures only has no ActionsCompleted datapoint: FILL counts it as 0, not as missing.
        expression: `IF(FILL(completed, 0) + FILL(failed, 0) >= ${ACTIONS_FAILING.minimum}, 100 * FILL(failed, 0) / (FILL(completed, 0) + FILL(failed, 0)), 0)`,
        usingMetrics: {
          completed: custom(CRM_WORKFLOWS_METRICS.names.actionsCompleted, 'actions completed'),
          failed: custom(CRM_WORKFLOWS_METRICS.names.actionsFailed, 'actions failed'),
        },
        period: FIVE_MINUTES,
        label: 'actions failed (%)',
      }).createAlarm(this, 'ActionsFailing', {
        alarmDescription: `crm-workflows: more than ${ACTIONS_FAILING.percent} % of the actions failed for 15 minutes`,
        threshold: ACTIONS_FAILING.percent,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    // Step Functions' own execution metrics are per state machine, and the state machines are created at run time:
    // an alarm cannot take the search that sums them, so the one log group they share is counted instead.
    const unexpectedFailures = new MetricFilter(this, 'UnexpectedExecutionFailures', {
      logGroup: props.statesLogGroup,
      metricNamespace: UNEXPECTED_EXECUTION_FAILURES.namespace,
      metricName: UNEXPECTED_EXECUTION_FAILURES.metricName,
      filterPattern: UNEXPECTED_EXECUTION_FAILURES.filterPattern,
      metricValue: '1',
    }).metric({ period: FIVE_MINUTES, statistic: 'Sum' });
    watch(
      unexpectedFailures.createAlarm(this, 'ExecutionsFailedUnexpectedly', {
        alarmDescription:
          "crm-workflows: an execution failed other than by an action stopping it (a defect, a timeout): see the state machines' log group",
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    const executor = props.functions.find((watched) => watched.errors === 'rate')?.function;
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      new TextWidget({
        width: 24,
        height: 2,
        markdown: [
          '# crm-workflows',
          `Custom metrics: namespace \`${CRM_WORKFLOWS_METRICS.namespace}\`, dimension \`service=crm-workflows\`. ` +
            `Executions: every state machine named \`${STATE_MACHINE_PREFIX}*\`.`,
        ].join('\n\n'),
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Enrollments',
        width: 8,
        left: [
          custom(CRM_WORKFLOWS_METRICS.names.enrollmentsStarted, 'enrollments started'),
          executions('ExecutionsStarted', 'executions started'),
        ],
      }),
      new GraphWidget({
        title: 'Actions completed and failed',
        width: 8,
        left: [
          custom(CRM_WORKFLOWS_METRICS.names.actionsCompleted, 'actions completed'),
          custom(CRM_WORKFLOWS_METRICS.names.actionsFailed, 'actions failed'),
          ...(executor
            ? [
                executor.metricInvocations({ period: FIVE_MINUTES, label: 'executor tasks' }),
                executor.metricErrors({ period: FIVE_MINUTES, label: 'executor tasks thrown' }),
              ]
            : []),
        ],
      }),
      new GraphWidget({
        title: 'Webhook failures',
        width: 8,
        left: [custom(CRM_WORKFLOWS_METRICS.names.webhookFailures, 'webhooks failed (5xx, 429, refused)')],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Execution failures',
        width: 8,
        left: [
          executions('ExecutionsFailed', 'failed'),
          unexpectedFailures.with({ label: 'failed unexpectedly (from the logs)' }),
          executions('ExecutionsTimedOut', 'timed out'),
          executions('ExecutionsAborted', 'aborted (stopped)'),
          executions('ExecutionThrottled', 'throttled'),
        ],
      }),
      new GraphWidget({
        title: 'Dead-letter queue depth',
        width: 8,
        left: Object.entries(props.deadLetterQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: 'Maximum',
            label: name,
          }),
        ),
      }),
      new GraphWidget({
        title: 'Change publisher iterator age (ms)',
        width: 8,
        left: [iteratorAge.with({ label: 'change publisher iterator age (ms)' })],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        width: 8,
        left: props.functions.map((watched) =>
          watched.function.metricErrors({ period: FIVE_MINUTES, label: watched.name }),
        ),
      }),
      new GraphWidget({
        title: 'Function throttles',
        width: 8,
        left: props.functions.map((watched) =>
          watched.function.metricThrottles({ period: FIVE_MINUTES, label: watched.name }),
        ),
      }),
      new GraphWidget({
        title: 'API',
        width: 8,
        left: [
          props.api.metricCount({ period: FIVE_MINUTES, label: 'requests' }),
          props.api.metricClientError({ period: FIVE_MINUTES, label: '4xx' }),
          props.api.metricServerError({ period: FIVE_MINUTES, label: '5xx' }),
        ],
        right: [props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99', label: 'latency p99' })],
      }),
    );
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', width: 24, alarms: this.alarms }));
  }
}
