import type { ActivationService } from '../core/services/activation-service.ts';

/** The embedded continuation of activations with `enrollExisting` that did not finish in their request. */
export interface ActivationLoop {
  /** Asks for a step soon (after an activation); steps never overlap. */
  readonly poke: () => void;
  /** Resolves once no activation is left unfinished (every step run until none remains). */
  readonly drain: () => Promise<void>;
  /** Stops after the step in progress. */
  readonly close: () => Promise<void>;
}

export interface ActivationLoopOptions {
  readonly activation: Pick<ActivationService, 'continueUnfinished'>;
  /** A step every this many ms even without a poke. Default 500. */
  readonly intervalMs?: number;
  readonly logError: (error: unknown) => void;
}

/**
 * Runs one step (a record budget) of every unfinished activation, again while some remain. Checkpoints are in the
 * table, so a start resumes what a crash or a stop left (the first run is at once).
 */
export const startActivationLoop = (options: ActivationLoopOptions): ActivationLoop => {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          // A step of each; more steps while any remain (each step saves its checkpoint, so a stop loses nothing).
          while (!closed && (await options.activation.continueUnfinished()) > 0) {}
        } catch (error) {
          // The checkpoint stays: the next run goes on from it.
          options.logError(error);
        }
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => void run(), options.intervalMs ?? 500);
  timer.unref();
  void run();
  return {
    poke: () => void run(),
    drain: async () => {
      await running;
      await run();
    },
    close: async () => {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
};
