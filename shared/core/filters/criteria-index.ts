import { criteriaDependencies } from './criteria-dependencies.ts';
import type { FilterGroups } from './filter.schema.ts';

/** A change to a record, as the index needs it. */
interface CriteriaChange {
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
  const ids: string[] = [];
  const byProperty = new Map<string, number[]>();
  const byAssociatedType = new Map<string, number[]>();
  const onLists: number[] = [];
  const nonEmpty: string[] = [];
  for (const { id, criteria } of entries) {
    const ordinal = ids.push(id) - 1;
    if (criteria.length > 0) nonEmpty.push(id);
    const dependencies = criteriaDependencies(criteria);
    for (const property of dependencies.properties) append(byProperty, property, ordinal);
    for (const objectType of dependencies.associated.keys()) append(byAssociatedType, objectType, ordinal);
    if (dependencies.lists) onLists.push(ordinal);
  }
  return {
    affected: (change) => {
      // Before creation there was no record, hence no match: any criteria may now go from false to true.
      if (change.created) return [...nonEmpty];
      const hit = new Uint8Array(ids.length);
      const mark = (ordinals: readonly number[] | undefined) => {
        if (ordinals) for (const ordinal of ordinals) hit[ordinal] = 1;
      };
      for (const property of change.changedProperties) mark(byProperty.get(property));
      for (const objectType of change.associatedTypes ?? []) mark(byAssociatedType.get(objectType));
      if (change.listsChanged) mark(onLists);
      const affected: string[] = [];
      for (let ordinal = 0; ordinal < hit.length; ordinal += 1) {
        if (hit[ordinal]) affected.push(ids[ordinal]!);
      }
      return affected;
    },
  };
};
