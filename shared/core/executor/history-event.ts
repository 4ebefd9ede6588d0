/** The events of a workflow's history (api.md, "History events"). */
export const HISTORY_EVENTS = [
  'enrolled',
  'enrollment.skipped',
  'action.scheduled',
  'action.completed',
  'action.failed',
  'action.skipped',
  'branch.taken',
  'goal.met',
  'unenrolled',
  'completed',
] as const;
type HistoryEventName = (typeof HISTORY_EVENTS)[number];

/** One line of history. */
export interface HistoryEvent {
  readonly at: string;
  readonly workflowId: string;
  readonly revision: number;
  readonly enrollmentId?: string;
  readonly recordId: string;
  readonly event: HistoryEventName;
  readonly actionId?: string;
  readonly reason?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  /** The retry of the enrollment whose run wrote the line (absent: its first run). */
  readonly retry?: number;
}
