import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type AwsStub, mockClient } from 'aws-sdk-client-mock';
import {
  applyUpdate,
  type Condition,
  dynamoError,
  ExpressionContext,
  holds,
  type Item,
  operandValue,
  parseCondition,
  parseProjection,
  parseUpdate,
} from './dynamodb-expressions.ts';
import { compareKeys, SortedKeys } from './sorted-keys.ts';

/** A key schema: the partition and sort key attributes (both strings, as in the system's single table). */
export interface KeySchema {
  readonly pk: string;
  readonly sk: string;
}

/** The table's shape: its name, keys and global secondary indexes (projection ALL). */
export interface InMemoryTableSchema extends KeySchema {
  readonly tableName: string;
  readonly indexes: readonly (KeySchema & { readonly name: string })[];
}

/** One partition: its items by sort key, and the sort keys in order. */
class Partition {
  readonly items = new Map<string, Item>();
  readonly order = new SortedKeys();
}

const invalid = (message: string): Error => dynamoError('ValidationException', message);

/** A copy of a document value: what goes in or out of the table is never shared with the caller. */
const copyOf = <T>(value: T): T => {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copyOf) as T;
  if (value instanceof Set) return new Set(value) as T;
  if (value instanceof Uint8Array) return new Uint8Array(value) as T;
  const copy: Item = {};
  for (const key in value as Item) copy[key] = copyOf((value as Item)[key]);
  return copy as T;
};

/**
 * What the document client's marshalling (`removeUndefinedValues: true`) lets through: undefined members dropped,
 * plain objects, arrays, sets, binaries and finite numbers; anything else refused as the client refuses it.
 */
