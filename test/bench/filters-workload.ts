import { DateTime } from 'luxon';
import sift from 'sift';
import {
  type Filter,
  type FilterGroups,
  isPropertyFilter,
  type PropertyFilter,
} from '../../shared/core/filters/filter.schema.ts';
import type { FilterInput } from '../../shared/core/filters/filter-input.ts';
import { tokenPattern } from '../../shared/core/filters/text-comparison.ts';
import { parseIsoDuration } from '../../shared/core/time/iso-duration.ts';

/** The benchmark's fixed instant, so that time filters give the same answer on every run. */
export const NOW = new Date('2026-03-05T12:00:00.000Z');

/** One contact, as enrollment sees it after a change of its lifecycle stage. */
export const CONTACT: FilterInput = {
  objectType: 'contacts',
  properties: {
    email: 'Marie.Curie@Example.fr',
    firstname: 'Marie',
    lastname: 'Curie',
    phone: '+33 1 23 45 67 89',
    city: 'Paris',
    country: 'FR',
    jobtitle: 'Head of Research Operations',
    lifecyclestage: 'lead',
    leadstatus: null,
    score: 72,
    ownerId: 'own_3',
    birthdate: '1984-11-07',
    createdate: '2026-02-20T09:30:00.000Z',
    lastmodifieddate: '2026-03-05T11:58:00.000Z',
  },
  changedProperties: ['lifecyclestage'],
  associated: {
    companies: [
      { name: 'Radium SA', industry: 'Research', numberofemployees: 120, country: 'FR' },
      { name: 'Polonium', industry: 'Software', numberofemployees: 15, country: 'PL' },
    ],
    deals: [{ dealname: 'Lab kit', amount: 12_000, dealstage: 'contractsent', closedate: '2026-04-30' }],
  },
  lists: ['lst_newsletter', 'lst_events'],
  now: NOW,
};

/** Mulberry32: a tiny seeded PRNG, so every run benchmarks the same workflows. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

/** A source of numbers in [0, 1). */
export type Random = () => number;
/** One of `items`, at random. */
export const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;
/** `text` with each letter's case drawn at random. */
export const mixCase = (random: Random, text: string): string =>
  [...text].map((c) => (random() < 0.5 ? c.toUpperCase() : c.toLowerCase())).join('');

const TEXT_POOLS: Record<string, readonly string[]> = {
  country: ['FR', 'DE', 'US', 'ES', 'IT', 'BE'],
  city: ['Paris', 'Lyon', 'Berlin', 'Madrid', 'Boston'],
  firstname: ['Marie', 'Pierre', 'Irène', 'Ève'],
  lastname: ['Curie', 'Langevin', 'Joliot'],
  ownerId: ['own_1', 'own_2', 'own_3', 'own_4'],
};
const STAGES = [
  'subscriber',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
];
const STATUSES = ['new', 'open', 'in_progress', 'unqualified', 'connected', 'bad_timing'];

