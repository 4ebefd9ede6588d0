import { type CriteriaDependencies, criteriaDependencies } from '../filters/criteria-dependencies.ts';
import type { FilterGroups } from '../filters/filter.schema.ts';
import type { FilterInput, PropertyBag } from '../filters/filter-input.ts';
import type { PropertyTypes } from '../filters/filter-options.ts';
import { compiledCriteria } from '../filters/match-filters.ts';
import type { Page, PageRequest } from '../ports/page.ts';
import { type CustomProperties, propertyCatalogs } from '../records/builtin-properties.ts';
import { isObjectType, type ObjectType } from '../records/object-types.ts';
import type { CrmRecord } from '../records/record.schema.ts';

/** Pages through the records of one type (RecordService.page). */
export type RecordPager = (objectType: ObjectType, page: PageRequest) => Promise<Page<CrmRecord>>;

/** What criteria read besides the record's own properties. */
export interface RecordContextNeeds {
  /** Object types whose associated records the criteria read (`companies.industry`). */
  readonly associated: readonly ObjectType[];
  /** True when the criteria read list membership (`inList`, `notInList`). */
  readonly lists: boolean;
}

/** The associated records' properties and the list ids of one record, as far as `needs` asks. */
export type RecordContextReader = (
  record: CrmRecord,
  needs: RecordContextNeeds,
) => Promise<{
  readonly associated?: Readonly<Record<string, readonly PropertyBag[]>>;
  readonly lists?: readonly string[];
}>;

/** The types of the properties the criteria read, from the built-in and custom catalogs. */
const propertyTypesOf = (
  objectType: ObjectType,
  dependencies: CriteriaDependencies,
  custom: CustomProperties,
): PropertyTypes => {
  const catalogs = propertyCatalogs(custom);
  const types: Record<string, string> = {};
  for (const name of dependencies.properties) {
    const definition = catalogs[objectType].get(name);
    if (definition) types[name] = definition.type;
  }
  for (const [associatedType, names] of dependencies.associated) {
    if (!isObjectType(associatedType)) continue;
    for (const name of names) {
      const definition = catalogs[associatedType].get(name);
      if (definition) types[`${associatedType}.${name}`] = definition.type;
    }
  }
  return types as PropertyTypes;
};

/** How review evaluates one workflow's enrollment criteria against records, at one instant. */
export interface CriteriaEvaluator {
  readonly matches: (record: CrmRecord) => Promise<boolean>;
}

/**
 * Criteria as review evaluates them: the record's properties as they are now (no change: `changed`/`changedTo`
 * are false), the associated records and lists read through `readContext` only when the criteria need them,
 * time filters at `now`, properties typed from their definitions.
 */
export const criteriaEvaluator = (
  objectType: ObjectType,
  criteria: FilterGroups,
  options: {
    readonly now: Date;
    readonly custom: CustomProperties;
    readonly readContext?: RecordContextReader;
  },
): CriteriaEvaluator => {
  const dependencies = criteriaDependencies(criteria);
  const compiled = compiledCriteria(criteria, {
    types: propertyTypesOf(objectType, dependencies, options.custom),
  });
  const needs: RecordContextNeeds = {
    associated: [...dependencies.associated.keys()].filter(isObjectType),
    lists: dependencies.lists,
  };
  const needsContext = needs.associated.length > 0 || needs.lists;
  return {
    matches: async (record) => {
      const context = needsContext && options.readContext ? await options.readContext(record, needs) : {};
      const input: FilterInput = {
        objectType,
        properties: record.properties,
        now: options.now,
        ...(context.associated ? { associated: context.associated } : {}),
        ...(context.lists ? { lists: context.lists } : {}),
      };
      return compiled.match(input);
    },
  };
};
