import type { ActionEffect } from '../actions/action-effects.ts';
import type { EnrollmentReason } from '../enrollment/enrollment-check.ts';
import type { Action } from '../workflow/action.schema.ts';

/**
 * What the walk says of one action on the path:
 * - `would_run`: the action would run at `at`, with its `effects` (as data; nothing is carried out);
 * - `would_fail`: it could not run for this record (`error`, e.g. no email address); `onError` decides what follows;
 * - `waits`: a delay, reached at `at`, waiting `until`;
 * - `skipped`: a `delayUntilAnchor` whose instant had passed, or an action skipped while skipping forward to the
 *   next anchor delay (`reason: anchor_passed`);
 * - `branch:<name>`: the branch taken (a branch's name, a value branch's value, a random split's `<percent>%`,
 *   `default`);
 * - `event_met`: a `delayUntilEvent` whose criteria the record meets already: it goes on at once;
 * - `waits_for_event`: a `delayUntilEvent` whose criteria it does not meet; the walk goes on along `timeoutNext`
 *   at `until` (the timeout), the one path that the record as it is would take;
 * - `goal_met`, `unenrolled:<reason>`: the record would leave before this action (goal, suppression, unenrollment
 *   criteria, a missing date or anchor); the action does not run.
 */
export type DryRunOutcome =
  | 'would_run'
  | 'would_fail'
  | 'waits'
  | 'skipped'
  | 'event_met'
  | 'waits_for_event'
  | 'goal_met'
  | `branch:${string}`
  | `unenrolled:${string}`;

/** One action on the path. */
export interface DryRunStep {
  readonly actionId: string;
  readonly type: Action['type'];
  readonly outcome: DryRunOutcome;
  /** When the record reaches the action (for an action held back by windows: when it would run). */
  readonly at: string;
  /** When a wait ends (`waits`, `waits_for_event`). */
  readonly until?: string;
  /** `would_run`: what the action would do. */
  readonly effects?: readonly ActionEffect[];
  /** `would_fail`: why. */
  readonly error?: string;
  /** `skipped`: why. */
  readonly reason?: string;
}

/** How the walk ends: at the end of the workflow, by leaving it, at a failure that stops, or at the bound. */
export interface DryRunEnd {
  readonly outcome: 'completed' | 'goal_met' | 'unenrolled' | 'failed' | 'truncated';
  readonly at: string;
  readonly reason?: string;
}

export interface DryRunPath {
  readonly path: readonly DryRunStep[];
  readonly end: DryRunEnd;
}

/** What `POST /workflows/{id}/test` answers. */
export interface DryRunResult {
  /** Whether the record, as it is at `at`, would enroll (see `checkEnrollment`). */
  readonly wouldEnroll: boolean;
  readonly reasons: readonly EnrollmentReason[];
  /** The path it would take once enrolled at `at` (walked whether or not it would enroll). */
  readonly path: readonly DryRunStep[];
  readonly end: DryRunEnd;
}
