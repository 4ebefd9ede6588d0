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
import { ItemBodies } from './item-bodies.ts';
import { bound, compareKeys, type Probe, SortedList } from './sorted-keys.ts';
import { answerSends } from './stub-answers.ts';

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

/** Where an entry's body is in the table's `ItemBodies`, in 8-byte units, and its length in bytes. */
const AT = Symbol('at');
const LENGTH = Symbol('length');

/**
 * What the table keeps in memory of an item: its key attributes (the table's, and each index's it is in: all strings,
 * ordered as the items themselves; undefined for an index it is not in) and where its body is.
 */
interface Entry {
  readonly [attribute: string]: string | undefined;
  readonly [AT]: number;
  readonly [LENGTH]: number;
}

/**
 * The class of a table's entries: a slot for each of `attributes` (in this order, whether the item has it or not,
 * so that all entries share one shape, their fields in the object itself), then the body's place.
 */
const entryClass = (attributes: readonly string[]) =>
  class {
    constructor(values: readonly (string | undefined)[], at: number, length: number) {
      const fields = this as unknown as Record<string | symbol, string | number | undefined>;
      for (let i = 0; i < attributes.length; i++) fields[attributes[i]!] = values[i];
      fields[AT] = at;
      fields[LENGTH] = length;
    }
  } as unknown as new (
    values: readonly (string | undefined)[],
    at: number,
    length: number,
  ) => Entry;

/**
 * One partition: its only entry, its entries in order in an array of their number (up to `SMALL`), or a sorted list
 * (a partition of one item, most of a single table's, costs no structure of its own, a small one an array only).
 */
type Partition = Entry | Entry[] | SortedList<Entry>;

/** The most entries of a partition kept in an array (each change copies it). */
const SMALL = 32;

/** The first entry of `partition`. */
const firstOf = (partition: Partition): Entry =>
  partition instanceof SortedList ? partition.first! : Array.isArray(partition) ? partition[0]! : partition;

/**
 * Gives `entry`'s partition key `attribute` the string `partition` (the entry's partition, if any) holds: an entry
 * keeps that string, not one more copy of it (a partition of a single table often holds many items).
 */
const sharePartitionKey = (entry: Entry, attribute: string, partition: Partition | undefined): void => {
  if (partition !== undefined)
    (entry as unknown as Record<string, string>)[attribute] = firstOf(partition)[attribute]!;
};

/** The entry of `partition` at the target of `probe`, if any. */
const findIn = (partition: Partition | undefined, probe: Probe<Entry>): Entry | undefined => {
  if (partition === undefined) return undefined;
  if (partition instanceof SortedList) return partition.find(probe);
  const entry = Array.isArray(partition) ? partition[bound(partition, probe, true)] : partition;
  return entry !== undefined && probe(entry) === 0 ? entry : undefined;
};

/** Removals from a `PartitionMap` between two rebuilds, at the least. */
const REBUILD_AFTER = 1 << 16;

/**
 * The partitions of a table or of an index, by partition key: a `Map` whose emptied partitions are kept as
 * `undefined` instead of deleted, and which is rebuilt without them once the removals since the last rebuild number
 * half its keys or more (and 65,536 at least; amortized, a removal costs O(1)). V8's `Map` leaves a deleted entry
 * in its bucket's chain until the next rehash, which only comes when the table fills up: a partition emptied and
 * filled again and again (the records' `UNPUBLISHED` and `PENDING` index partitions, on every change) grew one chain
 * by an entry each time, and every read of that key walked it (a millisecond a lookup after some hundred thousand
 * changes).
 */
export class PartitionMap {
  #map = new Map<string, Partition | undefined>();
  #removals = 0;
  #rebuilds = 0;

  /** Keys held, emptied partitions included. */
  get keys(): number {
    return this.#map.size;
  }

  /** Times the map was rebuilt without its emptied partitions. */
  get rebuilds(): number {
    return this.#rebuilds;
  }

  get(pk: string): Partition | undefined {
    return this.#map.get(pk);
  }

  set(pk: string, partition: Partition): void {
    this.#map.set(pk, partition);
  }

