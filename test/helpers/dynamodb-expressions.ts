import { compareKeys } from './sorted-keys.ts';

/**
 * DynamoDB's expressions (condition, filter, key condition, update, projection), parsed and evaluated on document
 * items (plain values, as the document client reads and writes them). Anything outside the forms below throws a
 * ValidationException-named error: an expression this fake does not understand fails loudly.
 *
 * Conditions: `a = b`, `<>`, `<`, `<=`, `>`, `>=`, `a BETWEEN b AND c`, `a IN (b, …)`, `AND`, `OR`, `NOT`,
 * parentheses, `attribute_exists(p)`, `attribute_not_exists(p)`, `begins_with(p, v)`. Updates: `SET p = v`,
 * `p = v + w`, `p = v - w`, `if_not_exists(p, v)`, `list_append(a, b)`, `REMOVE p`, `ADD p v` (numbers and sets),
 * `DELETE p v` (sets). Paths: names or `#names` joined by dots (map members; list indexes are refused).
 */

export type Item = Record<string, unknown>;

/** An error named as DynamoDB names it (the adapters test `error.name`). */
export const dynamoError = (name: string, message: string): Error =>
  Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });

const invalid = (message: string): Error => dynamoError('ValidationException', message);

type Token =
  | { readonly kind: 'name'; readonly text: string }
  | { readonly kind: 'value'; readonly text: string }
  | { readonly kind: 'symbol'; readonly text: string };

/** Tokens by expression text: the adapters send the same few expressions millions of times. */
const tokenized = new Map<string, readonly Token[]>();
const TOKENIZED_LIMIT = 10_000;

const tokenize = (expression: string): readonly Token[] => {
  const known = tokenized.get(expression);
  if (known) return known;
  const tokens = tokenizeOnce(expression);
  if (tokenized.size >= TOKENIZED_LIMIT) tokenized.clear();
  tokenized.set(expression, tokens);
  return tokens;
};

