import { type CriteriaDependencies, criteriaDependencies } from './criteria-dependencies.ts';
import type { FilterGroups } from './filter.schema.ts';

/** A change to a record, as the index needs it. */
export interface CriteriaChange {
  /**
   * True when the record was just created: it goes from nothing to matching, so every criteria can enroll it —
   * including ones that read nothing the creation names (`notHasProperty`, `notInList`, `includeEmpty`).
   * A deleted record enrolls in nothing, so deletions need no flag: do not look them up.
   */
  readonly created?: boolean;
  /** Own properties of the record that changed. */
  readonly changedProperties: readonly string[];
  /** Object types of associated records that changed (or were associated or dissociated). */
  readonly associatedTypes?: readonly string[];
  /** True when the record's list memberships changed. */
  readonly listsChanged?: boolean;
}

/** Criteria by id, inverted so that a change finds the criteria it can affect without evaluating the others. */
export interface CriteriaIndex {
  /** Ids (in entry order, each once) whose criteria result the change could alter; on creation, every non-empty one. */
  affected(change: CriteriaChange): string[];
}

const append = (map: Map<string, number[]>, key: string, ordinal: number): void => {
  const ordinals = map.get(key);
  if (!ordinals) map.set(key, [ordinal]);
  else if (ordinals[ordinals.length - 1] !== ordinal) ordinals.push(ordinal);
};

/**
 * The index over criteria numbered 0…n−1 by their dependencies (`undefined`: no criteria, never affected):
 * what `createCriteriaIndex` and the batch matcher look a change up in.
 */
export class OrdinalCriteriaIndex {
  readonly #size: number;
  readonly #byProperty = new Map<string, number[]>();
  readonly #byAssociatedType = new Map<string, number[]>();
  readonly #onLists: number[] = [];
  readonly #nonEmpty: number[] = [];

  constructor(dependencies: readonly (CriteriaDependencies | undefined)[]) {
    this.#size = dependencies.length;
    for (const [ordinal, read] of dependencies.entries()) {
      if (!read) continue;
      this.#nonEmpty.push(ordinal);
      for (const property of read.properties) append(this.#byProperty, property, ordinal);
      for (const objectType of read.associated.keys()) append(this.#byAssociatedType, objectType, ordinal);
      if (read.lists) this.#onLists.push(ordinal);
    }
  }

  /** The ordinals whose criteria result the change could alter, ascending; on creation, every non-empty one. */
  affected(change: CriteriaChange): number[] {
    // Before creation there was no record, hence no match: any criteria may now go from false to true.
    if (change.created) return [...this.#nonEmpty];
    const hit = new Uint8Array(this.#size);
    const mark = (ordinals: readonly number[] | undefined) => {
      if (ordinals) for (const ordinal of ordinals) hit[ordinal] = 1;
    };
    for (const property of change.changedProperties) mark(this.#byProperty.get(property));
    for (const objectType of change.associatedTypes ?? []) mark(this.#byAssociatedType.get(objectType));
    if (change.listsChanged) mark(this.#onLists);
    const affected: number[] = [];
    for (let ordinal = 0; ordinal < hit.length; ordinal += 1) {
      if (hit[ordinal]) affected.push(ordinal);
    }
    return affected;
  }
}

/** What `criteria` read, or `undefined` for "no criteria" (which nothing affects: it never matches). */
export const indexedDependencies = (criteria: FilterGroups): CriteriaDependencies | undefined =>
  criteria.length > 0 ? criteriaDependencies(criteria) : undefined;

/**
 * Indexes criteria by the properties, associated object types and lists they read. A change enrolls a record
 * when the criteria go from false (before it) to true (after it), both evaluated at the same instant: criteria
 * that read nothing the change touched give the same result twice, time filters included, so they are never
 * evaluated. `[]` (no criteria) is never returned.
 *
 * The index knows only the criteria it is given. Re-enrollment fires when one of `reenrollment.triggers` goes
 * from false to true, and a trigger may read what the enrollment criteria do not: index each workflow's
 * triggers as criteria of their own (e.g. id `wf_1#reenroll`), or their changes will never be looked at.
 */
export const createCriteriaIndex = (
  entries: readonly { id: string; criteria: FilterGroups }[],
): CriteriaIndex => {
  const ids = entries.map((entry) => entry.id);
  const index = new OrdinalCriteriaIndex(entries.map((entry) => indexedDependencies(entry.criteria)));
  return { affected: (change) => index.affected(change).map((ordinal) => ids[ordinal]!) };
};
