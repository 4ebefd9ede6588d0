import type { BatchReading } from '../filters/batch-matcher.ts';
import type { FilterGroups } from '../filters/filter.schema.ts';
import type { PropertyTypes } from '../filters/filter-options.ts';
import type { PartName } from './workflow-parts.ts';

/** One evaluation of one part of one workflow against one side of a change. */
export interface Evaluation {
  readonly workflowId: string;
  readonly part: PartName;
  readonly side: 'before' | 'after';
}

/** How decisions evaluate criteria: the property types, and an observer (tests count evaluations). */
export interface EvaluationOptions {
  readonly types?: PropertyTypes;
  readonly onEvaluate?: (evaluation: Evaluation) => void;
}

/** Reads a workflow's parts against the record before and after a change, each at most once per side. */
export interface PartReader {
  /** False when the record did not exist before (created). */
  before(part: PartName, criteria: FilterGroups): boolean;
  /** False when the record no longer exists (deleted). */
  after(part: PartName, criteria: FilterGroups): boolean;
}

/** The record before and after a change, each read against every workflow's parts at once (a batch reading). */
export interface SideReadings {
  /** Absent when the record did not exist before (created). */
  readonly before: BatchReading | undefined;
  /** Absent when the record no longer exists (deleted). */
  readonly after: BatchReading | undefined;
}

/**
 * The parts of one workflow (`ids`: their ids in the batch) as `readings` answer them. The readings hold every
 * live workflow's parts and remember each part's result, so a part is evaluated at most once per side, and a
 * filter that many workflows share once per side for all of them.
 */
export const partReader = (ids: ReadonlyMap<PartName, string>, readings: SideReadings): PartReader => {
  const read = (reading: BatchReading | undefined, part: PartName, criteria: FilterGroups): boolean => {
    // `[]` never matches and a missing side is no record: neither needs the engine.
    if (!reading || criteria.length === 0) return false;
    const id = ids.get(part);
    return id !== undefined && reading.matches(id);
  };
  return {
    before: (part, criteria) => read(readings.before, part, criteria),
    after: (part, criteria) => read(readings.after, part, criteria),
  };
};
