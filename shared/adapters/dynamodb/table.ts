import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';

/**
 * The single table of crm-workflows (docs/storage.md): every item is addressed by `pk` + `sk`,
 * and two overloaded global secondary indexes serve the other access patterns. Key prefixes
 * name the entity (`REC#…`, `WF#…`); attribute names are short and fixed here only.
 */
export const TABLE_KEYS = {
  pk: 'pk',
  sk: 'sk',
  gsi1: { name: 'gsi1', pk: 'gsi1pk', sk: 'gsi1sk' },
  gsi2: { name: 'gsi2', pk: 'gsi2pk', sk: 'gsi2sk' },
} as const;

/** The default table name (dynalite refuses names under 3 characters). */
export const DEFAULT_TABLE_NAME = 'crm-workflows';

/** The table's definition: the CDK construct and the embedded runtime create the same table. */
export const tableDefinition = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: TABLE_KEYS.pk, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.sk, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.gsi1.pk, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.gsi1.sk, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.gsi2.pk, AttributeType: 'S' },
    { AttributeName: TABLE_KEYS.gsi2.sk, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: TABLE_KEYS.pk, KeyType: 'HASH' },
    { AttributeName: TABLE_KEYS.sk, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [TABLE_KEYS.gsi1, TABLE_KEYS.gsi2].map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.pk, KeyType: 'HASH' },
      { AttributeName: index.sk, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  })),
});

const tableStatus = async (client: DynamoDBClient, tableName: string): Promise<string | undefined> => {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
};

/**
 * Creates the table when it does not exist yet (first start of the embedded runtime, tests) and
 * returns once it is ACTIVE: a table still CREATING answers writes with ResourceNotFoundException.
 */
export const ensureTable = async (client: DynamoDBClient, tableName = DEFAULT_TABLE_NAME): Promise<void> => {
  if ((await tableStatus(client, tableName)) === undefined) {
    try {
      await client.send(new CreateTableCommand(tableDefinition(tableName)));
    } catch (error) {
      // Another process created it in between.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  const pollMs = 20;
  for (let waited = 0; waited < 60_000; waited += pollMs) {
    if ((await tableStatus(client, tableName)) === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  throw new Error(`table ${tableName} is not active after 60 s`);
};
