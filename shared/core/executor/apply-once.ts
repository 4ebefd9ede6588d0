import type { ActionEffect } from '../actions/action-effects.ts';
import type { EnrollmentRef } from '../contract/task-contract.ts';
import type { Clock } from '../ports/clock.ts';
import type { EffectIntentStore, ResolvedEffect } from './effect-intents.ts';
import type { EffectOutcome, ExecutorPorts } from './ports.ts';

export interface ApplyOnceOptions {
  readonly intents: EffectIntentStore;
  readonly clock: Clock;
  /** Fixes the effect's values (first attempt only). */
  readonly resolve: (effect: ActionEffect, enrollment: EnrollmentRef, key: string) => Promise<ResolvedEffect>;
  /** Carries out a resolved effect; the same resolved effect twice writes the same. */
  readonly run: (
    effect: ResolvedEffect,
    enrollment: EnrollmentRef,
    key: string,
  ) => Promise<EffectOutcome | undefined>;
}

/**
 * `apply` once per key (docs/storage.md, "Action effects exactly once"): the intent — the effect resolved to
 * absolute values — is written before the effect and marked done after it. A retry finds the intent: done, it
 * answers what the effect reported; not done (a crash, or the effect threw), it applies the same values again.
 */
export const applyOncePerKey =
  (options: ApplyOnceOptions): ExecutorPorts['apply'] =>
  async (effect, enrollment, key) => {
    const kept =
      (await options.intents.get(key)) ??
      (await options.intents.claim({
        key,
        effect: await options.resolve(effect, enrollment, key),
        createdAt: options.clock.now().toISOString(),
      }));
    if (kept.done) return kept.outcome;
    const outcome = await options.run(kept.effect, enrollment, key);
    await options.intents.markDone(key, outcome);
    return outcome;
  };
