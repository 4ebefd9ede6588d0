import type { Filter, FilterGroups } from '../../shared/core/filters/filter.schema.ts';
import type { FilterInput } from '../../shared/core/filters/filter-input.ts';
import {
  CONTACT,
  type FilterMaker,
  generateCriteriaWith,
  mixCase,
  NOW,
  pick,
  prng,
  type Random,
} from './filters-workload.ts';

// A portal's custom properties: the varied workload spreads its filters over them, so that few filters repeat.
const TEXTS = 100;
const NUMBERS = 100;
const DATES = 50;
const DATETIMES = 50;
const COMPANY_PROPERTIES = 20;
const LISTS = 40;
/** Own properties changed together, as in an import: `text_0…9` and `num_0…9` besides the lifecycle stage. */
const CHANGED = 10;
const DAY_MS = 86_400_000;
const NUMBER_SPREAD = 1_000_000;

const SYLLABLES = [...'bcdfghjklmnprstvz'].flatMap((consonant) =>
  [...'aeiou'].map((vowel) => consonant + vowel),
);
/** A made-up word of two or three syllables: about 600,000 of them. */
const word = (random: Random): string =>
  Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(random, SYLLABLES)).join('');
const phrase = (random: Random, words = 3): string =>
  Array.from({ length: words }, () => word(random)).join(' ');
const below = (random: Random, n: number): number => Math.floor(random() * n);
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const textProperty = (random: Random) => `text_${below(random, TEXTS)}`;
const numberProperty = (random: Random) => `num_${below(random, NUMBERS)}`;
const absentProperty = (random: Random) => `x_${below(random, NUMBER_SPREAD)}`;

const buildContact = (): FilterInput => {
  const random = prng(7);
  const properties: Record<string, unknown> = { ...CONTACT.properties };
  for (let i = 0; i < TEXTS; i += 1) properties[`text_${i}`] = phrase(random);
  for (let i = 0; i < NUMBERS; i += 1) properties[`num_${i}`] = below(random, NUMBER_SPREAD);
  const from1950 = Date.UTC(1950, 0, 1);
  for (let i = 0; i < DATES; i += 1)
    properties[`date_${i}`] = isoDay(from1950 + below(random, 81 * 365) * DAY_MS);
  // At least an hour old, so that every time window in whole minutes has a value on each side.
  for (let i = 0; i < DATETIMES; i += 1) {
    properties[`dt_${i}`] = new Date(NOW.getTime() - 3_600_000 - below(random, 400 * DAY_MS)).toISOString();
  }
  const company = (name: string) => {
    const record: Record<string, unknown> = { name };
    for (let i = 0; i < COMPANY_PROPERTIES; i += 1) {
      record[`text_${i}`] = phrase(random, 2);
      record[`num_${i}`] = below(random, NUMBER_SPREAD);
    }
    return record;
  };
  return {
    objectType: 'contacts',
    properties,
    changedProperties: [
      'lifecyclestage',
      ...Array.from({ length: CHANGED }, (_, i) => `text_${i}`),
      ...Array.from({ length: CHANGED }, (_, i) => `num_${i}`),
    ],
    associated: {
      companies: [company('Radium SA'), company('Polonium'), company('Actinium')],
      deals: [
        { dealname: 'Lab kit', amount: 12_000 + below(random, NUMBER_SPREAD) },
        { dealname: 'Spectrometer', amount: 250_000 + below(random, NUMBER_SPREAD) },
      ],
    },
    lists: Array.from({ length: LISTS }, (_, i) => `lst_m${i}`),
    now: NOW,
  };
};

/** One contact with a portal's worth of custom properties, lists and a bulk change: the varied workload's record. */
export const VARIED_CONTACT: FilterInput = buildContact();

