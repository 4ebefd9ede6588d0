import { PROPERTY_TYPES, type PropertyType } from '../records/property.schema.ts';

/** Property types by filter property path: `jobtitle`, or `companies.industry` for an associated record's. */
export type PropertyTypes = Readonly<Record<string, PropertyType>>;

/** How criteria are compiled and evaluated. */
export interface FilterOptions {
  /**
   * The types of the properties the filters read. A typed property compares as its type says (a `string` is
   * text even when it looks like a date); a property absent here is compared as its values suggest.
   */
  readonly types?: PropertyTypes;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(PROPERTY_TYPES);

/**
 * The type `types` gives the property `path`; `undefined` (compare as the values suggest) when it gives none,
 * or a type the engine does not know, and never an inherited Object.prototype member.
 */
export const typeOf = (types: PropertyTypes | undefined, path: string): PropertyType | undefined => {
  if (types === undefined || !Object.hasOwn(types, path)) return undefined;
  const type = types[path];
  return type !== undefined && KNOWN_TYPES.has(type) ? type : undefined;
};
