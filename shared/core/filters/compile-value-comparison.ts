import type { PropertyType } from '../records/property.schema.ts';
import { compileEquality, compileMembership, compileTypedEquality } from './equality-comparison.ts';
import type { PropertyFilter } from './filter.schema.ts';
import { compileOrdering } from './ordering-comparison.ts';
import { compileText } from './text-comparison.ts';
import { compileWithinLast } from './time-window-comparison.ts';
import { incomparable, isEmptyValue, type ValueTest } from './value-comparison.ts';

/** A filter's verdict on one value, the empty-value rule included. */
export type ValuePredicate = (value: unknown, ctx: Parameters<ValueTest['test']>[1]) => boolean;

/**
 * The comparison a property filter makes, before the empty-value rule: as the property's `type` says when it is
 * known, else as the values suggest (a text that reads as a date compares as one).
 */
export const compileValueTest = (filter: PropertyFilter, type?: PropertyType): ValueTest => {
  switch (filter.operator) {
    case 'eq':
    case 'neq':
    case 'changedTo':
      return type === undefined ? compileEquality(filter.value) : compileTypedEquality(filter.value, type);
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte':
      return compileOrdering(filter.operator, filter.value, undefined, type);
    case 'between':
      return compileOrdering('between', filter.value, filter.highValue, type);
    case 'in':
    case 'notIn':
      return compileMembership(filter.values, type);
    case 'contains':
    case 'notContains':
    case 'startsWith':
    case 'endsWith':
    case 'containsToken':
      return compileText(filter.operator, filter.value);
    case 'withinLast':
    case 'notWithinLast':
      return compileWithinLast(filter.value, type);
    case 'hasProperty':
    case 'notHasProperty':
    case 'changed':
      return { test: (value) => (isEmptyValue(value) ? undefined : true), expects: 'any value' };
    default:
      // Unreachable for schema-valid filters; an unknown operator matches nothing rather than throw.
      filter satisfies never;
      return incomparable('a known operator');
  }
};

/** How the empty-value rule treats a filter's operator. */
export type EmptyRule = 'negative' | 'absence' | 'positive';

/** `negative` operators match an empty value only with `includeEmpty`; `notHasProperty` only matches one. */
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

/** The filter's verdict on a value: the comparison with the empty-value rule applied. */
export const compileValuePredicate = (filter: PropertyFilter, valueTest: ValueTest): ValuePredicate => {
  const test = valueTest.test;
  switch (emptyRuleOf(filter)) {
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