const marshalled = (value: unknown, path: string): unknown => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${path}: ${value} is not a number DynamoDB stores`);
    return value;
  }
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (value instanceof Set) {
    if (value.size === 0) throw invalid(`${path}: an empty set is not a DynamoDB value`);
    return new Set(value);
  }
  if (Array.isArray(value))
    return value
      .filter((member) => member !== undefined)
      .map((member, i) => marshalled(member, `${path}[${i}]`));
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null)
      throw new Error(`${path}: a class instance (${prototype.constructor?.name}) is not marshalled`);
    const copy: Item = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) copy[key] = marshalled(member, `${path}.${key}`);
    }
    return copy;
  }
  throw new Error(`${path}: ${typeof value} is not a DynamoDB value`);
};

const keyOf = (item: Item, schema: KeySchema, what: string): { pk: string; sk: string } => {
  const pk = item[schema.pk];
  const sk = item[schema.sk];
  if (typeof pk !== 'string' || typeof sk !== 'string' || pk === '' || sk === '')
    throw invalid(`${what}: the key ${schema.pk}/${schema.sk} must be two non-empty strings`);
  return { pk, sk };
};

/** The request's condition, parsed with its names and values. */
const conditionOf = (expression: string | undefined, context: ExpressionContext): Condition | undefined =>
  expression === undefined ? undefined : parseCondition(expression, context);

/** What a query's key condition selects: the partition, and a range on the sort key. */
interface KeyRange {
  readonly pk: string;
  readonly test: (sk: string) => boolean;
  /** Where to begin reading in order (inclusive), and whether reading can stop at the first key past the range. */
  readonly from?: string;
  readonly to?: string;
  /** The prefix of `begins_with`: its keys are contiguous. */
  readonly prefix?: string;
}

/** Whether `sortKey`, not in the range, is past it in reading order (nothing further can match). */
const pastRange = (range: KeyRange, sortKey: string, forward: boolean): boolean =>
  forward
    ? (range.to !== undefined && compareKeys(sortKey, range.to) > 0) ||
      (range.prefix !== undefined &&
        compareKeys(sortKey, range.prefix) > 0 &&
        !sortKey.startsWith(range.prefix))
    : (range.from !== undefined && compareKeys(sortKey, range.from) < 0) ||
      (range.prefix !== undefined && compareKeys(sortKey, range.prefix) < 0);

const keyRangeOf = (condition: Condition, schema: KeySchema, source: string): KeyRange => {
  const parts: Condition[] = [];
  const flatten = (node: Condition) => {
    if (node.kind === 'and') {
      flatten(node.left);
      flatten(node.right);
    } else parts.push(node);
  };
  flatten(condition);
  let pk: string | undefined;
  let range: Condition | undefined;
  for (const part of parts) {
    const onPk =
      part.kind === 'compare' &&
      part.operator === '=' &&
      part.left.kind === 'path' &&
      part.left.path.length === 1 &&
      part.left.path[0] === schema.pk &&
      part.right.kind === 'value';
    if (onPk && pk === undefined) {
      pk = String(part.right.value);
      continue;
    }
    const operand =
      part.kind === 'compare' || part.kind === 'between' || part.kind === 'beginsWith'
        ? part.kind === 'compare'
          ? part.left
          : part.operand
        : undefined;
    if (operand?.kind === 'path' && operand.path.length === 1 && operand.path[0] === schema.sk && !range) {
      if (part.kind === 'compare' && part.operator === '<>') break;
      range = part;
      continue;
    }
    throw invalid(`Query key condition not supported: ${source}`);
  }
  if (pk === undefined) throw invalid(`Query condition missed key schema element: ${schema.pk}`);
  if (!range) return { pk, test: () => true };
  const bound = range;
  const test = (sk: string) => holds(bound, { [schema.sk]: sk });
  if (bound.kind === 'beginsWith') {
    const prefix = String(operandValue(bound.prefix, undefined));
    return { pk, test, from: prefix, prefix };
  }
  if (bound.kind === 'between') {
    return {
      pk,
      test,
      from: String(operandValue(bound.low, undefined)),
      to: String(operandValue(bound.high, undefined)),
    };
  }
  if (bound.kind !== 'compare') throw invalid(`Query key condition not supported: ${source}`);
  const value = String(operandValue(bound.right, undefined));
  switch (bound.operator) {
    case '=':
      return { pk, test, from: value, to: value };
    case '>':
    case '>=':
      return { pk, test, from: value };
    default:
      return { pk, test, to: value };
  }
};

const RETURN_VALUES = new Set(['NONE', 'ALL_OLD', 'ALL_NEW', 'UPDATED_OLD', 'UPDATED_NEW']);

/**
 * One DynamoDB table in memory, for simulations too large for dynalite: the document commands the system's adapters
 * send (Get, Put, Update, Delete, Query on the table and its global secondary indexes, BatchWrite), their condition,
 * update, key condition, filter and projection expressions (`dynamodb-expressions.ts`), conditional failures as
 * `ConditionalCheckFailedException`, and DynamoDB's refusals of what it refuses (unused names or values, changing a
 * key, a consistent read on an index). Any other command or expression form throws. Items are copied in and out.
 * Not modelled: capacity and throttling, the 1 MB page limit of a query, item sizes.
 */
export class InMemoryTable implements DocumentTable {
  readonly #schema: InMemoryTableSchema;
  readonly #partitions = new Map<string, Partition>();
  readonly #indexes = new Map<string, Map<string, Partition>>();
  /** Requests taken, by command. */
  readonly requests = new Map<string, number>();
  #items = 0;

  constructor(schema: InMemoryTableSchema) {
    this.#schema = schema;
    for (const index of schema.indexes) this.#indexes.set(index.name, new Map());
  }

  /** Items in the table. */
  get size(): number {
    return this.#items;
  }

  #count(command: string): void {
    this.requests.set(command, (this.requests.get(command) ?? 0) + 1);
  }

  #table(name: string | undefined): void {
    if (name !== this.#schema.tableName) throw dynamoError('ResourceNotFoundException', `no table ${name}`);
  }

  #read(key: Item): Item | undefined {
    const { pk, sk } = keyOf(key, this.#schema, 'Key');
    const extra = Object.keys(key).filter((name) => name !== this.#schema.pk && name !== this.#schema.sk);
    if (extra.length > 0) throw invalid('The provided key element does not match the schema');
    return this.#partitions.get(pk)?.items.get(sk);
  }

  /** Index entries are ordered by the index's sort key, then the table's key (unique within the index). */
  static #indexKey(indexSk: string, pk: string, sk: string): string {
    return `${indexSk}\u0000${pk}\u0000${sk}`;
  }

  #unindex(item: Item): void {
    for (const index of this.#schema.indexes) {
      const indexPk = item[index.pk];
      const indexSk = item[index.sk];
      if (typeof indexPk !== 'string' || typeof indexSk !== 'string') continue;
      const partition = this.#indexes.get(index.name)!.get(indexPk)!;
      const key = InMemoryTable.#indexKey(
        indexSk,
        item[this.#schema.pk] as string,
        item[this.#schema.sk] as string,
      );
      partition.items.delete(key);
      partition.order.delete(key);
      if (partition.items.size === 0) this.#indexes.get(index.name)!.delete(indexPk);
    }
  }

  #index(item: Item): void {
    for (const index of this.#schema.indexes) {
      const indexPk = item[index.pk];
      const indexSk = item[index.sk];
      if (indexPk === undefined || indexSk === undefined) continue;
      if (typeof indexPk !== 'string' || typeof indexSk !== 'string' || indexPk === '' || indexSk === '')
        throw invalid(
          `One or more parameter values were invalid: the index key ${index.name} must be strings`,
        );
      const partitions = this.#indexes.get(index.name)!;
      let partition = partitions.get(indexPk);
      if (!partition) {
        partition = new Partition();
        partitions.set(indexPk, partition);
      }
      const key = InMemoryTable.#indexKey(
        indexSk,
        item[this.#schema.pk] as string,
        item[this.#schema.sk] as string,
      );
      partition.items.set(key, item);
      partition.order.add(key);
    }
  }

  /** Replaces (or removes, with undefined) the item at `pk`/`sk`. */
  #write(pk: string, sk: string, item: Item | undefined): void {
    let partition = this.#partitions.get(pk);
    const old = partition?.items.get(sk);
    if (old) this.#unindex(old);
    if (item === undefined) {
      if (!old) return;
      partition!.items.delete(sk);
      partition!.order.delete(sk);
      if (partition!.items.size === 0) this.#partitions.delete(pk);
      this.#items -= 1;
      return;
    }
    this.#index(item);
    if (!partition) {
      partition = new Partition();
      this.#partitions.set(pk, partition);
    }
    if (!old) {
      partition.order.add(sk);
      this.#items += 1;
    }
    partition.items.set(sk, item);
  }

  static #check(condition: Condition | undefined, item: Item | undefined): void {
    if (condition && !holds(condition, item)) {
      throw Object.assign(dynamoError('ConditionalCheckFailedException', 'The conditional request failed'), {
        Item: undefined,
      });
    }
  }

  static #returnValues(value: string | undefined, allowed: readonly string[]): string {
    const returned = value ?? 'NONE';
    if (!RETURN_VALUES.has(returned) || !allowed.includes(returned))
      throw invalid(`ReturnValues ${returned} is not valid here`);
    return returned;
  }

  get(input: GetCommand['input']): { Item?: Item } {
    this.#count('Get');
    this.#table(input.TableName);
    const context = new ExpressionContext(input.ExpressionAttributeNames);
    const projection =
      input.ProjectionExpression === undefined
        ? undefined
        : parseProjection(input.ProjectionExpression, context);
    context.checkAllUsed();
    const item = this.#read(input.Key as Item);
    return item ? { Item: copyOf(projected(item, projection)) } : {};
  }

  put(input: PutCommand['input']): { Attributes?: Item } {
    this.#count('Put');
    this.#table(input.TableName);
    const item = marshalled(input.Item, 'Item') as Item;
    const { pk, sk } = keyOf(item, this.#schema, 'Item');
    const context = new ExpressionContext(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const condition = conditionOf(input.ConditionExpression, context);
    context.checkAllUsed();
    const returned = InMemoryTable.#returnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
    const old = this.#partitions.get(pk)?.items.get(sk);
    InMemoryTable.#check(condition, old);
    this.#write(pk, sk, item);
    return returned === 'ALL_OLD' && old ? { Attributes: copyOf(old) } : {};
  }

  delete(input: DeleteCommand['input']): { Attributes?: Item } {
    this.#count('Delete');
    this.#table(input.TableName);
    const context = new ExpressionContext(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const condition = conditionOf(input.ConditionExpression, context);
    context.checkAllUsed();
    const returned = InMemoryTable.#returnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
    const old = this.#read(input.Key as Item);
    InMemoryTable.#check(condition, old);
    const { pk, sk } = keyOf(input.Key as Item, this.#schema, 'Key');
    this.#write(pk, sk, undefined);
    return returned === 'ALL_OLD' && old ? { Attributes: copyOf(old) } : {};
  }

  update(input: UpdateCommand['input']): { Attributes?: Item } {
    this.#count('Update');
    this.#table(input.TableName);
    if (input.UpdateExpression === undefined)
      throw invalid('an update without UpdateExpression is not supported');
    const context = new ExpressionContext(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const actions = parseUpdate(input.UpdateExpression, context);
    const condition = conditionOf(input.ConditionExpression, context);
    context.checkAllUsed();
    const returned = InMemoryTable.#returnValues(input.ReturnValues, [...RETURN_VALUES]);
    const key = input.Key as Item;
    const { pk, sk } = keyOf(key, this.#schema, 'Key');
    const old = this.#read(key);
    InMemoryTable.#check(condition, old);
    for (const action of actions) {
      if (action.path[0] === this.#schema.pk || action.path[0] === this.#schema.sk)
        throw invalid(`Cannot update attribute ${action.path[0]}. This attribute is part of the key`);
    }
    const item = old ? copyOf(old) : { [this.#schema.pk]: pk, [this.#schema.sk]: sk };
    applyUpdate(item, actions);
    this.#write(pk, sk, marshalled(item, 'Item') as Item);
    const changed = new Set(actions.map((action) => action.path[0]!));
    const pick = (from: Item | undefined) =>
      from ? Object.fromEntries(Object.entries(from).filter(([name]) => changed.has(name))) : undefined;
    const attributes =
      returned === 'ALL_NEW'
        ? item
        : returned === 'ALL_OLD'
          ? old
          : returned === 'UPDATED_NEW'
            ? pick(item)
            : returned === 'UPDATED_OLD'
              ? pick(old)
              : undefined;
    return attributes && Object.keys(attributes).length > 0 ? { Attributes: copyOf(attributes) } : {};
  }

  query(input: QueryCommand['input']): {
    Items?: Item[];
    Count: number;
    ScannedCount: number;
    LastEvaluatedKey?: Item;
  } {
    this.#count('Query');
    this.#table(input.TableName);
    const index =
      input.IndexName === undefined
        ? undefined
        : this.#schema.indexes.find((i) => i.name === input.IndexName);
    if (input.IndexName !== undefined && !index) throw invalid(`no index ${input.IndexName}`);
    if (index && input.ConsistentRead)
      throw invalid('Consistent reads are not supported on global secondary indexes');
    if (input.KeyConditionExpression === undefined) throw invalid('a query takes a KeyConditionExpression');
    if (input.Select !== undefined && input.Select !== 'COUNT' && input.Select !== 'ALL_ATTRIBUTES')
      throw invalid(`Select ${input.Select} is not supported`);
    const context = new ExpressionContext(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const keySchema = index ?? this.#schema;
    const range = keyRangeOf(
      parseCondition(input.KeyConditionExpression, context),
      keySchema,
      input.KeyConditionExpression,
    );
    const filter = conditionOf(input.FilterExpression, context);
    const projection =
      input.ProjectionExpression === undefined
        ? undefined
        : parseProjection(input.ProjectionExpression, context);
    context.checkAllUsed();
    if (input.Limit !== undefined && input.Limit < 1) throw invalid('Limit must be at least 1');

    const partition = index ? this.#indexes.get(index.name)!.get(range.pk) : this.#partitions.get(range.pk);
    const forward = input.ScanIndexForward !== false;
    const sortKeyOf = (key: string) => (index ? key.slice(0, key.indexOf('\u0000')) : key);
    const start = input.ExclusiveStartKey as Item | undefined;
    let from: string | undefined;
    let inclusive = true;
    if (start) {
      const base = keyOf(start, this.#schema, 'ExclusiveStartKey');
      from = index ? InMemoryTable.#indexKey(String(start[index.sk]), base.pk, base.sk) : base.sk;
      inclusive = false;
    } else if (forward && range.from !== undefined) {
      from = range.from;
    } else if (!forward && range.to !== undefined) {
      from = index ? `${range.to}\u0001` : range.to;
    }
    const items: Item[] = [];
    let scanned = 0;
    let lastKey: string | undefined;
    if (partition) {
      for (const key of partition.order.walk(from, inclusive, forward)) {
        const sortKey = sortKeyOf(key);
        if (!range.test(sortKey)) {
          if (pastRange(range, sortKey, forward)) break;
          continue;
        }
        scanned += 1;
        lastKey = key;
        const item = partition.items.get(key)!;
        if (!filter || holds(filter, item)) items.push(item);
        // As DynamoDB: a page that reached its limit has a last evaluated key, even when nothing follows.
        if (scanned === input.Limit) break;
      }
    }
    const output: { Items?: Item[]; Count: number; ScannedCount: number; LastEvaluatedKey?: Item } = {
      Count: items.length,
      ScannedCount: scanned,
    };
    if (input.Select !== 'COUNT') output.Items = items.map((item) => copyOf(projected(item, projection)));
    if (scanned === input.Limit && lastKey !== undefined) {
      const item = partition!.items.get(lastKey)!;
      output.LastEvaluatedKey = {
        [this.#schema.pk]: item[this.#schema.pk],
        [this.#schema.sk]: item[this.#schema.sk],
        ...(index ? { [index.pk]: item[index.pk], [index.sk]: item[index.sk] } : {}),
      };
    }
    return output;
  }

  batchWrite(input: BatchWriteCommand['input']): { UnprocessedItems: Record<string, never> } {
    this.#count('BatchWrite');
    const tables = Object.entries(input.RequestItems ?? {});
    const requests = tables.flatMap(([, list]) => list);
    if (requests.length === 0 || requests.length > 25)
      throw invalid('A batch write takes between 1 and 25 requests');
    const keys = new Set<string>();
    for (const [tableName, list] of tables) {
      this.#table(tableName);
      for (const request of list) {
        const key = request.PutRequest
          ? keyOf(request.PutRequest.Item as Item, this.#schema, 'Item')
          : keyOf(request.DeleteRequest!.Key as Item, this.#schema, 'Key');
        const id = `${key.pk}\u0000${key.sk}`;
        if (keys.has(id)) throw invalid('Provided list of item keys contains duplicates');
        keys.add(id);
      }
    }
    for (const request of requests) {
      if (request.PutRequest) {
        const item = marshalled(request.PutRequest.Item, 'Item') as Item;
        const { pk, sk } = keyOf(item, this.#schema, 'Item');
        this.#write(pk, sk, item);
      } else {
        const { pk, sk } = keyOf(request.DeleteRequest!.Key as Item, this.#schema, 'Key');
        this.#write(pk, sk, undefined);
      }
    }
    return { UnprocessedItems: {} };
  }
}

const projected = (item: Item, projection: readonly string[] | undefined): Item =>
  projection === undefined
    ? item
    : Object.fromEntries(
        projection.filter((name) => item[name] !== undefined).map((name) => [name, item[name]]),
      );

/** What the document commands of the system's adapters reach: a table in memory, or a real one. */
export interface DocumentTable {
  get(input: GetCommand['input']): unknown;
  put(input: PutCommand['input']): unknown;
  update(input: UpdateCommand['input']): unknown;
  delete(input: DeleteCommand['input']): unknown;
  query(input: QueryCommand['input']): unknown;
  batchWrite(input: BatchWriteCommand['input']): unknown;
}

/** The document client's own `send`, as it is before any mock (a mock keeps it as `wrappedMethod`). */
const realSend = (() => {
  const send = DynamoDBDocumentClient.prototype.send as { wrappedMethod?: unknown };
  return (send.wrappedMethod ?? send) as (this: DynamoDBDocumentClient, command: unknown) => Promise<unknown>;
})();

/** A real table behind `client` (dynalite), sent each command as it came: the reference the fake is checked on. */
export const forwardedTo = (client: DynamoDBDocumentClient): DocumentTable => ({
  get: (input) => realSend.call(client, new GetCommand(input)),
  put: (input) => realSend.call(client, new PutCommand(input)),
  update: (input) => realSend.call(client, new UpdateCommand(input)),
  delete: (input) => realSend.call(client, new DeleteCommand(input)),
  query: (input) => realSend.call(client, new QueryCommand(input)),
  batchWrite: (input) => realSend.call(client, new BatchWriteCommand(input)),
});

/**
 * Answers every `DynamoDBDocumentClient`'s sends from `table` (aws-sdk-client-mock, its `send` stub dispatching on the
 * command's class: a million requests stay cheap); any other command throws. `restore()` takes the mock off.
 */
// biome-ignore lint/suspicious/noExplicitAny: the stub takes every command's input and output
export const routeDocumentClient = (table: DocumentTable): AwsStub<any, any, any> => {
  const stub = mockClient(DynamoDBDocumentClient);
  const routes = new Map<unknown, (input: never) => unknown>([
    [GetCommand, (input) => table.get(input)],
    [PutCommand, (input) => table.put(input)],
    [UpdateCommand, (input) => table.update(input)],
    [DeleteCommand, (input) => table.delete(input)],
    [QueryCommand, (input) => table.query(input)],
    [BatchWriteCommand, (input) => table.batchWrite(input)],
  ]);
  stub.send.callsFake(async (command) => {
    const route = routes.get(command.constructor);
    if (!route) throw new Error(`the simulated table does not take ${command.constructor.name}`);
    return route(command.input as never) as never;
  });
  return stub;
};
