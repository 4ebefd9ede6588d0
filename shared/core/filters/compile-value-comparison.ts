import type { PropertyType } from '../records/property.schema.ts';
import { compileEquality, compileMembership, compileTypedEquality } from './equality-comparison.ts';
import type { PropertyFilter } from './filter.schema.ts';
import { compileOrdering } from './ordering-comparison.ts';
import { compileText } from './text-comparison.ts';
import { compileWithinLast } from './time-window-comparison.ts';
import { cellOf } from './value-cell.ts';
import { incomparable, isEmptyValue, type ValueTest } from './value-comparison.ts';

/** A filter's verdict on one value, the empty-value rule included. */
export type ValuePredicate = (value: unknown, ctx: Parameters<ValueTest['test']>[1]) => boolean;

/**
 * The comparison a property filter makes, before the empty-value rule: as the property's `type` says when it is
 * known, else as the values suggest (a text that reads as a date compares as one). Record values are normalised
 * (lowercased, parsed) through the property's cell, once for all the filters that read them.
 */
export const compileValueTest = (filter: PropertyFilter, type?: PropertyType): ValueTest => {
  const cell = cellOf(filter.property);
  switch (filter.operator) {
    case 'eq':
    case 'neq':
    case 'changedTo':
      return type === undefined
        ? compileEquality(filter.value, cell)
        : compileTypedEquality(filter.value, type, cell);
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return compileOrdering(filter.operator, filter.value, undefined, type, cell);
    case 'between':
      return compileOrdering('between', filter.value, filter.highValue, type, cell);
    case 'in':
    case 'notIn':
      return compileMembership(filter.values, type, cell);
    case 'contains':
    case 'notContains':
    case 'startsWith':
    case 'endsWith':
    case 'containsToken':
      return compileText(filter.operator, filter.value, type, cell);
    case 'withinLast':
    case 'notWithinLast':
      return compileWithinLast(filter.value, type, cell);
    case 'hasProperty':
    case 'notHasProperty':
    case 'changed':
      return {
        test: (value) => (isEmptyValue(value) ? undefined : true),
        expects: 'any value',
        shape: { kind: 'present' },
      };
    default:
      // Unreachable for schema-valid filters; an unknown operator matches nothing rather than throw.
      filter satisfies never;
      return incomparable('a known operator');
  }
};

/** How the empty-value rule treats a filter's operator. */
export type EmptyRule = 'negative' | 'absence' | 'positive';

/**
 * `negative` operators match an empty value only with `includeEmpty`; `notHasProperty` only matches one. The
 * rule applies to filters that fit the property: one that does not (`ValueTest.matchesNothing`) matches nothing.
 */
export const emptyRuleOf = (filter: PropertyFilter): EmptyRule => {
  switch (filter.operator) {
    case 'neq':
    case 'notIn':
    case 'notContains':
    case 'notWithinLast':
      return 'negative';
    case 'notHasProperty':
      return 'absence';
    default:
      return 'positive';
  }
};

const never = (): boolean => false;

/** The filter's verdict on a value: the comparison with the empty-value rule applied. */
export const compileValuePredicate = (filter: PropertyFilter, valueTest: ValueTest): ValuePredicate => {
  const test = valueTest.test;
  const rule = emptyRuleOf(filter);
  if (valueTest.matchesNothing && rule !== 'absence') return never;
  switch (rule) {
    case 'absence':
      return isEmptyValue;
    case 'negative': {
      const includeEmpty = 'includeEmpty' in filter && filter.includeEmpty === true;
      return (value, ctx) =>
        value === null || value === undefined || value === '' ? includeEmpty : test(value, ctx) === false;
    }
    case 'positive':
      // Value tests answer `undefined` for empty values, so this is the whole rule for positive operators.
      return (value, ctx) => test(value, ctx) === true;
  }
};
