import { assertUnreachable } from '../../errors/app-error.ts';
import {
  type Filter,
  type FilterGroups,
  isPropertyFilter,
  type PropertyFilter,
} from '../../filters/filter.schema.ts';
import { isObjectType, OBJECT_TYPES, type ObjectType } from '../../records/object-types.ts';
import { PROPERTY_TYPES, type PropertyDefinition, type PropertyType } from '../../records/property.schema.ts';
import { isZeroDuration, parseIsoDuration } from '../../time/iso-duration.ts';
import { showValue } from './describe-value.ts';
import { lookupProperty } from './property-lookup.ts';
import { spanOf, valueProblem } from './property-values.ts';
import { type Path, type RuleContext, report } from './rule-context.ts';
import { allowedList, withChoices } from './suggest.ts';

type PropertyOperator = PropertyFilter['operator'];

const ORDERED: readonly PropertyType[] = ['number', 'date', 'datetime'];
const TEMPORAL: readonly PropertyType[] = ['date', 'datetime'];

/** Which property types each operator applies to (workflow.md, the operator table). */
export const OPERATOR_PROPERTY_TYPES: Readonly<Record<PropertyOperator, readonly PropertyType[]>> = {
  eq: PROPERTY_TYPES,
  neq: PROPERTY_TYPES,
  lt: ORDERED,
  lte: ORDERED,
  gt: ORDERED,
  gte: ORDERED,
  between: ORDERED,
  in: ['string', 'enumeration', 'number'],
  notIn: ['string', 'enumeration', 'number'],
  hasProperty: PROPERTY_TYPES,
  notHasProperty: PROPERTY_TYPES,
  contains: ['string'],
  notContains: ['string'],
  startsWith: ['string'],
  endsWith: ['string'],
  containsToken: ['string'],
  withinLast: TEMPORAL,
  notWithinLast: TEMPORAL,
  changed: PROPERTY_TYPES,
  changedTo: PROPERTY_TYPES,
};

/** The operators that fit a property type, in the order of the operator table. */
const operatorsFor = (type: PropertyType): PropertyOperator[] =>
  (Object.keys(OPERATOR_PROPERTY_TYPES) as PropertyOperator[]).filter((operator) =>
    OPERATOR_PROPERTY_TYPES[operator].includes(type),
  );

interface ResolvedProperty {
  readonly definition: PropertyDefinition;
  /** The associated object type a `<objectType>.<property>` path reads; undefined for the record's own. */
  readonly associated?: ObjectType;
}

const resolveFilterProperty = (
  context: RuleContext,
  property: string,
  path: Path,
): ResolvedProperty | undefined => {
  const dot = property.indexOf('.');
  if (dot < 0) {
    const definition = lookupProperty(context, context.objectType, property, path, 'filter');
    return definition && { definition };
  }
  const prefix = property.slice(0, dot);
  const name = property.slice(dot + 1);
  if (!isObjectType(prefix)) {
    report(
      context,
      path,
      withChoices(`unknown object type "${prefix}" in "${property}"`, prefix, OBJECT_TYPES, 'object types'),
    );
    return undefined;
  }
  if (prefix === context.objectType) {
    report(
      context,
      path,
      `"${property}" names this workflow's own object type: write "${name}" (a "<objectType>." prefix reads associated records of another type)`,
    );
    return undefined;
  }
  const definition = lookupProperty(context, prefix, name, path);
  return definition && { definition, associated: prefix };
};

const checkValue = (
  context: RuleContext,
  definition: PropertyDefinition,
  value: unknown,
  path: Path,
): boolean => {
  const problem = valueProblem(definition, value, 'filter');
  if (problem) report(context, path, problem);
  return problem === undefined;
};

// As the filter engine reads a containsToken value (shared/filters/text-test.ts): its words are runs of letters,
// digits and combining marks, and every other character only separates them.
const WORDS = /[\p{L}\p{N}\p{M}]+/gu;
const WORDS_AND_SPACES = /^[\p{L}\p{N}\p{M} ]*$/u;

