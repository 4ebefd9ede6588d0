import type { Retrier } from '../../core/compiler/asl.types.ts';

/** Step Functions' defaults of a retrier. */
const DEFAULTS = { IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 };

/** Whether an error name is one of `names` (with `States.ALL`, and `States.TaskFailed` for any but a timeout). */
export const errorMatches = (names: readonly string[], error: string): boolean =>
  names.includes(error) ||
  names.includes('States.ALL') ||
  (names.includes('States.TaskFailed') && error !== 'States.Timeout');

/** The first retrier of a state whose `ErrorEquals` names the error, as Step Functions picks it. */
export const retrierFor = (retry: readonly Retrier[], error: string): Retrier | undefined =>
  retry.find((retrier) => errorMatches(retrier.ErrorEquals, error));

/** A number in [0, 1) from a text: the FULL jitter is drawn the same way on every replay of one retry. */
const unitOf = (seed: string): number => {
  let hash = 0x811c9dc5;
  for (let index = 0; index < seed.length; index += 1) {
    hash ^= seed.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0x1_0000_0000;
};

/**
 * The interval before retry number `retried + 1` (0-based `retried`), in ms: `IntervalSeconds × BackoffRate^retried`,
 * at most `MaxDelaySeconds`, with FULL jitter a deterministic fraction of it (at least 1 s). Undefined when the
 * retrier has no attempt left.
 */
export const retryDelayMs = (retrier: Retrier, retried: number, seed: string): number | undefined => {
  const maxAttempts = retrier.MaxAttempts ?? DEFAULTS.MaxAttempts;
  if (retried >= maxAttempts) return undefined;
  const base =
    (retrier.IntervalSeconds ?? DEFAULTS.IntervalSeconds) *
    (retrier.BackoffRate ?? DEFAULTS.BackoffRate) ** retried;
  const capped = retrier.MaxDelaySeconds === undefined ? base : Math.min(base, retrier.MaxDelaySeconds);
  const seconds =
    retrier.JitterStrategy === 'FULL' ? Math.max(1, capped * unitOf(`${seed}:${retried}`)) : capped;
  return Math.round(seconds * 1000);
};
