import type { ActivationService } from '../core/services/activation-service.ts';
import { type BackgroundLoop, startBackgroundLoop } from './background-loop.ts';

/**
 * The embedded continuation of activations with `enrollExisting` that did not finish in their request:
 * `drain()` resolves once no activation is left unfinished, but for one an activation request of this process is
 * stepping at that moment (it answers when its step ends; the loop goes on from its checkpoint).
 */
export type ActivationLoop = BackgroundLoop;

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
export const startActivationLoop = (options: ActivationLoopOptions): ActivationLoop =>
  startBackgroundLoop({
    // A step of each; more steps while any remain (each step saves its checkpoint, so a stop loses nothing).
    run: async (isClosed) => {
      while (!isClosed() && (await options.activation.continueUnfinished()) > 0) {}
    },
    intervalMs: options.intervalMs ?? 500,
    logError: options.logError,
  });
