import { describe, expect, it } from 'vitest';
import { zoneOf } from '../../../shared/core/time/time-zone.ts';
import { fromWall, instantsOfWall } from '../../../shared/core/time/wall-time.ts';

const wall = (text: string): number => Date.parse(`${text}Z`);

describe('fromWall', () => {
  it.each([
    ['Europe/Paris', '2026-03-29T02:30:00', '2026-03-29T03:00:00+02:00'],
    ['Europe/Paris', '2026-03-29T02:00:00', '2026-03-29T03:00:00+02:00'],
    ['Europe/Paris', '2026-03-29T01:59:59', '2026-03-29T01:59:59+01:00'],
    ['Europe/Paris', '2026-10-25T02:30:00', '2026-10-25T02:30:00+02:00'],
    ['Europe/Paris', '2026-10-25T03:00:00', '2026-10-25T03:00:00+01:00'],
    ['America/New_York', '2026-03-08T02:59:00', '2026-03-08T03:00:00-04:00'],
    ['America/New_York', '2026-11-01T01:00:00', '2026-11-01T01:00:00-04:00'],
    ['Pacific/Chatham', '2026-09-27T03:00:00', '2026-09-27T03:45:00+13:45'],
    ['Asia/Kolkata', '2026-03-29T02:30:00', '2026-03-29T02:30:00+05:30'],
    ['UTC', '2026-03-29T02:30:00', '2026-03-29T02:30:00Z'],
  ])('resolves %s wall time %s', (timeZone, text, expected) => {
    expect(new Date(fromWall(zoneOf(timeZone), wall(text))).toISOString()).toBe(
      new Date(expected).toISOString(),
    );
  });
});

describe('instantsOfWall', () => {
  it('lists both instants of a repeated wall time, earlier first', () => {
    const instants = instantsOfWall(zoneOf('America/New_York'), wall('2026-11-01T01:30:00'));
    expect(instants.map((instant) => new Date(instant).toISOString())).toEqual([
      new Date('2026-11-01T01:30:00-04:00').toISOString(),
      new Date('2026-11-01T01:30:00-05:00').toISOString(),
    ]);
  });
});

describe('zoneOf', () => {
  it('refuses a time-zone name the database does not know', () => {
    expect(() => zoneOf('Europe/Atlantis')).toThrow(/"Europe\/Atlantis" is not an IANA time-zone name/);
  });
});
