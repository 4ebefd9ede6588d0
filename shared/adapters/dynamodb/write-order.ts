import { performance } from 'node:perf_hooks';

/** Microseconds since the epoch fit in 17 digits until the year 5138. */
const WIDTH = 17;

let last = 0;

/**
 * A tie-breaker for items listed by instant: the real time of the write in microseconds, zero-padded so that it sorts
 * as text, strictly increasing within the process. Lines written at one instant of the system's clock (one Task's
 * lines share it; under the manual clock a whole step does) then list in the order they were written; across
 * processes, in the order of their real time.
 * @example `${at}#${nextWriteOrder()}#${key}` // '2027-01-04T08:00:00.000Z#01798000000000000#k1'
 */
export const nextWriteOrder = (): string => {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  last = Math.max(last + 1, micros);
  return String(last).padStart(WIDTH, '0');
};
