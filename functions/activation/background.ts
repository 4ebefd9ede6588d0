/** What a background run uses of the workflow system. */
export interface BackgroundSystem {
  /** Completes the changes a writer left pending (a function stopped between a change's commit and its log entry). */
  readonly completePendingChanges: () => Promise<number>;
  readonly activation: { readonly continueUnfinished: () => Promise<number> };
}

export interface BackgroundRun {
  /** Pending changes completed (each now in the change log, so published). */
  readonly recovered: number;
  /** Activation steps taken. */
  readonly steps: number;
}

/**
 * One minute's background work on AWS. First the changes a stopped writer left pending (a Lambda timed out, crashed
 * or was throttled after a change's commit and before its change-log entry) are completed, so each reaches the change
 * log and is published within a minute rather than at the record's next write or read; then one step (a record
 * budget) of every unfinished activation, again while some remain and more than `safetyMs` is left. A failed
 * completion does not hold the activations back: they run, then the run fails with the completion's error (the
 * schedule's dead-letter queue and the function's error alarm see it, and the next minute tries again).
 */
export const runBackground = async (
  system: BackgroundSystem,
  timeLeft: () => number,
  safetyMs: number,
): Promise<BackgroundRun> => {
  let recovered = 0;
  let recoveryError: unknown;
  try {
    recovered = await system.completePendingChanges();
  } catch (error) {
    recoveryError = error;
  }
  let steps = 0;
  while (timeLeft() > safetyMs) {
    const unfinished = await system.activation.continueUnfinished();
    if (unfinished === 0) break;
    steps += unfinished;
  }
  if (recoveryError !== undefined) {
    throw new Error('completing the pending changes failed (the activations were stepped)', {
      cause: recoveryError,
    });
  }
  return { recovered, steps };
};
