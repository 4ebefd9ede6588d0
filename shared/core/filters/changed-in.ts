import type { FilterInput } from './filter-input.ts';
import type { PropertyReader } from './property-reader.ts';
import { isEmptyValue } from './value-comparison.ts';

/** True when the change being evaluated touched `name`: listed in `changedProperties`, else differs from `before`. */
export const changedIn = (input: FilterInput, name: string, read: PropertyReader): boolean => {
  if (input.changedProperties) return input.changedProperties.includes(name);
  if (!input.before) return false;
  const previous = read(input.before);
  const current = read(input.properties);
  return isEmptyValue(previous) ? !isEmptyValue(current) : previous !== current;
};