/** A containsToken value whose punctuation the engine would silently drop is refused, `contains` suggested. */
const checkToken = (context: RuleContext, value: string, path: Path) => {
  const words = value.match(WORDS);
  if (!words) {
    report(
      context,
      path,
      `containsToken matches whole words and ${showValue(value)} holds none (letters or digits): use "contains" to match it as written`,
    );
  } else if (!WORDS_AND_SPACES.test(value)) {
    const read = showValue(words.join(' '));
    report(
      context,
      path,
      `containsToken matches whole words and ignores characters other than letters, digits and spaces (${showValue(value)} would match as ${read}): write ${read}, or use "contains" to match ${showValue(value)} as written`,
    );
  }
};

const checkValues = (
  context: RuleContext,
  filter: PropertyFilter,
  definition: PropertyDefinition,
  path: Path,
) => {
  switch (filter.operator) {
    case 'eq':
    case 'neq':
      if (checkValue(context, definition, filter.value, [...path, 'value']) && filter.value === '') {
        const instead = filter.operator === 'eq' ? 'notHasProperty' : 'hasProperty';
        report(context, [...path, 'value'], `"" is no value and never compares: use "${instead}" instead`);
      }
      return;
    case 'changedTo':
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      checkValue(context, definition, filter.value, [...path, 'value']);
      return;
    case 'between': {
      const low = checkValue(context, definition, filter.value, [...path, 'value']);
      const high = checkValue(context, definition, filter.highValue, [...path, 'highValue']);
      // Some x must fit: the low bound's first instant may not come after the high bound's last one.
      if (low && high && spanOf(filter.value).first > spanOf(filter.highValue).last) {
        report(
          context,
          [...path, 'highValue'],
          `must not be below "value" (${showValue(filter.highValue)} < ${showValue(filter.value)}): between means value ≤ x ≤ highValue`,
        );
      }
      return;
    }
    case 'in':
    case 'notIn':
      filter.values.forEach((value, index) => {
        checkValue(context, definition, value, [...path, 'values', index]);
      });
      return;
    case 'contains':
    case 'notContains':
    case 'startsWith':
    case 'endsWith':
    case 'containsToken':
      if (!checkValue(context, definition, filter.value, [...path, 'value'])) return;
      if (filter.value === '')
        report(context, [...path, 'value'], 'must not be empty: every text would match');
      else if (filter.operator === 'containsToken')
        checkToken(context, String(filter.value), [...path, 'value']);
      return;
    case 'withinLast':
    case 'notWithinLast': {
      const duration = parseIsoDuration(filter.value);
      if (duration && isZeroDuration(duration)) {
        report(context, [...path, 'value'], `must be longer than zero ("${filter.value}")`);
      }
      return;
    }
    case 'hasProperty':
    case 'notHasProperty':
    case 'changed':
      return;
    default:
      assertUnreachable(filter);
  }
};

/** Checks one filter against the property definitions: the property, the operator for its type, the value. */
export const checkFilter = (context: RuleContext, filter: Filter, path: Path): void => {
  if (!isPropertyFilter(filter)) return;
  const resolved = resolveFilterProperty(context, filter.property, [...path, 'property']);
  if (!resolved) return;
  const { definition, associated } = resolved;
  if (!OPERATOR_PROPERTY_TYPES[filter.operator].includes(definition.type)) {
    report(
      context,
      [...path, 'operator'],
      `"${filter.operator}" does not fit "${filter.property}", a ${definition.type} property; the operators for ${definition.type} properties are: ${allowedList(operatorsFor(definition.type))}`,
    );
    return;
  }
  if (associated && (filter.operator === 'changed' || filter.operator === 'changedTo')) {
    report(
      context,
      [...path, 'operator'],
      `"${filter.operator}" only sees changes of the enrolled record's own properties, not of associated ${associated} ("${filter.property}")`,
    );
    return;
  }
  checkValues(context, filter, definition, path);
};

/** Checks every filter of a criteria; `required` reports an empty one at `path` with that message. */
export const checkFilterGroups = (
  context: RuleContext,
  groups: FilterGroups,
  path: Path,
  required?: string,
): void => {
  if (required !== undefined && groups.length === 0) report(context, path, required);
  groups.forEach((group, groupIndex) => {
    group.filters.forEach((filter, filterIndex) => {
      checkFilter(context, filter, [...path, groupIndex, 'filters', filterIndex]);
    });
  });
};
