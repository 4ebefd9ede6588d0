import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { UniqueClaim, UniqueClaims, UniqueKey } from '../../core/records/unique-claims.ts';
import { CLAIM_SK, claimPk } from './keys.ts';
import { conditionally, type StoreOptions } from './store-options.ts';

/** Claims of unique values: `UNIQ#<type>#<property>#<lower-cased value>` → the record holding it. */
export class DynamoDBUniqueClaims implements UniqueClaims {
  readonly #options: StoreOptions;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  async get(key: UniqueKey): Promise<UniqueClaim | undefined> {
    const { Item } = await this.#options.client.send(
      new GetCommand({
        TableName: this.#options.tableName,
        Key: { pk: claimPk(key), sk: CLAIM_SK },
        ConsistentRead: true,
      }),
    );
    return Item
      ? {
          recordId: Item.recordId as string,
          claimedAt: Item.claimedAt as string,
          version: Item.version as number,
        }
      : undefined;
  }

  /** Free, or already this record's: of concurrent claimants of a free value exactly one passes the condition. */
  claim(key: UniqueKey, claim: UniqueClaim): Promise<boolean> {
    return this.#put(key, claim, {
      ConditionExpression: 'attribute_not_exists(pk) OR recordId = :recordId',
      ExpressionAttributeValues: { ':recordId': claim.recordId },
    });
  }

  takeOver(key: UniqueKey, stale: UniqueClaim, claim: UniqueClaim): Promise<boolean> {
    return this.#put(key, claim, {
      ConditionExpression: 'recordId = :staleRecord AND claimedAt = :staleAt',
      ExpressionAttributeValues: { ':staleRecord': stale.recordId, ':staleAt': stale.claimedAt },
    });
  }

  async release(key: UniqueKey, recordId: string, version: number): Promise<void> {
    await conditionally(() =>
      this.#options.client.send(
        new DeleteCommand({
          TableName: this.#options.tableName,
          Key: { pk: claimPk(key), sk: CLAIM_SK },
          ConditionExpression: 'recordId = :recordId AND version < :version',
          ExpressionAttributeValues: { ':recordId': recordId, ':version': version },
        }),
      ),
    );
  }

  #put(
    key: UniqueKey,
    claim: UniqueClaim,
    condition: { ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> },
  ): Promise<boolean> {
    return conditionally(() =>
      this.#options.client.send(
        new PutCommand({
          TableName: this.#options.tableName,
          Item: { pk: claimPk(key), sk: CLAIM_SK, kind: 'claim', ...key, ...claim },
          ...condition,
        }),
      ),
    );
  }
}
