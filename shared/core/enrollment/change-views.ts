import type { FilterInput, PropertyBag } from '../filters/filter-input.ts';
import type { RecordChange } from '../records/record-change.ts';
import type { AssociatedRecord, RecordSurroundings } from './enrollment-decision.ts';

/** The `Record Changed` detail enrollment decides on (its `at` is not needed). */
export type EnrollmentChange = Omit<RecordChange, 'at'>;

/** The record before and after the change, as filter inputs evaluated at one instant; absent when it did not exist. */
export interface ChangeViews {
  readonly before?: FilterInput;
  readonly after?: FilterInput;
}

type Associated = Readonly<Record<string, readonly AssociatedRecord[]>>;

const bags = (associated: Associated): Record<string, PropertyBag[]> =>
  Object.fromEntries(
    Object.entries(associated).map(([type, records]) => [type, records.map((record) => record.properties)]),
  );

/** The associated records before an association change: the associated one removed, the dissociated one back. */
const associatedBefore = (change: EnrollmentChange, surroundings: RecordSurroundings): Associated => {
  const after = surroundings.associated ?? {};
  const touched = change.association;
  if (!touched) return after;
  const { toObjectType, toId } = touched;
  const current = after[toObjectType] ?? [];
  if (change.change === 'associated') {
    return { ...after, [toObjectType]: current.filter((record) => record.id !== toId) };
  }
  if (change.change === 'dissociated' && surroundings.dissociated) {
    return { ...after, [toObjectType]: [...current, surroundings.dissociated] };
  }
  return after;
};

/**
 * A change of a record associated with the record decided on (the fan-out of a `Record Changed` to the records
 * associated with it): the record itself did not change, the associated one went from `before` to `after`.
 */
export interface AssociatedChange {
  readonly objectType: string;
  readonly id: string;
  /** Absent when the associated record was created. */
  readonly before?: AssociatedRecord;
  /** Absent when the associated record was deleted. */
  readonly after?: AssociatedRecord;
  /** The associated record's properties that changed; absent: any (created, deleted). */
  readonly changedProperties?: readonly string[];
}

/** `associated` with the associated record of `via` as `image` (or without it when there is no image). */
const withImage = (associated: Associated, via: AssociatedChange, image?: AssociatedRecord): Associated => {
  const others = (associated[via.objectType] ?? []).filter((record) => record.id !== via.id);
  return { ...associated, [via.objectType]: image ? [...others, image] : others };
};

/** The lists before a membership change: the listed one removed, the unlisted one back. */
const listsBefore = (change: EnrollmentChange, lists: readonly string[]): readonly string[] => {
  if (change.listId === undefined) return lists;
  if (change.change === 'listed') return lists.filter((listId) => listId !== change.listId);
  if (change.change === 'unlisted' && !lists.includes(change.listId)) return [...lists, change.listId];
  return lists;
};

/**
 * The record before and after `change`, both at `now`: before has no change of its own (`changed` filters are
 * false there), after carries the change's before image and changed properties. With `via` (a change of an
 * associated record) the associated record is its before image on the before side, its after image on the after.
 */
export const changeViews = (
  change: EnrollmentChange,
  surroundings: RecordSurroundings,
  now: Date,
  via?: AssociatedChange,
): ChangeViews => {
  const lists = surroundings.lists ?? [];
  const associated = via
    ? withImage(surroundings.associated ?? {}, via, via.after)
    : (surroundings.associated ?? {});
  const base = { objectType: change.objectType, now };
  const beforeProperties = change.before?.properties;
  const before: FilterInput | undefined =
    change.change === 'created' || !change.before
      ? undefined
      : {
          ...base,
          properties: change.before.properties,
          changedProperties: [],
          associated: bags(
            via
              ? withImage(surroundings.associated ?? {}, via, via.before)
              : associatedBefore(change, surroundings),
          ),
          lists: listsBefore(change, lists),
        };
  const after: FilterInput | undefined =
    change.change === 'deleted' || !change.after
      ? undefined
      : {
          ...base,
          properties: change.after.properties,
          ...(beforeProperties ? { before: beforeProperties } : {}),
          changedProperties: change.changedProperties,
          associated: bags(associated),
          lists,
        };
  return { ...(before ? { before } : {}), ...(after ? { after } : {}) };
};

/** The record as it is, with no change (activation, manual enrollment): `changed` filters are false. */
export const restingView = (
  objectType: string,
  properties: PropertyBag,
  surroundings: RecordSurroundings,
  now: Date,
): FilterInput => ({
  objectType,
  properties,
  changedProperties: [],
  associated: bags(surroundings.associated ?? {}),
  lists: surroundings.lists ?? [],
  now,
});

/** What the change touched, as the criteria index asks. */
export const touchedBy = (change: EnrollmentChange) => ({
  created: change.change === 'created',
  changedProperties: change.changedProperties,
  associatedTypes: change.association ? [change.association.toObjectType] : [],
  listsChanged: change.change === 'listed' || change.change === 'unlisted',
});
