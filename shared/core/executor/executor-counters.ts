/**
 * A counter the executor keeps: `attempts` of an action in one execution (scope: the execution id), `rotation`
 * of a `rotateOwner` action across a workflow's enrollments (scope: the workflow id). `name` is the action id.
 */
export interface CounterRef {
  readonly kind: 'attempts' | 'rotation';
  readonly scope: string;
  readonly name: string;
}

/** Atomic counters (docs/storage.md, "Executor items"): each starts at 0. */
export interface CounterStore {
  /** Adds `by` in one atomic write and answers the new value. */
  add(counter: CounterRef, by: number): Promise<number>;
  /** The current value (0 when never added to). */
  get(counter: CounterRef): Promise<number>;
}
