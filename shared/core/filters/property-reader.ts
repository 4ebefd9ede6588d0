import type { PropertyBag } from './filter-input.ts';

/** Reads one property of a record's properties, tolerating a missing bag. */
export type PropertyReader = (bag: PropertyBag | undefined) => unknown;

/**
 * A property name as V8 keeps property keys (internalized): a lookup by it needs no search of the string table
 * first, as a name built or parsed at run time would (`text_${i}`, a value of parsed JSON). Same text.
 */
export const propertyKey = (name: string): string => Object.keys({ [name]: 0 })[0] ?? name;

/** True when `name` would find an inherited Object.prototype member (`constructor`, `toString`) on a plain bag. */
export const isPrototypeKey = (name: string): boolean => name in Object.prototype;

/** A reader of `name` that never returns an inherited Object.prototype member. */
export const readerOf = (name: string): PropertyReader =>
  isPrototypeKey(name)
    ? (bag) => (bag !== undefined && Object.hasOwn(bag, name) ? bag[name] : undefined)
    : (bag) => bag?.[name];

/** True when an associated record is an object whose properties can be read (odd data is skipped). */
export const isPropertyBag = (value: unknown): value is PropertyBag =>
  typeof value === 'object' && value !== null;