const tokenizeOnce = (expression: string): Token[] => {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(<>|<=|>=|[=<>(),.+\-[\]])|([#:]?[A-Za-z0-9_]+))/y;
  let at = 0;
  while (at < expression.length) {
    if (/^\s*$/.test(expression.slice(at))) break;
    pattern.lastIndex = at;
    const match = pattern.exec(expression);
    if (!match) throw invalid(`unexpected text in expression at ${at}: ${expression}`);
    at = pattern.lastIndex;
    if (match[1]) tokens.push({ kind: 'symbol', text: match[1] });
    else if (match[2]!.startsWith(':')) tokens.push({ kind: 'value', text: match[2]! });
    else tokens.push({ kind: 'name', text: match[2]! });
  }
  return tokens;
};

/** The names and values an expression may use, and the ones it did use (DynamoDB refuses unused ones). */
export class ExpressionContext {
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();

  readonly names: Readonly<Record<string, string>>;
  readonly values: Readonly<Record<string, unknown>>;

  constructor(names: Readonly<Record<string, string>> = {}, values: Readonly<Record<string, unknown>> = {}) {
    this.names = names;
    this.values = values;
  }

  name(token: string): string {
    if (!token.startsWith('#')) return token;
    const name = this.names[token];
    if (name === undefined) throw invalid(`An expression attribute name used is not defined: ${token}`);
    this.usedNames.add(token);
    return name;
  }

  value(token: string): unknown {
    if (!(token in this.values)) throw invalid(`An expression attribute value used is not defined: ${token}`);
    this.usedValues.add(token);
    return this.values[token];
  }

  /** DynamoDB's check once every expression of a request is parsed. */
  checkAllUsed(): void {
    for (const name of Object.keys(this.names))
      if (!this.usedNames.has(name))
        throw invalid(`Value provided in ExpressionAttributeNames unused: ${name}`);
    for (const value of Object.keys(this.values))
      if (!this.usedValues.has(value))
        throw invalid(`Value provided in ExpressionAttributeValues unused: ${value}`);
  }
}

const RESERVED = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN', 'SET', 'REMOVE', 'ADD', 'DELETE']);

/** A path into an item: its attribute names, outermost first. */
export type Path = readonly string[];

export type Operand =
  | { readonly kind: 'path'; readonly path: Path }
  | { readonly kind: 'value'; readonly value: unknown }
  | { readonly kind: 'ifNotExists'; readonly path: Path; readonly fallback: Operand }
  | { readonly kind: 'listAppend'; readonly first: Operand; readonly second: Operand }
  | {
      readonly kind: 'arithmetic';
      readonly operator: '+' | '-';
      readonly left: Operand;
      readonly right: Operand;
    };

export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly operand: Condition }
  | { readonly kind: 'compare'; readonly operator: string; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'between'; readonly operand: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: 'in'; readonly operand: Operand; readonly list: readonly Operand[] }
  | { readonly kind: 'exists'; readonly path: Path; readonly exists: boolean }
  | { readonly kind: 'beginsWith'; readonly operand: Operand; readonly prefix: Operand };

class Parser {
  #at = 0;

  readonly tokens: readonly Token[];
  readonly context: ExpressionContext;
  readonly source: string;

  constructor(tokens: readonly Token[], context: ExpressionContext, source: string) {
    this.tokens = tokens;
    this.context = context;
    this.source = source;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.#at + offset];
  }

  next(): Token {
    const token = this.tokens[this.#at++];
    if (!token) throw invalid(`expression ends too early: ${this.source}`);
    return token;
  }

  isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.kind === 'name' && token.text.toUpperCase() === word;
  }

  isSymbol(symbol: string): boolean {
    const token = this.peek();
    return token?.kind === 'symbol' && token.text === symbol;
  }

  expect(symbol: string): void {
    const token = this.next();
    if (token.kind !== 'symbol' || token.text !== symbol)
      throw invalid(`expected "${symbol}" in expression: ${this.source}`);
  }

  expectKeyword(word: string): void {
    if (!this.isKeyword(word)) throw invalid(`expected ${word} in expression: ${this.source}`);
    this.#at += 1;
  }

  done(): boolean {
    return this.#at >= this.tokens.length;
  }

  end(): void {
    if (!this.done()) throw invalid(`unexpected "${this.peek()!.text}" in expression: ${this.source}`);
  }

  path(): Path {
    const parts: string[] = [];
    for (;;) {
      const token = this.next();
      if (token.kind !== 'name' || RESERVED.has(token.text.toUpperCase()))
        throw invalid(`expected an attribute name in expression: ${this.source}`);
      parts.push(this.context.name(token.text));
      if (this.isSymbol('[')) throw invalid(`list indexes are not supported here: ${this.source}`);
      if (!this.isSymbol('.')) return parts;
      this.#at += 1;
    }
  }

  operand(): Operand {
    const token = this.peek();
    if (!token) throw invalid(`expression ends too early: ${this.source}`);
    if (token.kind === 'value') {
      this.#at += 1;
      return { kind: 'value', value: this.context.value(token.text) };
    }
    if (token.kind === 'name' && this.peek(1)?.text === '(') {
      const fn = token.text;
      this.#at += 2;
      if (fn === 'if_not_exists') {
        const path = this.path();
        this.expect(',');
        const fallback = this.operand();
        this.expect(')');
        return { kind: 'ifNotExists', path, fallback };
      }
      if (fn === 'list_append') {
        const first = this.operand();
        this.expect(',');
        const second = this.operand();
        this.expect(')');
        return { kind: 'listAppend', first, second };
      }
      throw invalid(`function ${fn} is not supported as an operand: ${this.source}`);
    }
    return { kind: 'path', path: this.path() };
  }

  updateValue(): Operand {
    const left = this.operand();
    if (this.isSymbol('+') || this.isSymbol('-')) {
      const operator = this.next().text as '+' | '-';
      return { kind: 'arithmetic', operator, left, right: this.operand() };
    }
    return left;
  }

  condition(): Condition {
    let left = this.conjunction();
    while (this.isKeyword('OR')) {
      this.#at += 1;
      left = { kind: 'or', left, right: this.conjunction() };
    }
    return left;
  }

  conjunction(): Condition {
    let left = this.negation();
    while (this.isKeyword('AND')) {
      this.#at += 1;
      left = { kind: 'and', left, right: this.negation() };
    }
    return left;
  }

  negation(): Condition {
    if (this.isKeyword('NOT')) {
      this.#at += 1;
      return { kind: 'not', operand: this.negation() };
    }
    return this.primary();
  }

  primary(): Condition {
    if (this.isSymbol('(')) {
      this.#at += 1;
      const inner = this.condition();
      this.expect(')');
      return inner;
    }
    const token = this.peek();
    if (token?.kind === 'name' && this.peek(1)?.text === '(') {
      const fn = token.text;
      if (fn === 'attribute_exists' || fn === 'attribute_not_exists') {
        this.#at += 2;
        const path = this.path();
        this.expect(')');
        return { kind: 'exists', path, exists: fn === 'attribute_exists' };
      }
      if (fn === 'begins_with') {
        this.#at += 2;
        const operand = this.operand();
        this.expect(',');
        const prefix = this.operand();
        this.expect(')');
        return { kind: 'beginsWith', operand, prefix };
      }
      throw invalid(`function ${fn} is not supported in a condition: ${this.source}`);
    }
    const left = this.operand();
    if (this.isKeyword('BETWEEN')) {
      this.#at += 1;
      const low = this.operand();
      this.expectKeyword('AND');
      return { kind: 'between', operand: left, low, high: this.operand() };
    }
    if (this.isKeyword('IN')) {
      this.#at += 1;
      this.expect('(');
      const list = [this.operand()];
      while (this.isSymbol(',')) {
        this.#at += 1;
        list.push(this.operand());
      }
      this.expect(')');
      return { kind: 'in', operand: left, list };
    }
    const operator = this.next();
    if (operator.kind !== 'symbol' || !['=', '<>', '<', '<=', '>', '>='].includes(operator.text))
      throw invalid(`expected a comparison in expression: ${this.source}`);
    return { kind: 'compare', operator: operator.text, left, right: this.operand() };
  }
}

const parser = (expression: string, context: ExpressionContext) =>
  new Parser(tokenize(expression), context, expression);

/** Parses a condition (ConditionExpression, FilterExpression, KeyConditionExpression). */
export const parseCondition = (expression: string, context: ExpressionContext): Condition => {
  const parse = parser(expression, context);
  const condition = parse.condition();
  parse.end();
  return condition;
};

/** Parses a ProjectionExpression: top-level attribute names only. */
export const parseProjection = (expression: string, context: ExpressionContext): string[] => {
  const parse = parser(expression, context);
  const names: string[] = [];
  for (;;) {
    const path = parse.path();
    if (path.length !== 1) throw invalid(`nested projections are not supported: ${expression}`);
    names.push(path[0]!);
    if (parse.done()) return names;
    parse.expect(',');
  }
};

export type UpdateAction =
  | { readonly kind: 'set'; readonly path: Path; readonly value: Operand }
  | { readonly kind: 'remove'; readonly path: Path }
  | { readonly kind: 'add' | 'delete'; readonly path: Path; readonly value: Operand };

/** Parses an UpdateExpression: its clauses, each once. */
export const parseUpdate = (expression: string, context: ExpressionContext): UpdateAction[] => {
  const parse = parser(expression, context);
  const actions: UpdateAction[] = [];
  const seen = new Set<string>();
  while (!parse.done()) {
    const clause = parse.next();
    const word = clause.kind === 'name' ? clause.text.toUpperCase() : '';
    if (!['SET', 'REMOVE', 'ADD', 'DELETE'].includes(word) || seen.has(word))
      throw invalid(`unexpected "${clause.text}" in update expression: ${expression}`);
    seen.add(word);
    for (;;) {
      const path = parse.path();
      if (word === 'SET') {
        parse.expect('=');
        actions.push({ kind: 'set', path, value: parse.updateValue() });
      } else if (word === 'REMOVE') {
        actions.push({ kind: 'remove', path });
      } else {
        const value = parse.operand();
        if (value.kind !== 'value') throw invalid(`${word} takes a value: ${expression}`);
        actions.push({ kind: word === 'ADD' ? 'add' : 'delete', path, value });
      }
      if (!parse.isSymbol(',')) break;
      parse.next();
    }
  }
  const targets = actions.map((action) => action.path.join('.'));
  if (new Set(targets).size !== targets.length)
    throw invalid(`Two document paths overlap in update expression: ${expression}`);
  return actions;
};

/** The attribute at `path` in `item`, or undefined. */
export const valueAt = (item: Item | undefined, path: Path): unknown => {
  let value: unknown = item;
  for (const part of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Set)
      return undefined;
    value = (value as Item)[part];
  }
  return value;
};

