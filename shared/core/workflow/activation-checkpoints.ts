/**
 * Where an activation with `enrollExisting` stands: the records of the workflow's type are read page after page;
 * what is left after the request's budget continues in the background from `cursor`.
 */
export interface ActivationCheckpoint {
  readonly workflowId: string;
  /** The revision activated (a checkpoint of another revision, or of an inactive workflow, is dropped). */
  readonly revision: number;
  /** When the workflow was activated: names the activation (the enrollments' trigger). */
  readonly activatedAt: string;
  /** The next page of records (undefined: from the first; null: every page read). */
  readonly cursor?: string | null;
  readonly matched: number;
  readonly enrolled: number;
  /** How many steps were saved: a save based on an older step is refused (two runners never count twice). */
  readonly step: number;
  readonly updatedAt: string;
}

/** The checkpoints of activations still enrolling existing records. */
export interface ActivationCheckpoints {
  /** The workflow's checkpoint (finished ones too, with `cursor: null`), or undefined. */
  get(workflowId: string): Promise<ActivationCheckpoint | undefined>;
  /**
   * Writes `next` if the stored one is still at `next.step - 1` (or absent when `next.step` is 0); false when
   * another runner moved it first.
   */
  save(next: ActivationCheckpoint): Promise<boolean>;
  /** Forgets the workflow's checkpoint (deactivation, deletion). */
  delete(workflowId: string): Promise<void>;
  /** The workflow ids whose checkpoints are not finished, oldest first (at most `limit`). */
  unfinished(limit: number): Promise<string[]>;
}
