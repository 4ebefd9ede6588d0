import type { PropertyType } from '../records/property.schema.ts';
import { type DateSpan, dateSpan } from '../time/date-forms.ts';
import type { ValueCell } from './value-cell.ts';
import { incomparable, numberOf, type TriTest, type ValueTest } from './value-comparison.ts';

/** `lt`, `lte`, `gt`, `gte`, `between`. */
export type OrderingOperator = 'lt' | 'lte' | 'gt' | 'gte' | 'between';

/** A filter date covers its whole UTC day `[first, last]` (ms); a filter datetime is one instant. */
const spanOf = (value: string | number | boolean): DateSpan | undefined =>
  typeof value === 'string' ? dateSpan(value) : undefined;

const isNumber = (value: unknown): value is number => typeof value === 'number' && !Number.isNaN(value);

const numberTest = (operator: OrderingOperator, low: number, high: number): TriTest => {
  switch (operator) {
    case 'lt':
      return (value) => (isNumber(value) ? value < low : undefined);
    case 'lte':
      return (value) => (isNumber(value) ? value <= low : undefined);
    case 'gt':
      return (value) => (isNumber(value) ? value > low : undefined);
    case 'gte':
      return (value) => (isNumber(value) ? value >= low : undefined);
    case 'between':
      return (value) => (isNumber(value) ? value >= low && value <= high : undefined);
  }
};

const numberComparison = (operator: OrderingOperator, low: number, high: number): ValueTest => ({
  test: numberTest(operator, low, high),
  expects: 'a number',
  shape: { kind: 'number', operator, low, high },
});

// Instants are whole milliseconds, so every ordering is one inclusive range [min, max].
const instantRange = (
  operator: OrderingOperator,
  low: DateSpan,
  high: DateSpan,
): readonly [number, number] => {
  switch (operator) {
    case 'lt':
      return [Number.NEGATIVE_INFINITY, low.first - 1];
    case 'lte':
      return [Number.NEGATIVE_INFINITY, low.last];
    case 'gt':
      return [low.last + 1, Number.POSITIVE_INFINITY];
    case 'gte':
      return [low.first, Number.POSITIVE_INFINITY];
    case 'between':
      return [low.first, high.last];
  }
};

const instantTest = (min: number, max: number, cell: ValueCell): TriTest => {
  return (value) => {
    if (typeof value !== 'string') return undefined;
    const ms = cell.instant(value);
    return Number.isNaN(ms) ? undefined : ms >= min && ms <= max;
  };
};

const temporalOrdering = (
  operator: OrderingOperator,
  value: string | number | boolean,
  upper: string | number | boolean | undefined,
  cell: ValueCell,
): ValueTest => {
  const low = spanOf(value);
  const high = upper === undefined ? undefined : spanOf(upper);
  if (!low || !high) return incomparable('a value comparable with the filter bounds');
  const [min, max] = instantRange(operator, low, high);
  return {
    test: instantTest(min, max, cell),
    expects: 'a date or datetime',
    shape: { kind: 'instant', min, max },
  };
};

/**
 * Ordered comparison of numbers, or of dates/datetimes (a record date counts as 00:00 UTC of its day).
 * A filter date against a datetime spans its whole UTC day, so `lt`/`gte` and `lte`/`gt` stay complements.
 * With a known `type`, a `number` property compares numbers (bounds such as `"42"` read as numbers), a `date` or
 * `datetime` property dates, and any other property nothing: ordering does not apply to it.
 */
export const compileOrdering = (
  operator: OrderingOperator,
  value: string | number | boolean,
  highValue: string | number | undefined,
  type: PropertyType | undefined,
  cell: ValueCell,
): ValueTest => {
  const upper = operator === 'between' ? highValue : value;
  switch (type) {
    case undefined:
      if (
        typeof value === 'number' &&
        typeof upper === 'number' &&
        !Number.isNaN(value) &&
        !Number.isNaN(upper)
      ) {
        return numberComparison(operator, value, upper);
      }
      return temporalOrdering(operator, value, upper, cell);
    case 'number': {
      const low = numberOf(value);
      const high = upper === undefined ? undefined : numberOf(upper);
      if (low === undefined || high === undefined)
        return incomparable('a number between numeric filter bounds');
      return numberComparison(operator, low, high);
    }
    case 'date':
    case 'datetime':
      return temporalOrdering(operator, value, upper, cell);
    default:
      return incomparable(`a number, date or datetime ("${operator}" does not apply to a ${type} property)`);
  }
};
