import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { TABLE_KEYS } from '../shared/adapters/dynamodb/table.ts';
import {
  acknowledgeExecutions,
  acknowledgeSecrets,
  acknowledgeStateMachines,
} from './nag-acknowledgements.ts';

/** Every state machine of the deployment is named `crm-wf-<workflowId>-r<revision>` (stateMachineName). */
export const STATE_MACHINE_PREFIX = 'crm-wf-';

/**
 * The item commands the stores send (`GetCommand`, `QueryCommand`, `PutCommand`, `UpdateCommand`, `DeleteCommand`,
 * `BatchWriteCommand`): no Scan, no transaction, no table administration. The functions that compose the whole
 * system (API, enrollment, ingest, executor, activation) reach every store, so every one of these.
 */
export const TABLE_DATA_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
] as const;

export type TableDataAction = (typeof TABLE_DATA_ACTIONS)[number];

/** What a function composed of some stores only sends to the table, and which of its indexes it queries. */
export interface TableAccess {
  readonly actions: readonly TableDataAction[];
  readonly indexNames: readonly string[];
}

/**
 * The change publisher reads the change log's unpublished index (gsi2) and marks each change published: it writes no
 * record, deletes nothing.
 */
export const CHANGE_PUBLISHER_TABLE_ACCESS: TableAccess = {
  actions: ['dynamodb:Query', 'dynamodb:UpdateItem'],
  indexNames: [TABLE_KEYS.gsi2.name],
};

/**
 * The resumer queries the parked executions' due index (gsi1), reads each one's enrollment, and forgets the timers
 * it started: it writes nothing else.
 */
export const RESUMER_TABLE_ACCESS: TableAccess = {
  actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:DeleteItem'],
  indexNames: [TABLE_KEYS.gsi1.name],
};

/**
 * What the functions that enroll, unenroll and run actions do with executions (`createSfnExecutions`): start them,
 * answer their task tokens, stop them. The resumer only starts them.
 */
export const EXECUTION_ACTIONS = {
  onStateMachines: ['states:StartExecution', 'states:SendTaskSuccess'],
  onExecutions: ['states:StopExecution'],
} as const;

/** What activation (the API) does with the revisions' state machines. */
export const PUBLISHING_ACTIONS = [
  'states:CreateStateMachine',
  'states:UpdateStateMachine',
  'states:DescribeStateMachine',
  'states:TagResource',
] as const;

/** The ARNs of the deployment's state machines and of their executions. */
export const stateMachineArns = (scope: Construct) => {
  const stack = Stack.of(scope);
  return {
    stateMachines: stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: `${STATE_MACHINE_PREFIX}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
    executions: stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${STATE_MACHINE_PREFIX}*:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    }),
  };
};

/**
 * Reads and writes the table's items and its indexes' (the key's CMK too, when there is one): every data action on
 * the table and every index unless `access` narrows them.
 */
export const grantTableData = (
  table: ITable,
  indexNames: readonly string[],
  grantee: IRole,
  access: TableAccess = { actions: TABLE_DATA_ACTIONS, indexNames },
): void => {
  const unknown = access.indexNames.filter((name) => !indexNames.includes(name));
  if (unknown.length > 0) throw new Error(`the table has no index ${unknown.join(', ')}`);
  grantee.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [...access.actions],
      resources: [table.tableArn, ...access.indexNames.map((name) => `${table.tableArn}/index/${name}`)],
    }),
  );
  if (table.encryptionKey) {
    // The actions DynamoDB needs of the caller with a customer managed key, named: no `kms:ReEncrypt*`.
    grantee.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [table.encryptionKey.keyArn],
      }),
    );
  }
};

/** Starts executions of the deployment's state machines, and nothing else (the resumer). */
export const grantStartExecutions = (scope: Construct, grantee: IRole): void => {
  grantee.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['states:StartExecution'],
      resources: [stateMachineArns(scope).stateMachines],
    }),
  );
  acknowledgeStateMachines(grantee, STATE_MACHINE_PREFIX);
};

/** Starts and stops executions of the deployment's state machines, and answers their task tokens. */
export const grantExecutions = (scope: Construct, grantee: IRole): void => {
  const arns = stateMachineArns(scope);
  grantee.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...EXECUTION_ACTIONS.onStateMachines], resources: [arns.stateMachines] }),
  );
  grantee.addToPrincipalPolicy(
    new PolicyStatement({ actions: [...EXECUTION_ACTIONS.onExecutions], resources: [arns.executions] }),
  );
  acknowledgeStateMachines(grantee, STATE_MACHINE_PREFIX);
  acknowledgeExecutions(grantee, STATE_MACHINE_PREFIX);
};

/** Creates and updates the revisions' state machines, passing them the states role and nothing else. */
export const grantPublishing = (scope: Construct, grantee: IRole, statesRole: IRole): void => {
  grantee.addToPrincipalPolicy(
    new PolicyStatement({
      actions: [...PUBLISHING_ACTIONS],
      resources: [stateMachineArns(scope).stateMachines],
    }),
  );
  grantee.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['iam:PassRole'],
      resources: [statesRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'states.amazonaws.com' } },
    }),
  );
  acknowledgeStateMachines(grantee, STATE_MACHINE_PREFIX);
};

/** The address of a sender (`Sales <sales@example.com>` → `sales@example.com`). */
export const senderAddress = (from: string): string => /<([^>]+)>/.exec(from)?.[1]?.trim() ?? from.trim();

/** Sends email through SES v2 from the sender's identity (its address or its domain) and configuration set. */
export const grantSendEmail = (
  scope: Construct,
  grantee: IRole,
  email: { readonly from: string; readonly configurationSet?: string },
): void => {
  const stack = Stack.of(scope);
  const address = senderAddress(email.from);
  const domain = address.slice(address.lastIndexOf('@') + 1);
  const identity = (name: string) =>
    stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
  const resources = [...new Set([identity(address), identity(domain)])];
  if (email.configurationSet) {
    resources.push(
      stack.formatArn({
        service: 'ses',
        resource: 'configuration-set',
        resourceName: email.configurationSet,
      }),
    );
  }
  grantee.addToPrincipalPolicy(new PolicyStatement({ actions: ['ses:SendEmail'], resources }));
};

/**
 * Publishes on the notification topic (and, when the topic's key is known, uses it as SNS requires of a
 * publisher: kms:GenerateDataKey and kms:Decrypt, named rather than `kms:GenerateDataKey*`).
 */
export const grantPublishNotifications = (grantee: IRole, topic: ITopic): void => {
  grantee.addToPrincipalPolicy(
    new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }),
  );
  if (topic.masterKey) {
    grantee.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [topic.masterKey.keyArn],
      }),
    );
  }
};

/** Reads the webhook secrets named under the prefix (`crm-workflows/…`), and no other secret. */
export const grantReadSecrets = (scope: Construct, grantee: IRole, prefix: string): void => {
  grantee.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [
        Stack.of(scope).formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: `${prefix}*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    }),
  );
  acknowledgeSecrets(grantee, prefix);
};
