import type { PropertyValue } from '../records/record.schema.ts';
import type { DelayAction } from '../workflow/action.schema.ts';
import type { Anchor } from '../workflow/workflow.schema.ts';

/** When a record that reached a delay goes on: at an instant, out of the workflow, or (anchors) past it already. */
export type DelayDue =
  | { readonly kind: 'at'; readonly at: Date }
  | { readonly kind: 'unenroll' }
  | { readonly kind: 'passed'; readonly at: Date };

/** What a delay's instant depends on, all passed in: no clock is read. */
export interface DelayContext {
  /** When the record reached the delay. */
  readonly reachedAt: Date;
  /** The workflow's IANA time zone. */
  readonly timeZone: string;
  /** Blocked dates `YYYY-MM-DD`: only business-day delays count them. */
  readonly blockedDates?: readonly string[];
  /** The enrolled record's properties. */
  readonly properties?: Readonly<Record<string, PropertyValue>>;
  /** The workflow's anchor (date-centered workflows). */
  readonly anchor?: Anchor;
  /**
   * The offset and time of every `delayUntilAnchor` still ahead on the record's path from the delay being reached
   * (reachable from it along the workflow's edges, other branches' not): a recurring anchor keeps the yearly
   * occurrence for which one of them is still ahead. The delay being reached always counts, listed or not.
   */
  readonly anchorDelays?: readonly AnchorTiming[];
}

/** Where a `delayUntilAnchor` falls around its anchor date: its offset and local time. */
export interface AnchorTiming {
  readonly offset: string;
  readonly time: string;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A delay action; its id, name and successor play no part in its instant. */
export type DelaySpec = DistributiveOmit<DelayAction, 'id' | 'name' | 'next'>;
/** The delay spec of one delay type. */
export type DelaySpecOf<T extends DelaySpec['type']> = Extract<DelaySpec, { type: T }>;