// Each maker returns a filter the contact passes with probability ~`hit`, so that groups are not all
// decided by their first filter.
const makers: readonly FilterMaker[] = [
  (random, hit) => {
    const property = pick(random, Object.keys(TEXT_POOLS));
    const own = String(CONTACT.properties[property]);
    const others = TEXT_POOLS[property]!.filter((v) => v.toLowerCase() !== own.toLowerCase());
    return { property, operator: 'eq', value: mixCase(random, hit ? own : pick(random, others)) };
  },
  (random, hit) => {
    const property = pick(random, ['country', 'city']);
    const own = String(CONTACT.properties[property]);
    const value = hit
      ? pick(
          random,
          TEXT_POOLS[property]!.filter((v) => v !== own),
        )
      : own;
    return { property, operator: 'neq', value, ...(random() < 0.3 && { includeEmpty: true }) };
  },
  (random, hit) => {
    const others = STAGES.filter((s) => s !== 'lead');
    const values = [pick(random, others), pick(random, others)];
    if (hit) values.push('LEAD');
    return { property: 'lifecyclestage', operator: 'in', values };
  },
  (random, hit) => ({
    property: 'leadstatus',
    operator: 'notIn',
    values: [pick(random, STATUSES)],
    ...(hit && { includeEmpty: true }),
  }),
  (random, hit) => {
    const threshold = hit ? 40 + Math.floor(random() * 30) : 80 + Math.floor(random() * 20);
    return random() < 0.5
      ? { property: 'score', operator: 'gte', value: threshold }
      : { property: 'score', operator: 'between', value: threshold, highValue: threshold + 50 };
  },
  (_random, hit) => ({ property: 'score', operator: 'lt', value: hit ? 100 : 50 }),
  (random, hit) =>
    pick(random, [
      { property: 'email', operator: 'endsWith', value: hit ? '.FR' : '.de' },
      { property: 'email', operator: 'contains', value: hit ? 'curie@' : 'joliot' },
      { property: 'phone', operator: 'startsWith', value: hit ? '+33' : '+49' },
    ] as const),
  (_random, hit) => ({ property: 'jobtitle', operator: 'notContains', value: hit ? 'intern' : 'research' }),
  (random, hit) => ({
    property: 'jobtitle',
    operator: 'containsToken',
    value: hit ? pick(random, ['research', 'Head', 'research operations']) : pick(random, ['sales', 'oper']),
  }),
  (random, hit) => ({
    property: pick(random, ['phone', 'city', 'email']),
    operator: hit ? 'hasProperty' : 'notHasProperty',
  }),
  (random, hit) =>
    pick(random, [
      { property: 'birthdate', operator: 'lt', value: hit ? '1990-01-01' : '1980-01-01' },
      { property: 'createdate', operator: 'gte', value: hit ? '2026-02-20' : '2026-02-21' },
      { property: 'createdate', operator: 'lte', value: hit ? '2026-02-20' : '2026-02-19' },
      {
        property: 'birthdate',
        operator: 'between',
        value: '1980-01-01',
        highValue: hit ? '1984-11-07' : '1984-11-06',
      },
    ] as const),
  (random, hit) =>
    pick(random, [
      { property: 'createdate', operator: 'withinLast', value: hit ? 'P1M' : 'P7D' },
      { property: 'lastmodifieddate', operator: 'withinLast', value: hit ? 'PT1H' : 'PT1M' },
      { property: 'createdate', operator: 'notWithinLast', value: hit ? 'P7D' : 'P30D' },
    ] as const),
  (random, hit) =>
    pick(random, [
      { property: 'companies.industry', operator: 'eq', value: hit ? 'software' : 'retail' },
      { property: 'companies.numberofemployees', operator: 'gte', value: hit ? 100 : 500 },
      {
        property: 'deals.dealstage',
        operator: 'in',
        values: hit ? ['contractsent', 'closedwon'] : ['closedlost'],
      },
      { property: 'deals.amount', operator: 'gt', value: hit ? 10_000 : 50_000 },
    ] as const),
  (random, hit) => {
    const member = pick(random, CONTACT.lists ?? []);
    return random() < 0.5
      ? { operator: 'inList', listId: hit ? member : 'lst_partners' }
      : { operator: 'notInList', listId: hit ? 'lst_unsubscribed' : member };
  },
  (random, hit) =>
    random() < 0.5
      ? { property: hit ? 'lifecyclestage' : 'city', operator: 'changed' }
      : { property: 'lifecyclestage', operator: 'changedTo', value: hit ? 'Lead' : 'customer' },
];
/** Makes one filter that the workload's contact passes when `hit`, and fails otherwise. */
export type FilterMaker = (random: Random, hit: boolean) => Filter;

/**
 * Weights of the makers, one per operator family, in this order: eq, neq, in, notIn, gte/between, lt, text,
 * notContains, containsToken, presence, dates, time windows, associated, lists, changes. The common operators
 * (eq, in, numbers, text) dominate, as in real criteria.
 */
export const WEIGHTS = [6, 2, 4, 1, 3, 1, 3, 1, 1, 2, 2, 1, 2, 1, 1];

/** `count` criteria of `filtersPerWorkflow` filters each, drawn from `from` (one maker per weight). */
export const generateCriteriaWith = (
  from: readonly FilterMaker[],
  count: number,
  filtersPerWorkflow: number,
  seed: number,
): FilterGroups[] => {
  const random = prng(seed);
  const total = WEIGHTS.reduce((sum, weight) => sum + weight, 0);
  const nextFilter = (): Filter => {
    let roll = random() * total;
    let index = 0;
    while (roll >= WEIGHTS[index]!) roll -= WEIGHTS[index++]!;
    return from[index]!(random, random() < 0.9);
  };
  return Array.from({ length: count }, () => {
    const filters = Array.from({ length: filtersPerWorkflow }, nextFilter);
    if (random() < 0.7) return [{ filters }];
    const half = filtersPerWorkflow / 2;
    return [{ filters: filters.slice(0, half) }, { filters: filters.slice(half) }];
  });
};

/**
 * `count` workflows' criteria of `filtersPerWorkflow` filters each, the same for a given seed. Their values come
 * from small pools, as a portal's workflows repeat the same stages and countries: few filters are distinct.
 */
