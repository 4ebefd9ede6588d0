/**
 * The idempotency key of an action's effect: `<enrollmentId>:<actionId>:<index>`, the effect's place in the
 * action's plan. Enrollment and action ids hold no `:` (letters, digits, `_`, `-`).
 * @example effectKey('enr_1', 'greet', 0) // 'enr_1:greet:0'
 */
export const effectKey = (enrollmentId: string, actionId: string, index: number): string =>
  `${enrollmentId}:${actionId}:${index}`;

/** The action id an effect key names. */
export const actionIdOfEffectKey = (key: string): string => key.split(':').slice(1, -1).join(':');
