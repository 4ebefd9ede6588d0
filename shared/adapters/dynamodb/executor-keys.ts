import type { CounterRef } from '../../core/executor/executor-counters.ts';
import { TABLE_KEYS } from './table.ts';

/*
 * Keys of the executor's items in the single table (docs/storage.md, "Executor items"). Every prefix is this
 * file's: `EFFECT#`, `ATTEMPTS#`, `ROTATION#`, `WAIT#` — none begins like another family's.
 */

/** One effect intent per effect key (`<enrollmentId>:<actionId>:<index>`). */
export const effectIntentKey = (key: string) => ({
  [TABLE_KEYS.pk]: `EFFECT#${key}`,
  [TABLE_KEYS.sk]: '#EFFECT',
});

const COUNTER_PREFIX: Record<CounterRef['kind'], string> = { attempts: 'ATTEMPTS#', rotation: 'ROTATION#' };

/** A counter: the attempts of an action in an execution, or a rotation of a workflow's action. */
export const counterKey = (counter: CounterRef) => ({
  [TABLE_KEYS.pk]: `${COUNTER_PREFIX[counter.kind]}${counter.scope}`,
  [TABLE_KEYS.sk]: `ACTION#${counter.name}`,
});

/** An enrollment's event waits, one item per action. */
export const eventWaitsPk = (enrollmentId: string) => `WAIT#${enrollmentId}`;
export const eventWaitKey = (enrollmentId: string, actionId: string) => ({
  [TABLE_KEYS.pk]: eventWaitsPk(enrollmentId),
  [TABLE_KEYS.sk]: `ACTION#${actionId}`,
});
