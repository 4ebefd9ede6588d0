import type { Filter, FilterGroups } from '../../../shared/core/filters/filter.schema.ts';
import type { FilterInput, PropertyBag } from '../../../shared/core/filters/filter-input.ts';

/** Criteria of one group holding `filters`. */
export const allOf = (...filters: Filter[]): FilterGroups => [{ filters }];

/** A contact whose property `name` holds `value` (omitted when `value` is undefined). */
export const contactWith = (name: string, value: unknown, extra: Partial<FilterInput> = {}): FilterInput => ({
  objectType: 'contacts',
  properties: (value === undefined ? {} : { [name]: value }) as PropertyBag,
  ...extra,
});

/** A contact with `properties`. */
export const contact = (properties: PropertyBag, extra: Partial<FilterInput> = {}): FilterInput => ({
  objectType: 'contacts',
  properties,
  ...extra,
});
