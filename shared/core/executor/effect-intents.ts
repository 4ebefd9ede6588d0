import type { ActionEffect } from '../actions/action-effects.ts';
import type { RecordRef } from '../records/association-repository.ts';
import type { ObjectType } from '../records/object-types.ts';
import type { Properties } from '../records/record.schema.ts';
import type { ActionEvent } from './action-messages.ts';
import type { EffectOutcome } from './ports.ts';

/** How the values of a write follow from the record's own (see `ResolvedWrite.from`). */
export type WriteRule =
  /** `property` becomes the record's number plus `by` (an increment). */
  | { readonly kind: 'increment'; readonly property: string; readonly by: number }
  /** The values are written only while the record's `property` is empty (a rotation that does not overwrite). */
  | { readonly kind: 'whileEmpty'; readonly property: string };

/** One record write with the values to write, as fixed at the effect's first attempt. */
export interface ResolvedWrite {
  readonly objectType: ObjectType;
  readonly id: string;
  readonly properties: Properties;
  /**
   * For values that follow from the record's own: the version of the record they were computed from, and how.
   * The write is conditional on that version; when another write came first, the values are computed again from
   * the record as it is then (`properties` keeps the first attempt's), so that neither write is lost.
   */
  readonly from?: { readonly version: number; readonly rule: WriteRule };
}

/**
 * An action's effect with every value it depends on fixed at its first attempt, so that applying it again writes
 * the same: the records a target named then, a rotation's owners, a new record's id, the record a webhook or an
 * event carries. An increment's value is fixed with the version it was computed from (`ResolvedWrite.from`).
 */
export type ResolvedEffect =
  /** `updateRecords`, `incrementProperty`, `rotateOwner`: the writes they come to. */
  | { readonly kind: 'writeRecords'; readonly writes: readonly ResolvedWrite[] }
  | {
      readonly kind: 'createRecord';
      readonly objectType: ObjectType;
      readonly id: string;
      readonly properties: Properties;
      /** The enrolled record, to associate the new one with. */
      readonly associateWith?: RecordRef;
    }
  /** Absolute already. */
  | Extract<
      ActionEffect,
      {
        readonly kind: 'sendEmail' | 'sendNotification' | 'addToList' | 'removeFromList' | 'enrollInWorkflow';
      }
    >
  /** With its JSON body as sent (see `webhookBody`). */
  | (Extract<ActionEffect, { readonly kind: 'webhook' }> & { readonly body: string })
  /** The whole event, the record in it (see `publishedEvent`). */
  | ({ readonly kind: 'publishEvent' } & ActionEvent);

/** What is kept of an effect under its key: the resolved effect, and once applied, what it reported. */
export interface EffectIntent {
  readonly key: string;
  readonly effect: ResolvedEffect;
  readonly createdAt: string;
  readonly done: boolean;
  readonly outcome?: EffectOutcome;
}

/**
 * Where effect intents are kept (docs/storage.md, "Action effects exactly once"): one per effect key, written
 * before the effect is applied and marked done after.
 */
export interface EffectIntentStore {
  /** The intent kept under `key`, read consistently; undefined when none was written. */
  get(key: string): Promise<EffectIntent | undefined>;
  /** Writes the intent unless one exists under its key; answers the intent kept (this one, or the earlier). */
  claim(intent: Omit<EffectIntent, 'done' | 'outcome'>): Promise<EffectIntent>;
  /** Marks the intent applied, with what the effect reported. */
  markDone(key: string, outcome?: EffectOutcome): Promise<void>;
}
