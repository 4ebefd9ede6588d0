import { criteriaDependencies } from '../filters/criteria-dependencies.ts';
import type { ListRepository } from '../lists/list-repository.ts';
import type { AssociationRepository, RecordRef } from '../records/association-repository.ts';
import { isObjectType, type ObjectType } from '../records/object-types.ts';
import type { Properties } from '../records/record.schema.ts';
import type { AssociatedRecord, EnrollingWorkflow, RecordSurroundings } from './enrollment-decision.ts';
import { partEntries, partsOf } from './workflow-parts.ts';

/** Reads one record (NotFoundError when absent): the record service's `get`. */
export interface RecordReader {
  get(objectType: ObjectType, id: string): Promise<{ readonly id: string; readonly properties: Properties }>;
}

/** What the workflows read beyond the record's own properties: associated types, list membership. */
export interface SurroundingsNeeds {
  readonly associated: readonly ObjectType[];
  readonly lists: boolean;
}

/** Reads a record's associated records (of the types asked) and lists; `dissociated`: the record a change removed. */
export type SurroundingsReader = (
  ref: RecordRef,
  needs: SurroundingsNeeds,
  dissociated?: RecordRef,
) => Promise<RecordSurroundings>;

const needsOf = new WeakMap<readonly EnrollingWorkflow[], SurroundingsNeeds>();

/** What any part of any of `workflows` reads (criteria, triggers, goal, unenrollment, suppression, event waits). */
export const surroundingsNeeds = (workflows: readonly EnrollingWorkflow[]): SurroundingsNeeds => {
  const known = needsOf.get(workflows);
  if (known) return known;
  const associated = new Set<ObjectType>();
  let lists = false;
  for (const workflow of workflows) {
    for (const { criteria } of partEntries(partsOf(workflow))) {
      const dependencies = criteriaDependencies(criteria);
      if (dependencies.lists) lists = true;
      for (const type of dependencies.associated.keys()) if (isObjectType(type)) associated.add(type);
    }
  }
  const needs = { associated: [...associated].sort(), lists };
  needsOf.set(workflows, needs);
  return needs;
};

export const needsNothing = (needs: SurroundingsNeeds): boolean =>
  needs.associated.length === 0 && !needs.lists;

/**
 * A surroundings reader over the association and list stores and the record service: one query for the
 * record's associations, one read per associated record of a type asked for (a record deleted in the
 * meantime counts as none), one query for its lists.
 */
export const surroundingsReader =
  (
    stores: {
      readonly associations: Pick<AssociationRepository, 'all'>;
      readonly lists: Pick<ListRepository, 'listsOf'>;
    },
    records: RecordReader,
  ): SurroundingsReader =>
  async (ref, needs, dissociated) => {
    const read = (other: RecordRef): Promise<AssociatedRecord | undefined> =>
      records
        .get(other.objectType, other.id)
        .then((found) => ({ id: found.id, properties: found.properties }))
        .catch(() => undefined);
    let associated: Record<string, AssociatedRecord[]> | undefined;
    if (needs.associated.length > 0) {
      const wanted = new Set(needs.associated);
      associated = Object.fromEntries(needs.associated.map((type) => [type, [] as AssociatedRecord[]]));
      const refs = (await stores.associations.all(ref)).filter((other) => wanted.has(other.objectType));
      for (const other of refs) {
        const found = await read(other);
        if (found) associated[other.objectType]!.push(found);
      }
    }
    const removed =
      dissociated && needs.associated.includes(dissociated.objectType) ? await read(dissociated) : undefined;
    return {
      ...(associated ? { associated } : {}),
      ...(needs.lists ? { lists: await stores.lists.listsOf(ref) } : {}),
      ...(removed ? { dissociated: removed } : {}),
    };
  };