export const generateCriteria = (count: number, filtersPerWorkflow: number, seed = 42): FilterGroups[] =>
  generateCriteriaWith(makers, count, filtersPerWorkflow, seed);

// --- sift: the same criteria as a fair mongo-query user would write them -------------------------------

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (text: string) => new RegExp(`^${escapeRegExp(text)}$`, 'i');
const nextDay = (date: string) => DateTime.fromISO(date, { zone: 'utc' }).plus({ days: 1 }).toISODate()!;
const EMPTY = [null, ''];

const windowStart = (duration: string): string => {
  const d = parseIsoDuration(duration)!;
  return DateTime.fromJSDate(NOW, { zone: 'utc' })
    .minus({ years: d.years, months: d.months, weeks: d.weeks, days: d.days })
    .minus({ hours: d.hours, minutes: d.minutes, seconds: d.seconds })
    .toISO({ suppressMilliseconds: false })!
    .replace('+00:00', 'Z');
};

const negative = (field: string, includeEmpty: boolean | undefined, query: object) =>
  includeEmpty
    ? { $or: [{ [field]: { $in: EMPTY } }, query] }
    : { $and: [{ [field]: { $nin: EMPTY } }, query] };

const ordered = (
  field: string,
  operator: string,
  value: string | number | boolean,
  high?: string | number,
) => {
  const isDate = typeof value === 'string' && value.length === 10;
  const upper = (v: string | number) =>
    typeof v === 'string' && v.length === 10 ? { $lt: nextDay(v) } : { $lte: v };
  switch (operator) {
    case 'lt':
      return { [field]: { $lt: value } };
    case 'lte':
      return { [field]: upper(value as string | number) };
    case 'gt':
      return { [field]: isDate ? { $gte: nextDay(value) } : { $gt: value } };
    case 'gte':
      return { [field]: { $gte: value } };
    default:
      return { [field]: { $gte: value, ...upper(high!) } };
  }
};

const valueQuery = (field: string, filter: PropertyFilter): object => {
  switch (filter.operator) {
    case 'eq':
    case 'changedTo':
      return { [field]: typeof filter.value === 'string' ? exactly(filter.value) : filter.value };
    case 'neq':
      return negative(field, filter.includeEmpty, { [field]: { $not: exactly(String(filter.value)) } });
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return ordered(field, filter.operator, filter.value);
    case 'between':
      return ordered(field, 'between', filter.value, filter.highValue);
    case 'in':
      return { [field]: { $in: filter.values.map((v) => (typeof v === 'string' ? exactly(v) : v)) } };
    case 'notIn':
      return negative(field, filter.includeEmpty, {
        [field]: { $nin: filter.values.map((v) => (typeof v === 'string' ? exactly(v) : v)) },
      });
    case 'hasProperty':
      return { [field]: { $nin: EMPTY } };
    case 'notHasProperty':
      return { [field]: { $in: EMPTY } };
    case 'contains':
      return { [field]: new RegExp(escapeRegExp(String(filter.value)), 'i') };
    case 'notContains':
      return negative(field, filter.includeEmpty, {
        [field]: { $not: new RegExp(escapeRegExp(String(filter.value)), 'i') },
      });
    case 'startsWith':
      return { [field]: new RegExp(`^${escapeRegExp(String(filter.value))}`, 'i') };
    case 'endsWith':
      return { [field]: new RegExp(`${escapeRegExp(String(filter.value))}$`, 'i') };
    case 'containsToken':
      return { [field]: tokenPattern(String(filter.value)) };
    case 'withinLast':
      return { [field]: { $gte: windowStart(filter.value), $lte: NOW.toISOString() } };
    case 'notWithinLast':
      return negative(field, filter.includeEmpty, {
        $or: [{ [field]: { $lt: windowStart(filter.value) } }, { [field]: { $gt: NOW.toISOString() } }],
      });
    case 'changed':
      // The change itself, read from `_changed` by `siftFilter`: clearing a property changes it too.
      return {};
  }
};

const siftFilter = (filter: Filter): object => {
  if (!isPropertyFilter(filter)) {
    return filter.operator === 'inList' ? { _lists: filter.listId } : { _lists: { $ne: filter.listId } };
  }
  const [objectType, name] = filter.property.includes('.')
    ? filter.property.split('.')
    : [undefined, filter.property];
  // A change is one of the record's own properties: on associated records the engine never sees one.
  if (objectType && filter.operator.startsWith('changed')) return { _never: { $exists: true } };
  if (objectType) return { [objectType]: { $elemMatch: valueQuery(name!, filter) } };
  if (filter.operator === 'changed' || filter.operator === 'changedTo') {
    return { $and: [{ _changed: name }, valueQuery(name!, filter)] };
  }
  return valueQuery(name!, filter);
};

