import type { RecoveryOptions } from '../../shared/core/services/recovery.ts';

/** What a background run uses of the workflow system. */
export interface BackgroundSystem {
  /**
   * Completes the record changes a writer left pending (a function stopped between a change's commit and its
   * change-log entry) and the list deletions a request left unfinished.
   */
  readonly completePendingChanges: (options?: RecoveryOptions) => Promise<number>;
  readonly activation: { readonly continueUnfinished: () => Promise<number> };
}

export interface BackgroundRun {
  /** Pending changes and list deletions completed (each change now in the change log, so published). */
  readonly recovered: number;
  /** Activation steps taken. */
  readonly steps: number;
}

export interface BackgroundTime {
  /** The milliseconds left before the invocation's deadline. */
  readonly timeLeft: () => number;
  /** No new step is taken with this little left. */
  readonly safetyMs: number;
  readonly now: () => Date;
}

/**
 * Changes committed this recently are left to their writers: longer than any function's timeout (60 s), so what is
 * older has no writer left.
 */
export const RECOVERY_GRACE_MS = 120_000;

/**
 * One minute's background work on AWS. First the recovery: the record changes a stopped writer left pending (a
 * Lambda timed out, crashed or was throttled after a change's commit and before its change-log entry; those
 * committed in the last `RECOVERY_GRACE_MS` are left to their writers) and the list deletions a request left
 * unfinished, so each change reaches the change log, and the bus, within minutes rather than at the record's next
 * write or read. It takes at most half the time the invocation has, so the activations always get the other half;
 * what it leaves, the next minute's run takes. Then one step (a record budget) of every unfinished activation, again
 * while some remain and more than `safetyMs` is left. A failed recovery does not hold the activations back: they
 * run, then the run fails with the recovery's error (the schedule's dead-letter queue and the function's error
 * alarm see it, and the next minute tries again).
 */
export const runBackground = async (
  system: BackgroundSystem,
  time: BackgroundTime,
): Promise<BackgroundRun> => {
  const left = time.timeLeft();
  // No deadline (a test, a local call): the recovery runs to its end.
  const recoveryUntil = Number.isFinite(left)
    ? time.safetyMs + (left - time.safetyMs) / 2
    : Number.NEGATIVE_INFINITY;
  let recovered = 0;
  let recoveryError: unknown;
  try {
    recovered = await system.completePendingChanges({
      committedBefore: new Date(time.now().getTime() - RECOVERY_GRACE_MS).toISOString(),
      continueWhile: () => time.timeLeft() > recoveryUntil,
    });
  } catch (error) {
    recoveryError = error;
  }
  let steps = 0;
  while (time.timeLeft() > time.safetyMs) {
    const unfinished = await system.activation.continueUnfinished();
    if (unfinished === 0) break;
    steps += unfinished;
  }
  if (recoveryError !== undefined) {
    throw new Error('the recovery of pending changes failed (the activations were stepped)', {
      cause: recoveryError,
    });
  }
  return { recovered, steps };
};
