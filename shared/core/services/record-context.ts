import type { PropertyBag } from '../filters/filter-input.ts';
import type { ObjectType } from '../records/object-types.ts';
import type { RecordService } from './crm-services.ts';
import type { RecordStores } from './record-stores.ts';
import type { RecordContextReader } from './review-criteria.ts';

/**
 * Reads what criteria need beyond a record's own properties: the properties of its associated records of
 * the types asked for (one query for its associations, then one read per associated record) and its lists.
 * @example const read = recordContextReader(stores, records); await read(record, { associated: ['companies'], lists: true })
 */
export const recordContextReader =
  (
    stores: Pick<RecordStores, 'associations' | 'lists'>,
    records: Pick<RecordService, 'get'>,
  ): RecordContextReader =>
  async (record, needs) => {
    const ref = { objectType: record.objectType, id: record.id };
    const associated: Record<string, PropertyBag[]> = {};
    if (needs.associated.length > 0) {
      const wanted = new Set<ObjectType>(needs.associated);
      const refs = (await stores.associations.all(ref)).filter((other) => wanted.has(other.objectType));
      for (const type of wanted) associated[type] = [];
      for (const other of refs) {
        // An association to a record deleted in the meantime counts as none.
        const found = await records.get(other.objectType, other.id).catch(() => undefined);
        if (found) associated[other.objectType]!.push(found.properties);
      }
    }
    return {
      ...(needs.associated.length > 0 ? { associated } : {}),
      ...(needs.lists ? { lists: await stores.lists.listsOf(ref) } : {}),
    };
  };
