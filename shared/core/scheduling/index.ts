export { delayDueAt } from './delay-due.ts';
export { nextRunAt } from './next-run-at.ts';
