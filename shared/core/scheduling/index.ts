export { anchorDueAt } from './anchor-due.ts';
export type { DelayContext, DelayDue, DelaySpec, DelaySpecOf } from './delay-context.ts';
export { delayDueAt } from './delay-due.ts';
export { fnv1a32, MAX_SPREAD_MS, spreadMs } from './key-spread.ts';
export { nextRunAt, type ScheduleInput, SEARCH_DAYS } from './next-run-at.ts';
