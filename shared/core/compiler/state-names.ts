/**
 * State names. Action ids hold only letters, digits, `_` and `-`, so a prefix with a colon
 * never collides with another action's states, and `$` marks the machine's own states.
 */
export const stateNames = {
  resume: 'Resume',
  wait: (actionId: string) => `Wait:${actionId}`,
  run: (actionId: string) => `Run:${actionId}`,
  route: (actionId: string) => `Route:${actionId}`,
  failed: (actionId: string) => `Failed:${actionId}`,
  timedOut: (actionId: string) => `TimedOut:${actionId}`,
  /** Where a parked event wait's timeout execution sleeps until the timeout, before `TimedOut:<id>`. */
  timeoutWait: (actionId: string) => `TimeoutWait:${actionId}`,
  waitEnd: 'Wait:$end',
  complete: 'Complete',
  done: 'Done',
  exit: 'Exit',
  continued: 'Continued',
  stopped: 'Stopped',
  unknownResume: 'UnknownResumeAction',
} as const;
