import fc from 'fast-check';
import type { Filter, FilterGroups } from '../../../shared/core/filters/filter.schema.ts';
import type { FilterInput, PropertyBag } from '../../../shared/core/filters/filter-input.ts';
import type { PropertyTypes } from '../../../shared/core/filters/filter-options.ts';
import { PROPERTY_TYPES } from '../../../shared/core/records/property.schema.ts';

/** The instant every generated record is evaluated at. */
export const NOW = new Date('2026-03-05T12:00:00.000Z');

/** Own properties, one that an Object.prototype member shares its name with, and associated ones by type. */
const OWN = ['city', 'score', 'birthdate', 'createdate', 'optin', 'stage', 'constructor'] as const;
const ASSOCIATED: Readonly<Record<string, readonly string[]>> = {
  companies: ['city', 'size'],
  deals: ['closedate', 'amount'],
};
const PATHS = [
  ...OWN,
  ...Object.entries(ASSOCIATED).flatMap(([type, names]) => names.map((name) => `${type}.${name}`)),
];
const LISTS = ['lst_a', 'lst_b', 'lst_c'];

// Values that collide on purpose: one text in several cases, a date as a date, a datetime and an instant in
// another offset, numbers and their texts, booleans and theirs, empties.
const TEXTS = [
  'Paris',
  'paris',
  'PARIS',
  'New York',
  'new-york office',
  'lead',
  'Lead',
  '42',
  'true',
  'FALSE',
  'İstanbul',
  '2026-03-01',
  '2026-03-04',
  '2026-03-01T10:00:00Z',
  '2026-03-01T11:00:00+01:00',
  '2026-03-05T11:00:00Z',
  '2027-01-01T00:00:00Z',
  '1990-07-14',
  '1990',
] as const;
const NUMBERS = [0, 42, -1, 72.5, 1_000_000] as const;
const DURATIONS = ['P1D', 'P7D', 'PT1H', 'P1M', 'P40Y'] as const;

const text = fc.constantFrom(...TEXTS);
const number = fc.constantFrom(...NUMBERS);
// Values where kinds meet (a boolean's text, a number's text, a date), drawn more often than the others.
const meeting = fc.constantFrom('true', 'FALSE', '42', '2026-03-01', '2026-03-01T10:00:00Z');
const scalar = fc.oneof(text, meeting, number, fc.boolean());
const textOrNumber = fc.oneof(text, number);
/** A record value: a text, a number, a boolean, or empty. */
export const recordValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 2, arbitrary: number },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constantFrom(null, '') },
);

const includeEmpty = fc.option(fc.boolean(), { nil: undefined });
const withInclude = <T extends object>(filter: T, include: boolean | undefined): T =>
  include === undefined ? filter : { ...filter, includeEmpty: include };

/** One filter of any operator, on any path (own, associated) or a list. */
export const filterArbitrary: fc.Arbitrary<Filter> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({
        property: fc.constantFrom(...PATHS),
        operator: fc.constantFrom(
          'eq',
          'lt',
          'lte',
          'gt',
          'gte',
          'contains',
          'startsWith',
          'endsWith',
          'containsToken',
          'changedTo',
        ),
        value: scalar,
      })
      .map((filter) => filter as Filter),
  },
  fc
    .tuple(fc.constantFrom(...PATHS), fc.constantFrom('neq', 'notContains'), scalar, includeEmpty)
    .map(
      ([property, operator, value, include]) => withInclude({ property, operator, value }, include) as Filter,
    ),
  fc
    .tuple(fc.constantFrom(...PATHS), textOrNumber, textOrNumber)
    .map(([property, value, highValue]): Filter => ({ property, operator: 'between', value, highValue })),
  fc
    .tuple(fc.constantFrom(...PATHS), fc.array(textOrNumber, { minLength: 1, maxLength: 6 }))
    .map(([property, values]): Filter => ({ property, operator: 'in', values })),
  fc
    .tuple(fc.constantFrom(...PATHS), fc.array(textOrNumber, { minLength: 1, maxLength: 6 }), includeEmpty)
    .map(([property, values, include]) =>
      withInclude<Filter>({ property, operator: 'notIn', values }, include),
    ),
  fc
    .tuple(fc.constantFrom(...PATHS), fc.constantFrom('hasProperty', 'notHasProperty', 'changed'))
    .map(([property, operator]) => ({ property, operator }) as Filter),
  fc
    .tuple(fc.constantFrom(...PATHS), fc.constantFrom(...DURATIONS))
    .map(([property, value]): Filter => ({ property, operator: 'withinLast', value })),
  fc
    .tuple(fc.constantFrom(...PATHS), fc.constantFrom(...DURATIONS), includeEmpty)
    .map(([property, value, include]) =>
      withInclude<Filter>({ property, operator: 'notWithinLast', value }, include),
    ),
  fc
    .tuple(fc.constantFrom('inList', 'notInList'), fc.constantFrom(...LISTS))
    .map(([operator, listId]) => ({ operator, listId }) as Filter),
);