type Kind = 'S' | 'N' | 'B' | 'BOOL' | 'NULL' | 'L' | 'M' | 'SS' | 'NS' | 'BS' | undefined;

const kindOf = (value: unknown): Kind => {
  if (value === undefined) return undefined;
  if (value === null) return 'NULL';
  if (typeof value === 'string') return 'S';
  if (typeof value === 'number' || typeof value === 'bigint') return 'N';
  if (typeof value === 'boolean') return 'BOOL';
  if (value instanceof Uint8Array) return 'B';
  if (Array.isArray(value)) return 'L';
  if (value instanceof Set) {
    const first = value.values().next().value;
    return typeof first === 'string' ? 'SS' : first instanceof Uint8Array ? 'BS' : 'NS';
  }
  return 'M';
};

/** Deep equality of two attribute values (DynamoDB's `=`: same type and same value). */
export const sameValue = (a: unknown, b: unknown): boolean => {
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return false;
  switch (kind) {
    case 'N':
      return Number(a) === Number(b);
    case 'B':
      return Buffer.from(a as Uint8Array).equals(Buffer.from(b as Uint8Array));
    case 'L': {
      const x = a as unknown[];
      const y = b as unknown[];
      return x.length === y.length && x.every((value, index) => sameValue(value, y[index]));
    }
    case 'M': {
      const x = Object.entries(a as Item).filter(([, value]) => value !== undefined);
      const y = b as Item;
      return (
        x.length === Object.values(y).filter((value) => value !== undefined).length &&
        x.every(([key, value]) => sameValue(value, y[key]))
      );
    }
    case 'SS':
    case 'NS':
    case 'BS': {
      const x = [...(a as Set<unknown>)];
      const y = [...(b as Set<unknown>)];
      return x.length === y.length && x.every((value) => y.some((other) => sameValue(value, other)));
    }
    default:
      return a === b;
  }
};

