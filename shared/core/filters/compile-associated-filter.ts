import type { PropertyType } from '../records/property.schema.ts';
import { compileValuePredicate, compileValueTest } from './compile-value-comparison.ts';
import type { CompiledFilter } from './compiled-filter.ts';
import type { PropertyFilter } from './filter.schema.ts';
import type { EvaluationContext, FilterInput } from './filter-input.ts';
import { propertyInstruction } from './filter-instruction.ts';
import { isPropertyBag, propertyKey, readerOf } from './property-reader.ts';

/**
 * A `<objectType>.<property>` filter: true when any associated record of that type passes it, false when there
 * is none. `changed`/`changedTo` are false here: a change is one of the enrolled record's own properties.
 */
export const compileAssociatedFilter = (filter: PropertyFilter, type?: PropertyType): CompiledFilter => {
  const dot = filter.property.indexOf('.');
  const objectType = propertyKey(filter.property.slice(0, dot));
  const name = propertyKey(filter.property.slice(dot + 1));
  const read = readerOf(name);
  const valueTest = compileValueTest(filter, type);
  const predicate = compileValuePredicate(filter, valueTest);
  const appliesToChanges = filter.operator !== 'changed' && filter.operator !== 'changedTo';
  const test = (input: FilterInput, ctx: EvaluationContext): boolean => {
    const records = input.associated?.[objectType];
    if (!appliesToChanges || !Array.isArray(records)) return false;
    for (const record of records) {
      if (isPropertyBag(record) && predicate(read(record), ctx)) return true;
    }
    return false;
  };
  return {
    cost: 5,
    test,
    instruction: propertyInstruction(test, filter, valueTest, name, objectType),
    explain: (input, ctx) => {
      const found = input.associated?.[objectType];
      const records: readonly unknown[] = Array.isArray(found) ? found : [];
      const value = records.map((record) => (isPropertyBag(record) ? read(record) : undefined));
      const result = test(input, ctx);
      const reason = result
        ? undefined
        : !appliesToChanges
          ? `"${filter.operator}" does not apply to associated records`
          : records.length === 0
            ? `no associated ${objectType}`
            : `no associated ${objectType} record matches`;
      return { property: filter.property, value, result, ...(reason && { reason }) };
    },
  };
};
