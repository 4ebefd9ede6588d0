import { emptyRuleOf } from './compile-value-comparison.ts';
import type { PropertyFilter } from './filter.schema.ts';
import type { EvaluationContext } from './filter-input.ts';
import { isEmptyValue, type ValueTest } from './value-comparison.ts';

/** Why a property filter gave its result on `value`, for explanations; `undefined` when nothing needs saying. */
export const valueReason = (
  filter: PropertyFilter,
  valueTest: ValueTest,
  value: unknown,
  result: boolean,
  ctx: EvaluationContext,
): string | undefined => {
  const rule = emptyRuleOf(filter);
  if (valueTest.matchesNothing && rule !== 'absence') {
    return `the filter matches no value: it needs ${valueTest.expects}`;
  }
  if (isEmptyValue(value)) {
    if (rule === 'absence') return undefined;
    if (rule === 'positive') return 'no value';
    return 'includeEmpty' in filter && filter.includeEmpty
      ? 'no value, and the filter includes empty values'
      : 'no value (set includeEmpty to match records without one)';
  }
  if (result) return undefined;
  if (rule === 'absence') return 'the property has a value';
  if (valueTest.test(value, ctx) === undefined) return `the value is not ${valueTest.expects}`;
  return `the value does not satisfy "${filter.operator}"`;
};
