import type { ListRepository } from '../lists/list-repository.ts';
import type { AssociationRepository } from '../records/association-repository.ts';
import type { ChangeLog } from '../records/change-log.ts';
import type { PropertyRepository } from '../records/property-repository.ts';
import type { RecordRepository } from '../records/record-repository.ts';
import type { UniqueClaims } from '../records/unique-claims.ts';

/** The storage ports of the records slice, as an adapter family provides them. */
export interface RecordStores {
  readonly records: RecordRepository;
  readonly changeLog: ChangeLog;
  readonly claims: UniqueClaims;
  readonly associations: AssociationRepository;
  readonly lists: ListRepository;
  readonly properties: PropertyRepository;
}
