/** An event as EventBridge delivers it to a rule's target. */
export interface EventEnvelope<Detail = Record<string, unknown>> {
  readonly id: string;
  readonly version: '0';
  readonly source: string;
  readonly 'detail-type': string;
  readonly account: string;
  readonly region: string;
  /** ISO 8601 instant, second precision as EventBridge writes it (`2027-01-04T08:00:00Z`). */
  readonly time: string;
  readonly resources: readonly string[];
  readonly detail: Detail;
}
