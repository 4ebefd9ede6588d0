import { type FilterGroups, isPropertyFilter } from './filter.schema.ts';

/** What a set of criteria reads, so that callers can skip evaluations a change cannot affect. */
export interface CriteriaDependencies {
  /** Own properties of the record the criteria read (including `changed`/`changedTo` ones). */
  readonly properties: Set<string>;
  /** Properties of associated records, by object type. */
  readonly associated: Map<string, Set<string>>;
  /** True when the criteria read list membership. */
  readonly lists: boolean;
  /** True when the result depends on the clock (`withinLast`, `notWithinLast`). */
  readonly time: boolean;
}

/**
 * What `groups` depend on.
 * @example criteriaDependencies([{ filters: [{ property: 'companies.industry', operator: 'eq', value: 'SaaS' }] }]).associated // Map { 'companies' => Set { 'industry' } }
 */
export const criteriaDependencies = (groups: FilterGroups): CriteriaDependencies => {
  const properties = new Set<string>();
  const associated = new Map<string, Set<string>>();
  let lists = false;
  let time = false;
  for (const group of groups) {
    for (const filter of group.filters) {
      if (!isPropertyFilter(filter)) {
        lists = true;
        continue;
      }
      if (filter.operator === 'withinLast' || filter.operator === 'notWithinLast') time = true;
      const dot = filter.property.indexOf('.');
      if (dot < 0) {
        properties.add(filter.property);
        continue;
      }
      const objectType = filter.property.slice(0, dot);
      const names = associated.get(objectType) ?? new Set<string>();
      names.add(filter.property.slice(dot + 1));
      associated.set(objectType, names);
    }
  }
  return { properties, associated, lists, time };
};
