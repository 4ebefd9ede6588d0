import type { ObjectType } from './object-types.ts';
import type { Properties } from './record.schema.ts';

/** What happened to a record (events.md, `Record Changed`). */
export type ChangeKind =
  | 'created'
  | 'updated'
  | 'deleted'
  | 'associated'
  | 'dissociated'
  | 'listed'
  | 'unlisted';

/** A record as a change saw it, before or after. */
export interface RecordImage {
  readonly properties: Properties;
}

/**
 * One committed change of one record, keyed by record and `version` (1, 2, 3, … without gaps): what the change log
 * keeps and what `Record Changed` carries. `association` and `listId` say what an association or membership
 * change touched; `at` is when it was committed.
 */
export interface RecordChange {
  readonly objectType: ObjectType;
  readonly id: string;
  readonly change: ChangeKind;
  readonly version: number;
  readonly before: RecordImage | null;
  readonly after: RecordImage | null;
  readonly changedProperties: readonly string[];
  readonly cause?: ChangeCause;
  readonly at: string;
  readonly association?: { readonly toObjectType: ObjectType; readonly toId: string };
  readonly listId?: string;
  /**
   * The key of the workflow action's effect that made the change, when it wrote conditionally on a version (an
   * increment): a retry of that effect finds its own change by it. Kept in the log, never published.
   */
  readonly effectKey?: string;
}

/** The `Record Changed` detail of events.md, from a committed change. */
export const recordChangedDetail = (change: RecordChange) => ({
  objectType: change.objectType,
  id: change.id,
  change: change.change,
  version: change.version,
  before: change.before,
  after: change.after,
  changedProperties: change.changedProperties,
  ...(change.cause ? { cause: change.cause } : {}),
  // What an association or membership change touched: enrollment rebuilds the record as it was before from it.
  ...(change.association ? { association: change.association } : {}),
  ...(change.listId === undefined ? {} : { listId: change.listId }),
});

/** Names of the properties whose values differ between two images (a missing value and `null` are the same). */
export const changedPropertyNames = (
  before: Properties | undefined,
  after: Properties | undefined,
): string[] => {
  const names = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  return [...names].filter((name) => (before?.[name] ?? null) !== (after?.[name] ?? null)).sort();
};

/** Who made a change, when a workflow action made it (events.md `cause`). */
export interface ChangeCause {
  readonly workflowId: string;
  readonly enrollmentId: string;
  readonly depth: number;
}