/** DynamoDB's order on two scalars of one type (S, N, B); undefined when they cannot be ordered. */
const order = (a: unknown, b: unknown): number | undefined => {
  const kind = kindOf(a);
  if (kind !== kindOf(b)) return undefined;
  if (kind === 'S') return compareKeys(a as string, b as string);
  if (kind === 'N') return Number(a) - Number(b);
  if (kind === 'B') return Buffer.compare(Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array));
  return undefined;
};

/** An operand's value on `item` (before any change of the request). */
export const operandValue = (operand: Operand, item: Item | undefined): unknown => {
  switch (operand.kind) {
    case 'value':
      return operand.value;
    case 'path':
      return valueAt(item, operand.path);
    case 'ifNotExists': {
      const current = valueAt(item, operand.path);
      return current === undefined ? operandValue(operand.fallback, item) : current;
    }
    case 'listAppend': {
      const first = operandValue(operand.first, item);
      const second = operandValue(operand.second, item);
      if (!Array.isArray(first) || !Array.isArray(second))
        throw invalid('An operand of list_append is not a list');
      return [...first, ...second];
    }
    case 'arithmetic': {
      const left = operandValue(operand.left, item);
      const right = operandValue(operand.right, item);
      if (kindOf(left) !== 'N' || kindOf(right) !== 'N')
        throw invalid('An operand in the update expression has an incorrect data type');
      return operand.operator === '+' ? Number(left) + Number(right) : Number(left) - Number(right);
    }
  }
};