/** Criteria of 0 (no criteria) to 3 groups of 1 to 4 filters, drawn from `filters` so that workflows share some. */
export const criteriaArbitrary = (
  filters: fc.Arbitrary<Filter> = filterArbitrary,
): fc.Arbitrary<FilterGroups> =>
  fc.array(fc.record({ filters: fc.array(filters, { minLength: 1, maxLength: 4 }) }), { maxLength: 3 });

/** Many workflows' criteria, their filters drawn from a small pool: equal filters recur across workflows. */
export const manyCriteriaArbitrary: fc.Arbitrary<FilterGroups[]> = fc
  .array(filterArbitrary, { minLength: 1, maxLength: 12 })
  .chain((pool) => fc.array(criteriaArbitrary(fc.constantFrom(...pool)), { minLength: 1, maxLength: 10 }));

const bag = (names: readonly string[]): fc.Arbitrary<PropertyBag> =>
  fc
    .array(fc.tuple(fc.constantFrom(...names), recordValue), { maxLength: names.length + 2 })
    .map((entries) => Object.fromEntries(entries));

/** A record, in the context of a change or not: its properties, associated records, lists, at `NOW`. */
export const inputArbitrary: fc.Arbitrary<FilterInput> = fc
  .record(
    {
      properties: bag(OWN),
      before: bag(OWN),
      changedProperties: fc.subarray([...OWN]),
      associated: fc.record(
        Object.fromEntries(
          Object.entries(ASSOCIATED).map(([type, names]) => [type, fc.array(bag(names), { maxLength: 3 })]),
        ),
        { requiredKeys: [] },
      ),
      lists: fc.subarray(LISTS),
    },
    { requiredKeys: ['properties'] },
  )
  .map(
    (parts): FilterInput => ({
      objectType: 'contacts',
      ...(parts as Omit<FilterInput, 'objectType'>),
      now: NOW,
    }),
  );

/**
 * The values a filter names, and kin of them a record may hold: other cases, the number of a text, the text of a
 * number, the boolean of a `"true"`.
 */
export const kinOf = (filter: Filter): unknown[] => {
  const named: unknown[] = [];
  if ('value' in filter) named.push(filter.value);
  if ('highValue' in filter) named.push(filter.highValue);
  if ('values' in filter) named.push(...filter.values);
  return named.flatMap((value) =>
    typeof value === 'string'
      ? [
          value,
          value.toUpperCase(),
          value.toLowerCase(),
          ...(Number.isNaN(Number(value)) ? [] : [Number(value)]),
        ]
      : typeof value === 'number'
        ? [value, String(value), value + 1]
        : [value, String(value)],
  );
};

/** An input whose properties often hold what `criteria`'s filters name, so that filters pass as well as fail. */
export const inputFor = (criteria: readonly FilterGroups[]): fc.Arbitrary<FilterInput> => {
  const filters = criteria.flatMap((groups) => groups.flatMap((group) => group.filters));
  const kin = [...new Set(filters.flatMap(kinOf))];
  const related =
    kin.length === 0
      ? recordValue
      : fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...kin) }, { weight: 2, arbitrary: recordValue });
  const named = new Set(filters.flatMap((filter) => ('property' in filter ? [filter.property] : [])));
  // The paths the filters read, mostly: a bag of `type` (own when undefined) holds them first.
  const relatedBag = (names: readonly string[], type?: string): fc.Arbitrary<PropertyBag> => {
    const read = names.filter((name) => named.has(type ? `${type}.${name}` : name));
    const name =
      read.length > 0
        ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...read) }, fc.constantFrom(...names))
        : fc.constantFrom(...names);
    return fc
      .array(fc.tuple(name, related), { maxLength: names.length + 2 })
      .map((entries) => Object.fromEntries(entries));
  };
  return fc
    .record({
      properties: relatedBag(OWN),
      before: relatedBag(OWN),
      changedProperties: fc.subarray([...OWN]),
      associated: fc.record(
        Object.fromEntries(
          Object.entries(ASSOCIATED).map(([type, names]) => [
            type,
            fc.array(relatedBag(names, type), { maxLength: 3 }),
          ]),
        ),
        { requiredKeys: [] },
      ),
      lists: fc.subarray(LISTS),
    })
    .map(
      (parts): FilterInput => ({
        objectType: 'contacts',
        ...(parts as Omit<FilterInput, 'objectType'>),
        now: NOW,
      }),
    );
};

/** Property types for some of the paths (`undefined`: none, every value compared as it suggests). */
export const typesArbitrary: fc.Arbitrary<PropertyTypes | undefined> = fc.option(
  fc
    .array(fc.tuple(fc.constantFrom(...PATHS), fc.constantFrom(...PROPERTY_TYPES)), {
      maxLength: PATHS.length,
    })
    .map((entries) => Object.fromEntries(entries) as PropertyTypes),
  { nil: undefined },
);
