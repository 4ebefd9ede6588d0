import { MINUTE_MS } from './calendar-day.ts';

/** Minutes since midnight of `HH:mm` (`24:00` included). */
export const minutesOfDay = (time: string): number =>
  Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Milliseconds since midnight of `HH:mm` (`24:00` included). */
export const msOfTime = (time: string): number => minutesOfDay(time) * MINUTE_MS;
