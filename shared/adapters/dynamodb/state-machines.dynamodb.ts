import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StateMachineDefinition } from '../../core/compiler/asl.types.ts';
import {
  type PublishedStateMachine,
  type StateMachineRegistry,
  stateMachineName,
} from '../../core/workflow/state-machines.ts';
import { toDocumentClient } from './index.ts';
import { conditionally } from './store-options.ts';
import { DEFAULT_TABLE_NAME, TABLE_KEYS } from './table.ts';

/** The local ARN of an embedded state machine (no AWS account: region `local`, account zeros). */
export const localStateMachineArn = (name: string) =>
  `arn:aws:states:local:000000000000:stateMachine:${name}`;

export const stateMachinePk = (workflowId: string) => `SM#${workflowId}`;
export const stateMachineSk = (revision: number) => `REV#${String(revision).padStart(10, '0')}`;

/** What the registry keeps of one revision (the later execution issue runs `definition` locally). */
export interface StoredStateMachine extends PublishedStateMachine {
  readonly workflowId: string;
  readonly revision: number;
  readonly definition: StateMachineDefinition;
  readonly createdAt: string;
}

export interface DynamoDBStateMachinesOptions {
  readonly tableName?: string;
  /** When a state machine is created (the registry's `createdAt`). */
  readonly clock: { readonly now: () => Date };
}

/**
 * The embedded runtime's state machines: each activated revision's compiled definition kept in the table
 * (`SM#<workflowId>` / `REV#<revision>`), under a local ARN. A real registry: the embedded execution runner reads
 * the definition it runs from here (`definitionOf`). The first publish of a revision wins; a revision's definition
 * never changes, so a second publish answers the first one's ARN.
 * @example createDynamoDBStateMachines(client, { tableName, clock })
 */
export const createDynamoDBStateMachines = (
  dynamo: DynamoDBClient | DynamoDBDocumentClient,
  options: DynamoDBStateMachinesOptions,
): StateMachineRegistry & {
  definitionOf(workflowId: string, revision: number): Promise<StoredStateMachine | undefined>;
} => {
  const client = toDocumentClient(dynamo);
  const tableName = options.tableName ?? DEFAULT_TABLE_NAME;

  const read = async (workflowId: string, revision: number): Promise<StoredStateMachine | undefined> => {
    const { Item } = await client.send(
      new GetCommand({
        TableName: tableName,
        Key: { [TABLE_KEYS.pk]: stateMachinePk(workflowId), [TABLE_KEYS.sk]: stateMachineSk(revision) },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return {
      workflowId: Item.workflowId,
      revision: Item.revision,
      name: Item.name,
      stateMachineArn: Item.stateMachineArn,
      definition: JSON.parse(Item.definition),
      createdAt: Item.createdAt,
    };
  };
  const published = (stored: StoredStateMachine): PublishedStateMachine => ({
    stateMachineArn: stored.stateMachineArn,
    name: stored.name,
  });

  return {
    arnOf: async (workflowId, revision) => localStateMachineArn(stateMachineName(workflowId, revision)),

    async publish({ workflowId, revision, definition }) {
      const name = stateMachineName(workflowId, revision);
      const stateMachineArn = localStateMachineArn(name);
      const created = await conditionally(() =>
        client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              [TABLE_KEYS.pk]: stateMachinePk(workflowId),
              [TABLE_KEYS.sk]: stateMachineSk(revision),
              entity: 'stateMachine',
              workflowId,
              revision,
              name,
              stateMachineArn,
              // As a string: the ASL document is kept byte for byte as Step Functions would take it.
              definition: JSON.stringify(definition),
              createdAt: options.clock.now().toISOString(),
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.pk },
          }),
        ),
      );
      if (created) return { stateMachineArn, name };
      const existing = await read(workflowId, revision);
      if (!existing) throw new Error(`state machine ${name} vanished while it was published`);
      return published(existing);
    },
    async stateMachineOf(workflowId, revision) {
      const stored = await read(workflowId, revision);
      return stored ? published(stored) : undefined;
    },
    definitionOf: read,
  };
};
