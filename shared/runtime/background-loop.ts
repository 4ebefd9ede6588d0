/** Work the embedded runtime runs in the background: on a poke, on an interval, never two runs at once. */
export interface BackgroundLoop {
  /** Asks for a run soon; a poke during a run makes one more run after it. */
  readonly poke: () => void;
  /** Resolves once a run that started after the call has finished. */
  readonly drain: () => Promise<void>;
  /** Stops after the run in progress. */
  readonly close: () => Promise<void>;
}

export interface BackgroundLoopOptions {
  /** One run; `isClosed` says the loop is stopping (a long run ends early). Its state is on disk, so a failed run loses nothing. */
  readonly run: (isClosed: () => boolean) => Promise<void>;
  /** A run every this many ms even without a poke. */
  readonly intervalMs: number;
  readonly logError: (error: unknown) => void;
}

/**
 * Starts a loop whose first run is at once (a start resumes what a crash or a stop left), then runs on every
 * poke and every `intervalMs`. A failed run is logged; the next one tries again.
 */
export const startBackgroundLoop = (options: BackgroundLoopOptions): BackgroundLoop => {
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;
  const isClosed = () => closed;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await options.run(isClosed);
        } catch (error) {
          options.logError(error);
        }
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer = setInterval(() => void run(), options.intervalMs);
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
