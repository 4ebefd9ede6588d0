import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ObjectType } from '../../core/records/object-types.ts';
import type { PropertyDefinition } from '../../core/records/property.schema.ts';
import type { PropertyRepository } from '../../core/records/property-repository.ts';
import { propertyPk, propertySk } from './keys.ts';
import { queryAll } from './paging.ts';
import { conditionally, type StoreOptions } from './store-options.ts';

/** Custom property definitions: `PROP#<type>` / `PROP#<name>`, one partition per object type. */
export class DynamoDBPropertyRepository implements PropertyRepository {
  readonly #options: StoreOptions;

  constructor(options: StoreOptions) {
    this.#options = options;
  }

  async list(objectType: ObjectType): Promise<PropertyDefinition[]> {
    const items = await queryAll<{ definition: PropertyDefinition }>(this.#options.client, {
      TableName: this.#options.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': propertyPk(objectType) },
      ConsistentRead: true,
    });
    return items.map((item) => item.definition);
  }

  create(objectType: ObjectType, definition: PropertyDefinition): Promise<boolean> {
    return conditionally(() =>
      this.#options.client.send(
        new PutCommand({
          TableName: this.#options.tableName,
          Item: { pk: propertyPk(objectType), sk: propertySk(definition.name), kind: 'property', definition },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}
