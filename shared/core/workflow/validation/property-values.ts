import type { PropertyDefinition, PropertyType } from '../../records/property.schema.ts';
import { dateSpan } from '../../time/date-forms.ts';
import { isDateText, isDateTimeText } from '../../time/date-value.ts';
import { describeValue } from './describe-value.ts';
import { allowedList, withChoices } from './suggest.ts';

/**
 * Where a value goes: a `filter` compares (enumerations case-insensitively, a date against a datetime as its
 * whole UTC day), a `write` stores (an exact option, a full datetime, or null to clear).
 */
export type ValueUse = 'filter' | 'write';

const EXPECTED: Record<Exclude<PropertyType, 'enumeration'>, Record<ValueUse, string>> = {
  string: { filter: 'must be text', write: 'must be text' },
  number: { filter: 'must be a number', write: 'must be a number' },
  bool: { filter: 'must be true or false', write: 'must be true or false' },
  date: { filter: 'must be a date "YYYY-MM-DD"', write: 'must be a date "YYYY-MM-DD"' },
  datetime: {
    filter: 'must be an RFC 3339 datetime such as "2026-03-01T09:00:00Z", or a date "YYYY-MM-DD"',
    write: 'must be an RFC 3339 datetime such as "2026-03-01T09:00:00Z"',
  },
};

const fitsScalar = (type: Exclude<PropertyType, 'enumeration'>, value: unknown, use: ValueUse): boolean => {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'date':
      return isDateText(value);
    case 'datetime':
      return isDateTimeText(value) || (use === 'filter' && isDateText(value));
  }
};

const enumerationProblem = (
  definition: PropertyDefinition,
  value: unknown,
  use: ValueUse,
): string | undefined => {
  const options = definition.options ?? [];
  if (typeof value === 'string') {
    if (options.includes(value)) return undefined;
    // Filters compare enumerations case-insensitively (workflow.md, "Filters"); a stored value must be exact.
    if (use === 'filter' && options.some((option) => option.toLowerCase() === value.toLowerCase())) {
      return undefined;
    }
    return withChoices(`"${value}" is not an option of "${definition.name}"`, value, options, 'options');
  }
  return `must be one of the options of "${definition.name}" (${allowedList(options)}), not ${describeValue(value)}`;
};

/**
 * Why `value` cannot be a value of the property, or `undefined` when it can.
 * @example valueProblem({ name: 'score', type: 'number' }, '50', 'filter') // 'must be a number (…), not the text "50"'
 */
export const valueProblem = (
  definition: PropertyDefinition,
  value: unknown,
  use: ValueUse,
): string | undefined => {
  if (use === 'write' && value === null) return undefined;
  if (definition.type === 'enumeration') return enumerationProblem(definition, value, use);
  if (fitsScalar(definition.type, value, use)) return undefined;
  return `${EXPECTED[definition.type][use]} ("${definition.name}" is a ${definition.type} property), not ${describeValue(value)}`;
};

/** The first and last instants (or the number) a filter value stands for, inclusive. */
export interface ValueSpan {
  readonly first: number;
  readonly last: number;
}

const NO_SPAN: ValueSpan = { first: Number.NaN, last: Number.NaN };

/**
 * What a value of an ordered type (number, date, datetime) covers, as the filter engine reads it: a number or a
 * datetime is one point, a date its whole UTC day (00:00 to its last millisecond); NaN bounds when it is none.
 * @example spanOf('2026-03-01') // { first: Date.parse('2026-03-01T00:00:00Z'), last: Date.parse('2026-03-01T23:59:59.999Z') }
 */
export const spanOf = (value: unknown): ValueSpan => {
  if (typeof value === 'number') return { first: value, last: value };
  return (typeof value === 'string' && dateSpan(value)) || NO_SPAN;
};
