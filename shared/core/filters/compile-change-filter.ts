import type { PropertyType } from '../records/property.schema.ts';
import { changedIn } from './changed-in.ts';
import { compileValuePredicate, compileValueTest } from './compile-value-comparison.ts';
import type { CompiledFilter } from './compiled-filter.ts';
import type { PropertyFilter } from './filter.schema.ts';
import type { EvaluationContext, FilterInput } from './filter-input.ts';
import { propertyInstruction } from './filter-instruction.ts';
import { valueReason } from './filter-reason.ts';
import { propertyKey, readerOf } from './property-reader.ts';

/**
 * `changed` / `changedTo` on an own property: true only when evaluated for a change that touched it (a property
 * cleared by the change counts); for `changedTo`, the new value must also be set and equal to the filter's value.
 */
export const compileChangeFilter = (filter: PropertyFilter, type?: PropertyType): CompiledFilter => {
  const name = propertyKey(filter.property);
  const read = readerOf(name);
  const valueTest = compileValueTest(filter, type);
  const predicate = compileValuePredicate(filter, valueTest);
  // `changed` is about the change itself: clearing a property changes it too.
  const test =
    filter.operator === 'changed'
      ? (input: FilterInput): boolean => changedIn(input, name, read)
      : (input: FilterInput, ctx: EvaluationContext): boolean =>
          changedIn(input, name, read) && predicate(read(input.properties), ctx);
  return {
    cost: 0,
    test,
    instruction: propertyInstruction(test, filter, valueTest, name, ''),
    explain: (input, ctx) => {
      const value = read(input.properties);
      const result = test(input, ctx);
      let reason: string | undefined;
      if (!result) {
        if (!input.changedProperties && !input.before) reason = 'not evaluated for a change';
        else if (!changedIn(input, name, read)) reason = `${name} did not change`;
        else reason = valueReason(filter, valueTest, value, result, ctx);
      }
      return { property: name, value, result, ...(reason && { reason }) };
    },
  };
};