const own = (property: string): string => String(VARIED_CONTACT.properties[property]);
const ownNumber = (property: string): number => VARIED_CONTACT.properties[property] as number;
const companies = VARIED_CONTACT.associated!.companies!;
const deals = VARIED_CONTACT.associated!.deals!;
const PRESENT = Object.keys(VARIED_CONTACT.properties).filter(
  (name) => VARIED_CONTACT.properties[name] != null,
);
/** A slice of at least three characters of `text`. */
const sliceOf = (random: Random, text: string, at: 'start' | 'end' | 'any'): string => {
  const length = 3 + below(random, text.length - 2);
  const start =
    at === 'start' ? 0 : at === 'end' ? text.length - length : below(random, text.length - length + 1);
  return text.slice(start, start + length);
};
/** The UTC day of a date or datetime property, in days since the epoch. */
const dayOf = (property: string): number => Math.floor(Date.parse(own(property)) / DAY_MS);
const day = (days: number): string => isoDay(days * DAY_MS);
const spreadDays = (random: Random) => below(random, 20_000);

// The same operator families, in the same order and with the same weights, as the repeated workload's makers;
// values come from pools of hundreds of thousands, numbers and dates are spread widely.
const makers: readonly FilterMaker[] = [
  (random, hit) => {
    const property = textProperty(random);
    return { property, operator: 'eq', value: mixCase(random, hit ? own(property) : phrase(random)) };
  },
  (random, hit) => {
    const property = textProperty(random);
    const value = hit ? phrase(random) : mixCase(random, own(property));
    return { property, operator: 'neq', value, ...(random() < 0.3 && { includeEmpty: true }) };
  },
  (random, hit) => {
    const property = textProperty(random);
    const values = Array.from({ length: 1 + below(random, 3) }, () => phrase(random, 1 + below(random, 3)));
    if (hit) values.splice(below(random, values.length + 1), 0, mixCase(random, own(property)));
    return { property, operator: 'in', values };
  },
  (random, hit) => {
    const property = textProperty(random);
    const values = Array.from({ length: 1 + below(random, 3) }, () => phrase(random, 1 + below(random, 3)));
    if (!hit) values.push(mixCase(random, own(property)));
    return { property, operator: 'notIn', values, ...(random() < 0.3 && { includeEmpty: true }) };
  },
  (random, hit) => {
    const property = numberProperty(random);
    const value = ownNumber(property);
    const low = hit ? value - below(random, NUMBER_SPREAD) : value + 1 + below(random, NUMBER_SPREAD);
    return random() < 0.5
      ? { property, operator: 'gte', value: low }
      : {
          property,
          operator: 'between',
          value: low,
          highValue: Math.max(low, value) + below(random, NUMBER_SPREAD),
        };
  },
  (random, hit) => {
    const property = numberProperty(random);
    const value = ownNumber(property);
    const bound = hit ? value + 1 + below(random, NUMBER_SPREAD) : value - below(random, NUMBER_SPREAD);
    return { property, operator: 'lt', value: bound };
  },
  (random, hit) => {
    const property = textProperty(random);
    const operator = pick(random, ['startsWith', 'endsWith', 'contains'] as const);
    const at = operator === 'startsWith' ? 'start' : operator === 'endsWith' ? 'end' : 'any';
    const value = hit ? mixCase(random, sliceOf(random, own(property), at)) : `${word(random)}q`;
    return { property, operator, value };
  },
  (random, hit) => {
    const property = textProperty(random);
    const value = hit ? `${word(random)}q` : mixCase(random, sliceOf(random, own(property), 'any'));
    return { property, operator: 'notContains', value };
  },
  (random, hit) => {
    const property = textProperty(random);
    const words = own(property).split(' ');
    const first = below(random, words.length);
    const value = hit
      ? mixCase(random, words.slice(first, first + 1 + below(random, 2)).join(' '))
      : `${word(random)}q`;
    return { property, operator: 'containsToken', value };
  },
  (random, hit): Filter => {
    // A set property can be named only so many ways: most hits test an absent one, which can be any name.
    const present = random() < (hit ? 0.2 : 0.5);
    if (hit) {
      return present
        ? { property: pick(random, PRESENT), operator: 'hasProperty' }
        : { property: absentProperty(random), operator: 'notHasProperty' };
    }
    return present
      ? { property: pick(random, PRESENT), operator: 'notHasProperty' }
      : { property: absentProperty(random), operator: 'hasProperty' };
  },
  (random, hit): Filter => {
    const property = random() < 0.5 ? `date_${below(random, DATES)}` : `dt_${below(random, DATETIMES)}`;
    const d = dayOf(property);
    const after = d + 1 + spreadDays(random);
    const before = d - 1 - spreadDays(random);
    switch (pick(random, ['lt', 'gte', 'lte', 'between'] as const)) {
      case 'lt':
        return { property, operator: 'lt', value: day(hit ? after : d - spreadDays(random)) };
      case 'gte':
        return { property, operator: 'gte', value: day(hit ? d - spreadDays(random) : after) };
      case 'lte':
        return { property, operator: 'lte', value: day(hit ? d + spreadDays(random) : before) };
      case 'between':
        return hit
          ? { property, operator: 'between', value: day(before), highValue: day(after) }
          : { property, operator: 'between', value: day(after), highValue: day(after + spreadDays(random)) };
    }
  },
  (random, hit) => {
    const property = `dt_${below(random, DATETIMES)}`;
    const ageMinutes = (NOW.getTime() - Date.parse(own(property))) / 60_000;
    const within = Math.ceil(ageMinutes) + below(random, 100_000);
    const outside = Math.max(1, Math.floor(ageMinutes) - below(random, Math.floor(ageMinutes)));
    return random() < 0.5
      ? { property, operator: 'withinLast', value: `PT${hit ? within : outside}M` }
      : { property, operator: 'notWithinLast', value: `PT${hit ? outside : within}M` };
  },
  (random, hit): Filter => {
    const i = below(random, COMPANY_PROPERTIES);
    switch (below(random, 3)) {
      case 0: {
        const values = companies.map((company) => company[`num_${i}`] as number);
        const threshold = hit
          ? pick(random, values) - below(random, NUMBER_SPREAD)
          : Math.max(...values) + 1 + below(random, NUMBER_SPREAD);
        return { property: `companies.num_${i}`, operator: 'gte', value: threshold };
      }
      case 1: {
        const value = hit ? String(pick(random, companies)[`text_${i}`]) : phrase(random, 2);
        return { property: `companies.text_${i}`, operator: 'eq', value: mixCase(random, value) };
      }
      default: {
        const amounts = deals.map((deal) => deal.amount as number);
        const threshold = hit
          ? pick(random, amounts) - 1 - below(random, 10_000)
          : Math.max(...amounts) + below(random, NUMBER_SPREAD);
        return { property: 'deals.amount', operator: 'gt', value: threshold };
      }
    }
  },
  (random, hit): Filter => {
    const member = pick(random, VARIED_CONTACT.lists!);
    const stranger = `lst_x${below(random, NUMBER_SPREAD)}`;
    if (hit) {
      // Forty lists can be named only so many ways: most hits test a list the contact is not in.
      return random() < 0.1
        ? { operator: 'inList', listId: member }
        : { operator: 'notInList', listId: stranger };
    }
    return random() < 0.5
      ? { operator: 'inList', listId: stranger }
      : { operator: 'notInList', listId: member };
  },
  (random, hit): Filter => {
    const changed = `text_${below(random, CHANGED)}`;
    const unchanged = `text_${CHANGED + below(random, TEXTS - CHANGED)}`;
    if (random() < 0.1) {
      return {
        property: hit ? pick(random, VARIED_CONTACT.changedProperties!) : unchanged,
        operator: 'changed',
      };
    }
    const property = hit ? changed : unchanged;
    return { property, operator: 'changedTo', value: mixCase(random, own(property)) };
  },
];

/**
 * `count` workflows' criteria of `filtersPerWorkflow` filters each on `VARIED_CONTACT`, the same for a given
 * seed: the operators of `generateCriteria`, but (nearly) every filter distinct, so that sharing equal compiled
 * filters gains the engine nothing.
 */
export const generateVariedCriteria = (
  count: number,
  filtersPerWorkflow: number,
  seed = 42,
): FilterGroups[] => generateCriteriaWith(makers, count, filtersPerWorkflow, seed);
