import type { ObjectType } from './object-types.ts';

/** A value of a unique property, compared case-insensitively: `value` is lower-cased. */
export interface UniqueKey {
  readonly objectType: ObjectType;
  readonly property: string;
  readonly value: string;
}

/** Who holds a unique value, since when, and the record version that took it. */
export interface UniqueClaim {
  readonly recordId: string;
  readonly claimedAt: string;
  readonly version: number;
}

/** The key of a unique property's value (lower-cased, so that `A@x.io` and `a@X.io` are the same value). */
export const uniqueKey = (objectType: ObjectType, property: string, value: string): UniqueKey => ({
  objectType,
  property,
  value: value.toLowerCase(),
});

/**
 * Claims of unique values, one item per value, each written with a condition so that only one record holds it.
 * A claim is taken before the record is written and released after the record gave the value up.
 */
export interface UniqueClaims {
  get(key: UniqueKey): Promise<UniqueClaim | undefined>;
  /** True when `recordId` now holds the value: it was free, or already its own. */
  claim(key: UniqueKey, claim: UniqueClaim): Promise<boolean>;
  /** Replaces a stale claim, only if it is still exactly `stale`; true when taken over. */
  takeOver(key: UniqueKey, stale: UniqueClaim, claim: UniqueClaim): Promise<boolean>;
  /** Deletes the claim if `recordId` holds it from a version older than `version` (the change giving it up). */
  release(key: UniqueKey, recordId: string, version: number): Promise<void>;
}
