import type { ActionEffect } from '../actions/action-effects.ts';
import type { EnrollmentRef } from '../contract/task-contract.ts';
import type { Clock } from '../ports/clock.ts';
import type { EffectIntent, EffectIntentStore, ResolvedEffect } from './effect-intents.ts';
import type { EffectOutcome, ExecutorPorts } from './ports.ts';

export interface ApplyOnceOptions {
  readonly intents: EffectIntentStore;
  readonly clock: Clock;
  /** Fixes the effect's values (first attempt only). */
  readonly resolve: (effect: ActionEffect, enrollment: EnrollmentRef, key: string) => Promise<ResolvedEffect>;
  /** True when `resolve` writes nothing for the effect, so that it may run before the intent is looked up. */
  readonly resolvesWithoutWrites: (effect: ActionEffect) => boolean;
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
 * An effect whose resolution writes nothing is resolved first and claimed at once (the claim answers the intent
 * kept when there is one, and a resolution that fails looks for it): no read before a first attempt's claim.
 */
export const applyOncePerKey =
  (options: ApplyOnceOptions): ExecutorPorts['apply'] =>
  async (effect, enrollment, key) => {
    const claim = (resolved: ResolvedEffect) =>
      options.intents.claim({ key, effect: resolved, createdAt: options.clock.now().toISOString() });
    const keptOrClaimed = async (): Promise<EffectIntent> => {
      if (!options.resolvesWithoutWrites(effect)) {
        return (
          (await options.intents.get(key)) ?? (await claim(await options.resolve(effect, enrollment, key)))
        );
      }
      let resolved: ResolvedEffect;
      try {
        resolved = await options.resolve(effect, enrollment, key);
      } catch (error) {
        const kept = await options.intents.get(key);
        if (kept) return kept;
        throw error;
      }
      return claim(resolved);
    };
    const kept = await keptOrClaimed();
    if (kept.done) return kept.outcome;
    const outcome = await options.run(kept.effect, enrollment, key);
    await options.intents.markDone(key, outcome);
    return outcome;
  };
