import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ChangeGuard } from '../../core/records/association-repository.ts';
import { guardAttribute } from './keys.ts';
import { conditionally, type StoreOptions } from './store-options.ts';

/** An effect item to set present or absent (a soft delete). */
export interface GuardedFlag {
  readonly key: { readonly pk: string; readonly sk: string };
  readonly present: boolean;
  /** Attributes written either way. */
  readonly attributes: Record<string, unknown>;
  /** Attributes written when present and removed when absent (sparse index keys). */
  readonly whilePresent?: Record<string, string>;
}

/**
 * Sets an effect item present or absent, only when the last change of `guard.ref` applied to it is older than
 * `guard.version`: a completion run twice, or late after the record moved on, changes nothing.
 */
export const setGuardedFlag = async (options: StoreOptions, flag: GuardedFlag, guard: ChangeGuard) => {
  const names: Record<string, string> = { '#guard': guardAttribute(guard.ref.objectType, guard.ref.id) };
  const values: Record<string, unknown> = { ':version': guard.version, ':present': flag.present };
  const sets = ['#guard = :version', 'present = :present'];
  const removes: string[] = [];
  const entries = Object.entries({ ...flag.attributes, ...(flag.present ? flag.whilePresent : {}) });
  for (const [index, [name, value]] of entries.entries()) {
    names[`#a${index}`] = name;
    values[`:a${index}`] = value;
    sets.push(`#a${index} = :a${index}`);
  }
  if (!flag.present) {
    for (const [index, name] of Object.keys(flag.whilePresent ?? {}).entries()) {
      names[`#r${index}`] = name;
      removes.push(`#r${index}`);
    }
  }
  await conditionally(() =>
    options.client.send(
      new UpdateCommand({
        TableName: options.tableName,
        Key: flag.key,
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: 'attribute_not_exists(#guard) OR #guard < :version',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
};
