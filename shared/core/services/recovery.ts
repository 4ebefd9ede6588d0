/** How far a recovery sweep (`completePendingChanges`, `completeDeletions`) goes. */
export interface RecoveryOptions {
  /**
   * Only the changes committed before this instant (ISO 8601): a younger one may still be in its writer's hands, and
   * is left to it (a sweep beside live writers passes it by; the next sweep finds it if its writer stopped).
   */
  readonly committedBefore?: string;
  /** Asked before each item (and each page of a list's members): once false, the sweep stops; the rest waits. */
  readonly continueWhile?: () => boolean;
}

/** What a sweep could not complete: each item's error; the sweep went on past them. */
export class RecoveryError extends AggregateError {
  override readonly name = 'RecoveryError';
  /** How many the sweep completed all the same. */
  readonly completed: number;

  constructor(errors: readonly unknown[], completed: number, what: string) {
    super(errors, `${errors.length} ${what} could not be completed (${completed} were)`);
    this.completed = completed;
  }
}

/**
 * Completes each item a sweep finds, on its own: a failure is kept and the sweep goes on, so one item that keeps
 * failing does not hold back the others; the failures are thrown together at the end (`RecoveryError`).
 */
export class Sweep {
  completed = 0;
  readonly #failures: unknown[] = [];
  readonly #continueWhile: (() => boolean) | undefined;

  constructor(options: RecoveryOptions) {
    this.#continueWhile = options.continueWhile;
  }

  /** False once the caller's budget is spent. */
  get going(): boolean {
    return this.#continueWhile?.() ?? true;
  }

  /** Runs one item's completion; whether it counts is its answer (false: nothing was left to complete). */
  async item(complete: () => Promise<boolean>): Promise<void> {
    try {
      if (await complete()) this.completed += 1;
    } catch (error) {
      this.#failures.push(error);
    }
  }

  /** The count, or the failures with it. */
  end(what: string): number {
    if (this.#failures.length > 0) throw new RecoveryError(this.#failures, this.completed, what);
    return this.completed;
  }
}