  /** Empties the partition `pk` (it has no entry left). */
  delete(pk: string): void {
    this.#map.set(pk, undefined);
    this.#removals += 1;
    if (this.#removals >= REBUILD_AFTER && 2 * this.#removals >= this.#map.size) {
      const rebuilt = new Map<string, Partition | undefined>();
      for (const [key, partition] of this.#map) if (partition !== undefined) rebuilt.set(key, partition);
      this.#map = rebuilt;
      this.#removals = 0;
      this.#rebuilds += 1;
    }
  }
}

/**
 * Puts `item` in the partition `pk` of `partitions` (ordered by `order`; now `partition`), in place of its equal; the
 * one replaced.
 */
const addTo = (
  partitions: PartitionMap,
  pk: string,
  partition: Partition | undefined,
  item: Entry,
  order: (a: Entry, b: Entry) => number,
): Entry | undefined => {
  if (partition === undefined) {
    partitions.set(pk, item);
    return undefined;
  }
  if (partition instanceof SortedList) return partition.add(item);
  const probe: Probe<Entry> = (other) => order(other, item);
  if (!Array.isArray(partition)) {
    const place = probe(partition);
    partitions.set(pk, place === 0 ? item : place < 0 ? [partition, item] : [item, partition]);
    return place === 0 ? partition : undefined;
  }
  const at = bound(partition, probe, true);
  const old = partition[at];
  if (old !== undefined && probe(old) === 0) {
    partition[at] = item;
    return old;
  }
  if (partition.length < SMALL) {
    partitions.set(pk, partition.toSpliced(at, 0, item));
    return undefined;
  }
  const list = new SortedList(order);
  for (const entry of partition) list.add(entry);
  list.add(item);
  partitions.set(pk, list);
  return undefined;
};

/** Removes the item at the target of `probe` from the partition `pk` of `partitions`; the one removed. */
const deleteFrom = (partitions: PartitionMap, pk: string, probe: Probe<Entry>): Entry | undefined => {
  const partition = partitions.get(pk);
  if (partition === undefined) return undefined;
  if (partition instanceof SortedList) {
    const old = partition.delete(probe);
    if (partition.size === 0) partitions.delete(pk);
    else if (partition.size === 1) partitions.set(pk, partition.first!);
    return old;
  }
  if (!Array.isArray(partition)) {
    if (probe(partition) !== 0) return undefined;
    partitions.delete(pk);
    return partition;
  }
  const at = bound(partition, probe, true);
  const old = partition[at];
  if (old === undefined || probe(old) !== 0) return undefined;
  partitions.set(pk, partition.length === 2 ? partition[1 - at]! : partition.toSpliced(at, 1));
  return old;
};

/** The entries of `partition` in order from the target of `from` (see `SortedList.walk`). */
function* walkOf(
  partition: Partition,
  from: Probe<Entry> | undefined,
  inclusive: boolean,
  forward: boolean,
): Generator<Entry> {
  if (partition instanceof SortedList) {
    yield* partition.walk(from, inclusive, forward);
    return;
  }
  if (Array.isArray(partition)) {
    if (forward) {
      for (let at = from === undefined ? 0 : bound(partition, from, inclusive); at < partition.length; at++)
        yield partition[at]!;
    } else {
      for (
        let at = from === undefined ? partition.length - 1 : bound(partition, from, !inclusive) - 1;
        at >= 0;
        at--
      )
        yield partition[at]!;
    }
    return;
  }
  const order = from === undefined ? 0 : from(partition) * (forward ? 1 : -1);
  if (order > 0 || (order === 0 && (from === undefined || inclusive))) yield partition;
}

const invalid = (message: string): Error => dynamoError('ValidationException', message);

/**
 * What the document client's marshalling (`removeUndefinedValues: true`) lets through: undefined members dropped,
 * plain objects, arrays, sets, binaries and finite numbers; anything else refused as the client refuses it. `value`
 * itself when it drops nothing (the table serializes what it stores at once: it needs no copy), else a copy without
 * the undefined members.
 */
const marshalled = (value: unknown, path: string): unknown => {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${path}: ${value} is not a number DynamoDB stores`);
    return value;
  }
  if (value instanceof Uint8Array) return value;
  if (value instanceof Set) {
    if (value.size === 0) throw invalid(`${path}: an empty set is not a DynamoDB value`);
    return value;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const member: unknown = value[i];
      const kept = member === undefined ? undefined : marshalled(member, `${path}[${copy?.length ?? i}]`);
      if (copy === undefined && kept === member && member !== undefined) continue;
      copy ??= value.slice(0, i);
      if (kept !== undefined) copy.push(kept);
    }
    return copy ?? value;
  }
  if (typeof value === 'object') {
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null)
      throw new Error(`${path}: a class instance (${prototype.constructor?.name}) is not marshalled`);
    let copy: Item | undefined;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const member: unknown = (value as Item)[key];
      const kept = member === undefined ? undefined : marshalled(member, `${path}.${key}`);
      if (copy === undefined) {
        if (kept === member && member !== undefined) continue;
        copy = {};
        for (const earlier in value) {
          if (earlier === key) break;
          if (Object.hasOwn(value, earlier)) copy[earlier] = (value as Item)[earlier];
        }
      }
      if (kept !== undefined) copy[key] = kept;
    }
    return copy ?? value;
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
 * key, a consistent read on an index). Any other command or expression form throws.
 *
 * Every item is kept, as DynamoDB keeps it. To hold millions of them, the JavaScript heap keeps only what orders and
 * finds them: an entry per item with its key attributes (the table's, and each index's it is in) and where its body
 * is; the bodies are serialized (`node:v8`: sets and binaries kept) into a temporary file (`ItemBodies`), each read
 * back on demand when a request needs it (a query walks the entries by key and reads only the bodies in range). What
 * goes in is serialized at once and what comes out is a fresh copy: neither is ever shared with the caller. A
 * partition of one item is that item's entry alone, a larger one (and each index partition) a sorted list of entries.
 * The file has no name once open: `close()` frees it, and so does the end of the process, however it ends.
 * Not modelled: capacity and throttling, the 1 MB page limit of a query, item sizes.
 */
export class InMemoryTable implements DocumentTable {
  readonly #schema: InMemoryTableSchema;
  readonly #partitions = new PartitionMap();
  readonly #indexes = new Map<string, PartitionMap>();
  readonly #bodies = new ItemBodies();
  /** Entries in a partition: by sort key. */
  readonly #order: (a: Entry, b: Entry) => number;
  /** Entries in an index's partition: by the index's sort key, then the table's key (unique within the index). */
  readonly #indexOrders = new Map<string, (a: Entry, b: Entry) => number>();
  /** The key attributes of the table, then of each index: an entry's slots. */
  readonly #attributes: readonly string[];
  readonly #Entry: ReturnType<typeof entryClass>;
  /** Where each index's key attributes are among `#attributes`. */
  readonly #slots: readonly { readonly pk: number; readonly sk: number }[];
  /** Requests taken, by command. */
  readonly requests = new Map<string, number>();
  #items = 0;

  constructor(schema: InMemoryTableSchema) {
    this.#schema = schema;
    const { pk, sk } = schema;
    this.#order = (a, b) => compareKeys(a[sk]!, b[sk]!);
    this.#attributes = [...new Set([pk, sk, ...schema.indexes.flatMap((index) => [index.pk, index.sk])])];
    this.#Entry = entryClass(this.#attributes);
    this.#slots = schema.indexes.map((index) => ({
      pk: this.#attributes.indexOf(index.pk),
      sk: this.#attributes.indexOf(index.sk),
    }));
    for (const index of schema.indexes) {
      this.#indexes.set(index.name, new PartitionMap());
      this.#indexOrders.set(
        index.name,
        (a, b) =>
          compareKeys(a[index.sk]!, b[index.sk]!) ||
          compareKeys(a[pk]!, b[pk]!) ||
          compareKeys(a[sk]!, b[sk]!),
      );
    }
  }

  /** Items in the table. */
  get size(): number {
    return this.#items;
  }

  /** Bytes of item bodies stored so far, replaced ones included (the temporary file's length). */
  get storedBytes(): number {
    return this.#bodies.storedBytes;
  }

  /** The temporary directory the item bodies' file was created in (removed at once where the system allows it). */
  get directory(): string {
    return this.#bodies.directory;
  }

  /** Closes (frees) the file of the item bodies: the table answers nothing afterwards. */
  close(): void {
    this.#bodies.close();
  }

  #count(command: string): void {
    this.requests.set(command, (this.requests.get(command) ?? 0) + 1);
  }

  #table(name: string | undefined): void {
    if (name !== this.#schema.tableName) throw dynamoError('ResourceNotFoundException', `no table ${name}`);
  }

  #read(key: Item): Entry | undefined {
    const { pk, sk } = keyOf(key, this.#schema, 'Key');
    const extra = Object.keys(key).filter((name) => name !== this.#schema.pk && name !== this.#schema.sk);
    if (extra.length > 0) throw invalid('The provided key element does not match the schema');
    return this.#at(pk, sk);
  }

  /** The entry at `pk`/`sk`, if any. */
  #at(pk: string, sk: string): Entry | undefined {
    return findIn(this.#partitions.get(pk), this.#sortKeyProbe(this.#schema.sk, sk));
  }

  /** A fresh copy of the item of `entry`, if any. */
  #body(entry: Entry | undefined): Item | undefined {
    return entry === undefined
      ? undefined
      : (ItemBodies.deserialized(this.#bodies.bytes(entry[AT], entry[LENGTH])) as Item);
  }

  /** Where an entry stands against the sort key `value` of the attribute `attribute`. */
  #sortKeyProbe(attribute: string, value: string): Probe<Entry> {
    return (entry) => compareKeys(entry[attribute]!, value);
  }

  /** The indexes whose key attributes `entry` has. */
  #indexesOf(entry: Entry): InMemoryTableSchema['indexes'] {
    return this.#schema.indexes.filter(
      (index) => entry[index.pk] !== undefined && entry[index.sk] !== undefined,
    );
  }

  /**
   * The entry of `item` at `pk`/`sk`, its body stored as `bytes` (`item` serialized): its key attributes, the index
   * keys checked (an index takes an item that has both of its key attributes). A value equal to another of its
   * values is that string (see also `sharePartitionKey`).
   */
  #entryOf(pk: string, sk: string, item: Item, bytes: Uint8Array): Entry {
    const values: (string | undefined)[] = new Array(this.#attributes.length).fill(undefined);
    values[0] = pk;
    values[1] = sk;
    this.#schema.indexes.forEach((index, i) => {
      const indexPk = item[index.pk];
      const indexSk = item[index.sk];
      if (indexPk === undefined || indexSk === undefined) return;
      if (typeof indexPk !== 'string' || typeof indexSk !== 'string' || indexPk === '' || indexSk === '')
        throw invalid(
          `One or more parameter values were invalid: the index key ${index.name} must be strings`,
        );
      const slots = this.#slots[i]!;
      values[slots.pk] = indexPk;
      values[slots.sk] = indexSk;
    });
    for (let i = 1; i < values.length; i++) {
      const value = values[i];
      if (value === undefined) continue;
      for (let j = 0; j < i; j++) {
        if (values[j] === value) {
          values[i] = values[j];
          break;
        }
      }
    }
    return new this.#Entry(values, this.#bodies.append(bytes), bytes.length);
  }

  /**
   * Replaces the item at `pk`/`sk` with `item` (serialized as `bytes`), or removes it (`item` undefined), and its
   * entries in the indexes.
   */
  #write(pk: string, sk: string, item: Item | undefined, bytes?: Uint8Array): void {
    const entry = item === undefined ? undefined : this.#entryOf(pk, sk, item, bytes!);
    let old: Entry | undefined;
    if (entry === undefined) old = deleteFrom(this.#partitions, pk, this.#sortKeyProbe(this.#schema.sk, sk));
    else {
      const partition = this.#partitions.get(pk);
      sharePartitionKey(entry, this.#schema.pk, partition);
      old = addTo(this.#partitions, pk, partition, entry, this.#order);
    }
    if (old) {
      for (const index of this.#indexesOf(old)) {
        const order = this.#indexOrders.get(index.name)!;
        deleteFrom(this.#indexes.get(index.name)!, old[index.pk]!, (other) => order(other, old));
      }
    }
    if (entry) {
      for (const index of this.#indexesOf(entry)) {
        const partitions = this.#indexes.get(index.name)!;
        const key = entry[index.pk]!;
        const partition = partitions.get(key);
        sharePartitionKey(entry, index.pk, partition);
        addTo(partitions, key, partition, entry, this.#indexOrders.get(index.name)!);
      }
    }
    if (!old && entry) this.#items += 1;
    else if (old && !entry) this.#items -= 1;
  }

  /** Stores `item` (marshalled) at `pk`/`sk`. */
  #store(pk: string, sk: string, item: Item): Uint8Array {
    const bytes = ItemBodies.serialized(item);
    this.#write(pk, sk, item, bytes);
    return bytes;
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

  /**
   * The item of `entry` when the condition or the answer needs it (an absent condition holds on any item), after
   * checking the condition on it.
   */
  #checked(entry: Entry | undefined, condition: Condition | undefined, returned: string): Item | undefined {
    const old = condition !== undefined || returned !== 'NONE' ? this.#body(entry) : undefined;
    InMemoryTable.#check(condition, old);
    return old;
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
    const item = this.#body(this.#read(input.Key as Item));
    return item ? { Item: projected(item, projection) } : {};
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
    const old = this.#checked(this.#at(pk, sk), condition, returned);
    this.#store(pk, sk, item);
    return returned === 'ALL_OLD' && old ? { Attributes: old } : {};
  }

  delete(input: DeleteCommand['input']): { Attributes?: Item } {
    this.#count('Delete');
    this.#table(input.TableName);
    const context = new ExpressionContext(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    const condition = conditionOf(input.ConditionExpression, context);
    context.checkAllUsed();
    const returned = InMemoryTable.#returnValues(input.ReturnValues, ['NONE', 'ALL_OLD']);
    const old = this.#checked(this.#read(input.Key as Item), condition, returned);
    const { pk, sk } = keyOf(input.Key as Item, this.#schema, 'Key');
    this.#write(pk, sk, undefined);
    return returned === 'ALL_OLD' && old ? { Attributes: old } : {};
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
    const entry = this.#read(key);
    // Two copies of the stored item: the operands are read on the one, the other changed.
    const bytes = entry === undefined ? undefined : this.#bodies.bytes(entry[AT], entry[LENGTH]);
    const old = bytes === undefined ? undefined : (ItemBodies.deserialized(bytes) as Item);
    InMemoryTable.#check(condition, old);
    for (const action of actions) {
      if (action.path[0] === this.#schema.pk || action.path[0] === this.#schema.sk)
        throw invalid(`Cannot update attribute ${action.path[0]}. This attribute is part of the key`);
    }
    const item =
      bytes === undefined
        ? { [this.#schema.pk]: pk, [this.#schema.sk]: sk }
        : (ItemBodies.deserialized(bytes) as Item);
    applyUpdate(item, actions, old ?? { [this.#schema.pk]: pk, [this.#schema.sk]: sk });
    const stored = this.#store(pk, sk, marshalled(item, 'Item') as Item);
    const changed = new Set(actions.map((action) => action.path[0]!));
    const pick = (from: Item | undefined) =>
      from ? Object.fromEntries(Object.entries(from).filter(([name]) => changed.has(name))) : undefined;
    // The new item as stored, a fresh copy (the one updated holds values of the request).
    const fresh = () => ItemBodies.deserialized(stored) as Item;
    const attributes =
      returned === 'ALL_NEW'
        ? fresh()
        : returned === 'ALL_OLD'
          ? old
          : returned === 'UPDATED_NEW'
            ? pick(fresh())
            : returned === 'UPDATED_OLD'
              ? pick(old)
              : undefined;
    return attributes && Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
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
    const start = input.ExclusiveStartKey as Item | undefined;
    let from: Probe<Entry> | undefined;
    let inclusive = true;
    if (start) {
      const base = keyOf(start, this.#schema, 'ExclusiveStartKey');
      const startEntry: Record<string, string> = { [this.#schema.pk]: base.pk, [this.#schema.sk]: base.sk };
      if (index) {
        startEntry[index.sk] = String(start[index.sk]);
        const order = this.#indexOrders.get(index.name)!;
        from = (entry) => order(entry, startEntry as unknown as Entry);
      } else from = (entry) => this.#order(entry, startEntry as unknown as Entry);
      inclusive = false;
    } else if (forward && range.from !== undefined) {
      from = this.#sortKeyProbe(keySchema.sk, range.from);
    } else if (!forward && range.to !== undefined) {
      from = this.#sortKeyProbe(keySchema.sk, range.to);
    }
    // The bodies are read when the filter or the answer needs them.
    const reads = filter !== undefined || input.Select !== 'COUNT';
    const items: Item[] = [];
    let count = 0;
    let scanned = 0;
    let last: Entry | undefined;
    if (partition) {
      for (const entry of walkOf(partition, from, inclusive, forward)) {
        const sortKey = entry[keySchema.sk]!;
        if (!range.test(sortKey)) {
          if (pastRange(range, sortKey, forward)) break;
          continue;
        }
        scanned += 1;
        last = entry;
        const item = reads ? this.#body(entry)! : undefined;
        if (!filter || holds(filter, item)) {
          count += 1;
          if (input.Select !== 'COUNT') items.push(projected(item!, projection));
        }
        // As DynamoDB: a page that reached its limit has a last evaluated key, even when nothing follows.
        if (scanned === input.Limit) break;
      }
    }
    const output: { Items?: Item[]; Count: number; ScannedCount: number; LastEvaluatedKey?: Item } = {
      Count: count,
      ScannedCount: scanned,
    };
    if (input.Select !== 'COUNT') output.Items = items;
    if (scanned === input.Limit && last !== undefined) {
      output.LastEvaluatedKey = {
        [this.#schema.pk]: last[this.#schema.pk],
        [this.#schema.sk]: last[this.#schema.sk],
        ...(index ? { [index.pk]: last[index.pk], [index.sk]: last[index.sk] } : {}),
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
        this.#store(pk, sk, item);
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
 * command's class, its calls recorded without call stacks: a million requests stay cheap); any other command throws. `restore()` takes the mock off.
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
  answerSends(stub, async (command) => {
    const route = routes.get(command.constructor);
    if (!route)
      throw new Error(`the simulated table does not take ${(command.constructor as { name: string }).name}`);
    return route(command.input as never);
  });
  return stub;
};
