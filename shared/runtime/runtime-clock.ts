import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../core/errors/app-error.ts';
import type { Clock } from '../core/ports/clock.ts';
import { isDateTimeText, parseInstant } from '../core/time/date-value.ts';
import { addDuration } from '../core/time/duration-math.ts';
import { parseIsoDuration } from '../core/time/iso-duration.ts';
import { UTC_ZONE } from '../core/time/time-zone.ts';

/** The one clock of the embedded runtime: every timestamp the system writes comes from it. */
export interface RuntimeClock extends Clock {
  readonly kind: 'system' | 'manual';
  /** Moves a manual clock (`{ advance: 'P2D' }` or `{ to: '2027-01-04T08:00:00Z' }`); never backwards. */
  readonly move: (request: unknown) => Date;
  /** The instant a move asks for, checked (ValidationError), without moving. */
  readonly targetOf: (request: unknown) => Date;
  /** Sets a manual clock to a later instant (an earlier one is ignored: time never goes back). */
  readonly set: (instant: Date) => void;
}

const systemClockMoved = () =>
  new ValidationError(
    [
      {
        path: 'clock',
        message: 'the clock is the system clock: start with WORKFLOWS_CLOCK=manual to move it',
      },
    ],
    'the system clock cannot be moved',
  );

export const systemClock = (): RuntimeClock => ({
  kind: 'system',
  now: () => new Date(),
  move: () => {
    throw systemClockMoved();
  },
  targetOf: () => {
    throw systemClockMoved();
  },
  set: () => {
    throw systemClockMoved();
  },
});

const invalid = (path: string, message: string) => new ValidationError([{ path, message }], message);

/**
 * The last instant the system can write: every timestamp is stored as `toISOString()`, whose years past 9999
 * (`+010000-…`) are no datetime the time module reads.
 */
const LAST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The instant a move asks for, checked: an ISO duration forward, or a later datetime. */
const targetOf = (request: unknown, current: Date): Date => {
  const target = requestedTarget(request, current);
  if (!(target.getTime() <= LAST_INSTANT_MS)) {
    const path = Object.keys(request as object)[0] as string;
    throw invalid(
      path,
      `moves the clock past ${new Date(LAST_INSTANT_MS).toISOString()}, the last instant it can hold`,
    );
  }
  return target;
};

const requestedTarget = (request: unknown, current: Date): Date => {
  const body = (request ?? {}) as { advance?: unknown; to?: unknown };
  const keys = Object.keys(body);
  if (keys.length !== 1 || !(keys[0] === 'advance' || keys[0] === 'to')) {
    throw invalid('body', 'send exactly one of { "advance": "P2D" } or { "to": "2027-01-04T08:00:00Z" }');
  }
  if (keys[0] === 'advance') {
    const duration = typeof body.advance === 'string' ? parseIsoDuration(body.advance) : undefined;
    if (!duration || duration.sign < 0) {
      throw invalid('advance', 'must be a non-negative ISO 8601 duration such as PT1H or P2D');
    }
    return new Date(addDuration(UTC_ZONE, current.getTime(), duration));
  }
  if (!isDateTimeText(body.to))
    throw invalid('to', 'must be a datetime with an offset, such as 2027-01-04T08:00:00Z');
  const to = new Date(parseInstant(body.to));
  if (to.getTime() < current.getTime()) {
    throw invalid(
      'to',
      `is before the clock's current instant ${current.toISOString()}: time never goes back`,
    );
  }
  return to;
};

/**
 * A clock that moves only when told, kept in `<dataDir>/clock.json` so that a restart resumes at
 * the instant it had reached (or at `start`, when that is later): time never goes back.
 */
export const manualClock = (dataDir: string, start: Date | undefined, fallback: () => Date): RuntimeClock => {
  const file = join(dataDir, 'clock.json');
  const saved = existsSync(file)
    ? new Date(parseInstant((JSON.parse(readFileSync(file, 'utf8')) as { now: string }).now))
    : undefined;
  const first = start ?? fallback();
  let current = saved && saved.getTime() > first.getTime() ? saved : first;
  const save = () => {
    // Written aside, then renamed: a crash leaves the old instant or the new one, never half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify({ now: current.toISOString() }));
    renameSync(`${file}.tmp`, file);
  };
  save();
  return {
    kind: 'manual',
    now: () => new Date(current.getTime()),
    move: (request) => {
      current = targetOf(request, current);
      save();
      return new Date(current.getTime());
    },
    targetOf: (request) => targetOf(request, current),
    set: (instant) => {
      if (instant.getTime() <= current.getTime()) return;
      current = new Date(instant.getTime());
      save();
    },
  };
};
