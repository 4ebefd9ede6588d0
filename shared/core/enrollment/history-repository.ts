import type { HistoryEvent } from '../executor/history-event.ts';
import type { Page, PageRequest } from '../ports/page.ts';
import { lineDigest } from './enrollment-id.ts';

/** A history line with the record's object type (the record's history is read by type and id). */
export type HistoryLine = HistoryEvent & { readonly objectType: string };

export interface HistoryQuery {
  readonly recordId?: string;
  readonly event?: HistoryEvent['event'];
}

/** Where history lines are kept (docs/storage.md, "Enrollments and history"). */
export interface HistoryRepository {
  /** Appends a line once: a second append with the same key (a retry) keeps the first. */
  append(line: HistoryLine, key?: string): Promise<void>;
  /** A workflow's lines, newest first, optionally of one record and one event. */
  ofWorkflow(workflowId: string, query: HistoryQuery, page: PageRequest): Promise<Page<HistoryLine>>;
  /** A record's lines across workflows, newest first. */
  ofRecord(objectType: string, recordId: string, page: PageRequest): Promise<Page<HistoryLine>>;
}

/**
 * The key that keeps one copy of a line. A line of an enrollment is once per enrollment, event, action, reason
 * and retry of the enrollment (`retry`), whenever a retried Task writes it; a line without one (`enrollment.skipped`) also by its instant, so write
 * the change's instant there and a redelivered change keeps one line.
 */
export const historyLineKey = (line: HistoryLine): string =>
  line.enrollmentId === undefined
    ? lineDigest([line.workflowId, line.recordId, line.event, line.reason, line.at])
    : lineDigest([
        line.workflowId,
        line.enrollmentId,
        line.event,
        line.actionId,
        line.reason,
        ...(line.retry ? [line.retry] : []),
      ]);