/** A sift tester for `groups`: `$or` of `$and`s over a flat document (see `siftDocument`). */
export const toSift = (groups: FilterGroups): ((doc: unknown) => boolean) =>
  // sift is CommonJS: under `nodenext` its default import is `module.exports`, whose `default` is the tester.
  sift.default({ $or: groups.map((group) => ({ $and: group.filters.map(siftFilter) })) });

/** The document sift reads: the record's properties, associated records by type, lists and changes. */
const DAY = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T/;

/** `value` as the `k`th variant holds it: numbers moved by k, dates by k days, other texts cased anew. */
const varied = (value: unknown, k: number): unknown => {
  if (typeof value === 'number') return value + k;
  if (typeof value !== 'string') return value;
  if (ISO_DATE.test(value)) return new Date(Date.parse(value) + k * DAY).toISOString().slice(0, 10);
  if (ISO_DATETIME.test(value)) return new Date(Date.parse(value) + k * DAY).toISOString();
  return k % 2 === 1 ? value.toUpperCase() : value.toLowerCase();
};

const variedBag = (bag: Record<string, unknown>, k: number): Record<string, unknown> =>
  Object.fromEntries(Object.entries(bag).map(([name, value]) => [name, varied(value, k)]));

/**
 * Another contact like `input`, its values changed (numbers moved by `k`, dates by `k` days, texts upper-cased for odd
 * `k`, lower-cased for even; a text without letters, or already so cased, stays): read in turn with `input`, nearly
 * every value differs from the one read before, so few remembered verdicts apply.
 */
export const contactVariant = (input: FilterInput, k: number): FilterInput => ({
  ...input,
  properties: variedBag(input.properties ?? {}, k),
  associated: Object.fromEntries(
    Object.entries(input.associated ?? {}).map(([type, records]) => [
      type,
      (records as Record<string, unknown>[]).map((record) => variedBag(record, k)),
    ]),
  ),
});

export const siftDocument = (input: FilterInput): Record<string, unknown> => ({
  ...input.properties,
  ...input.associated,
  _lists: input.lists ?? [],
  _changed: input.changedProperties ?? [],
});

// --- closures: the same criteria as a developer would write them by hand --------------------------------

/** One record's properties normalised once: the raw values, texts case-folded, date-like texts parsed. */
export interface NormalisedBag {
  readonly p: Readonly<Record<string, unknown>>;
  readonly t: Readonly<Record<string, string>>;
  readonly d: Readonly<Record<string, number>>;
}

/** What the hand-written closures read: the record and its associated records normalised, lists, changes. */
export interface NormalisedRecord extends NormalisedBag {
  readonly a: Readonly<Record<string, readonly NormalisedBag[]>>;
  readonly l: readonly string[];
  readonly c: readonly string[];
}

const DATE_LIKE = /^\d{4}-\d\d-\d\d/;

const normaliseBag = (bag: Readonly<Record<string, unknown>>): NormalisedBag => {
  const t: Record<string, string> = {};
  const d: Record<string, number> = {};
  for (const key in bag) {
    const value = bag[key];
    if (typeof value !== 'string') continue;
    t[key] = value.toLowerCase();
    if (DATE_LIKE.test(value)) d[key] = Date.parse(value);
  }
  return { p: bag, t, d };
};

/**
 * The record as a developer would prepare it once before running hand-written criteria: every text lowercased,
 * every date-like text parsed (`Date.parse`), the associated records likewise.
 */
export const normalise = (input: FilterInput): NormalisedRecord => {
  const a: Record<string, NormalisedBag[]> = {};
  for (const [type, records] of Object.entries(input.associated ?? {})) a[type] = records.map(normaliseBag);
  return { ...normaliseBag(input.properties), a, l: input.lists ?? [], c: input.changedProperties ?? [] };
};

const js = JSON.stringify;
const nonEmpty = (v: string) => `(${v} != null && ${v} !== '')`;
const isText = (v: string) => `typeof ${v} === 'string'`;

/** How a closure reads one property of a normalised bag `bag`: raw, lowercased, parsed. */
const accessors = (bag: string, name: string) => ({
  v: `${bag}.p[${js(name)}]`,
  lower: `${bag}.t[${js(name)}]`,
  time: `${bag}.d[${js(name)}]`,
});