/** Whether `condition` holds on `item` (undefined: no item). */
export const holds = (condition: Condition, item: Item | undefined): boolean => {
  switch (condition.kind) {
    case 'and':
      return holds(condition.left, item) && holds(condition.right, item);
    case 'or':
      return holds(condition.left, item) || holds(condition.right, item);
    case 'not':
      return !holds(condition.operand, item);
    case 'exists':
      return (valueAt(item, condition.path) !== undefined) === condition.exists;
    case 'beginsWith': {
      const value = operandValue(condition.operand, item);
      const prefix = operandValue(condition.prefix, item);
      if (typeof prefix !== 'string' && !(prefix instanceof Uint8Array))
        throw invalid('begins_with takes a string or binary prefix');
      return typeof value === 'string' && typeof prefix === 'string' && value.startsWith(prefix);
    }
    case 'between': {
      const value = operandValue(condition.operand, item);
      const low = order(value, operandValue(condition.low, item));
      const high = order(value, operandValue(condition.high, item));
      return low !== undefined && high !== undefined && low >= 0 && high <= 0;
    }
    case 'in': {
      const value = operandValue(condition.operand, item);
      return condition.list.some((entry) => sameValue(value, operandValue(entry, item)));
    }
    case 'compare': {
      const left = operandValue(condition.left, item);
      const right = operandValue(condition.right, item);
      if (condition.operator === '=') return left !== undefined && sameValue(left, right);
      if (condition.operator === '<>') return left === undefined || !sameValue(left, right);
      const compared = order(left, right);
      if (compared === undefined) return false;
      switch (condition.operator) {
        case '<':
          return compared < 0;
        case '<=':
          return compared <= 0;
        case '>':
          return compared > 0;
        default:
          return compared >= 0;
      }
    }
  }
};

const setAt = (item: Item, path: Path, value: unknown): void => {
  let target = item;
  for (const part of path.slice(0, -1)) {
    const inner = target[part];
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner) || inner instanceof Set)
      throw invalid('The document path provided in the update expression is invalid for update');
    target = inner as Item;
  }
  target[path[path.length - 1]!] = value;
};

const removeAt = (item: Item, path: Path): void => {
  let target: unknown = item;
  for (const part of path.slice(0, -1)) {
    target = (target as Item | undefined)?.[part];
    if (target === null || typeof target !== 'object' || Array.isArray(target)) return;
  }
  delete (target as Item)[path[path.length - 1]!];
};

/**
 * Applies `actions` to `item` (changed in place); every operand is read on the item as it was before: `before`, a
 * copy of it the caller keeps unchanged (a copy is made when absent).
 */
export const applyUpdate = (
  item: Item,
  actions: readonly UpdateAction[],
  before: Item = structuredClone(item),
): void => {
  for (const action of actions) {
    if (action.kind === 'set') {
      setAt(item, action.path, structuredClone(operandValue(action.value, before)));
    } else if (action.kind === 'remove') {
      removeAt(item, action.path);
    } else {
      const current = valueAt(before, action.path);
      const value = operandValue(action.value, before);
      const kind = kindOf(value);
      if (action.kind === 'add' && kind === 'N') {
        if (current !== undefined && kindOf(current) !== 'N')
          throw invalid('An operand in the update expression has an incorrect data type');
        setAt(item, action.path, Number(current ?? 0) + Number(value));
      } else if (kind === 'SS' || kind === 'NS' || kind === 'BS') {
        if (current !== undefined && kindOf(current) !== kind)
          throw invalid('An operand in the update expression has an incorrect data type');
        const next = new Set(current as Set<unknown> | undefined);
        for (const member of value as Set<unknown>) {
          if (action.kind === 'add') next.add(member);
          else next.delete(member);
        }
        if (next.size === 0) removeAt(item, action.path);
        else setAt(item, action.path, next);
      } else {
        throw invalid(`${action.kind.toUpperCase()} takes a number or a set`);
      }
    }
  }
};
