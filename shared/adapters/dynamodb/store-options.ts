import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every store of this family takes: the document client and the table's name. */
export interface StoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** True when a write was refused by its condition (the expected outcome of a lost race, not a fault). */
export const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Runs a conditional write: true when written, false when its condition refused it. */
export const conditionally = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** The attributes `fields` names that `item` holds: an entity read back without its keys and bookkeeping. */
export const pickDefined = <T>(item: Record<string, unknown>, fields: readonly string[]): T =>
  Object.fromEntries(
    fields.filter((field) => item[field] !== undefined).map((field) => [field, item[field]]),
  ) as T;