const valueSource = (bag: string, name: string, filter: PropertyFilter, constants: unknown[]): string => {
  const { v, lower: lv, time } = accessors(bag, name);
  const lower = 'value' in filter ? String(filter.value).toLowerCase() : '';
  const orEmpty = (test: string) =>
    'includeEmpty' in filter && filter.includeEmpty
      ? `(!${nonEmpty(v)} || ${test})`
      : `(${nonEmpty(v)} && ${test})`;
  const ms = (text: string | number | boolean) => Date.parse(String(text));
  switch (filter.operator) {
    case 'eq':
    case 'changedTo':
      return typeof filter.value === 'string' ? `(${lv} === ${js(lower)})` : `${v} === ${js(filter.value)}`;
    case 'neq':
      return orEmpty(`(${isText(v)} && ${lv} !== ${js(lower)})`);
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
    case 'between': {
      if (typeof filter.value === 'number') {
        const high = filter.operator === 'between' ? ` && ${v} <= ${filter.highValue}` : '';
        const op = { lt: '<', lte: '<=', gt: '>', gte: '>=', between: '>=' }[filter.operator];
        return `(typeof ${v} === 'number' && ${v} ${op} ${filter.value}${high})`;
      }
      const day = ms(filter.value);
      const end = (text: string | number | boolean) => ms(text) + 86_399_999;
      const range = {
        lt: `${time} < ${day}`,
        lte: `${time} <= ${end(filter.value)}`,
        gt: `${time} > ${end(filter.value)}`,
        gte: `${time} >= ${day}`,
        between: `${time} >= ${day} && ${time} <= ${end(filter.operator === 'between' ? filter.highValue : 0)}`,
      }[filter.operator];
      return `(${range})`;
    }
    case 'in':
    case 'notIn': {
      const texts = filter.values.filter((x) => typeof x === 'string').map((x) => x.toLowerCase());
      const test = `R[${constants.push(new Set(texts)) - 1}].has(${lv})`;
      return filter.operator === 'in' ? `(${isText(v)} && ${test})` : orEmpty(`(${isText(v)} && !${test})`);
    }
    case 'hasProperty':
      return nonEmpty(v);
    case 'notHasProperty':
      return `!${nonEmpty(v)}`;
    case 'contains':
      return `(${isText(v)} && ${lv}.includes(${js(lower)}))`;
    case 'notContains':
      return orEmpty(`(${isText(v)} && !${lv}.includes(${js(lower)}))`);
    case 'startsWith':
      return `(${isText(v)} && ${lv}.startsWith(${js(lower)}))`;
    case 'endsWith':
      return `(${isText(v)} && ${lv}.endsWith(${js(lower)}))`;
    case 'containsToken':
      return `(${isText(v)} && R[${constants.push(tokenPattern(lower)!) - 1}].test(${v}))`;
    case 'withinLast':
    case 'notWithinLast': {
      const within = `${time} >= ${Date.parse(windowStart(filter.value))} && ${time} <= now`;
      return filter.operator === 'withinLast' ? `(${within})` : orEmpty(`!(${within})`);
    }
    case 'changed':
      // As the engine: the property is among the changed ones (`filterSource`), whatever its value now.
      return 'true';
  }
};

const filterSource = (filter: Filter, constants: unknown[]): string => {
  if (!isPropertyFilter(filter)) {
    return `${filter.operator === 'inList' ? '' : '!'}n.l.includes(${js(filter.listId)})`;
  }
  const [objectType, name] = filter.property.includes('.')
    ? filter.property.split('.')
    : [undefined, filter.property];
  if (objectType && filter.operator.startsWith('changed')) return 'false';
  if (objectType)
    return `(n.a[${js(objectType)}] ?? []).some((r) => ${valueSource('r', name!, filter, constants)})`;
  const own = valueSource('n', name!, filter, constants);
  return filter.operator.startsWith('changed') ? `(n.c.includes(${js(name)}) && ${own})` : own;
};

/**
 * `groups` as one hand-written closure over the record normalised once (`normalise`) — the practical speed
 * limit: texts compared lowercased, dates as parsed numbers, constants (patterns, Sets) hoisted.
 */
export const toClosure = (groups: FilterGroups): ((record: NormalisedRecord) => boolean) => {
  const constants: unknown[] = [];
  const body = groups.map((group) => group.filters.map((f) => filterSource(f, constants)).join(' && '));
  const factory = new Function(
    'R',
    `return (n) => { const now = ${NOW.getTime()}; return ${body.map((b) => `(${b})`).join(' || ')}; };`,
  );
  return factory(constants);
};
