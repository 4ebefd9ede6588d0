import { describe, expect, it } from 'vitest';
import { nextRunAt, type ScheduleInput } from '../../../shared/core/scheduling/next-run-at.ts';
import type { ExecutionWindow } from '../../../shared/core/workflow/settings.schema.ts';

/*
 * Expected instants are reasoned out by hand, with the offsets they have in their zone.
 * Key 'a' hashes (FNV-1a) to 0xe40c292c = 3826002220: 520 s (8 min 40 s) into a window of
 * 15 minutes or more, 220 s into a 5-minute window, 40 s into a 1-minute one.
 */
const KEY = 'a';
const iso = (text: string): string => new Date(text).toISOString();
const run = (due: string, settings: ScheduleInput, key = KEY): string =>
  nextRunAt(new Date(due), settings, key).toISOString();

const WEEKDAYS_9_17: ExecutionWindow[] = [
  { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
];
const sundays = (start: string, end: string): ExecutionWindow[] => [{ days: ['sun'], start, end }];
const daily = (start: string, end: string): ExecutionWindow[] => [
  { days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start, end },
];

describe('nextRunAt', () => {
  it.each([
    ['no settings at all', {}],
    ['a time zone only', { timeZone: 'Europe/Paris' }],
    ['empty lists', { timeZone: 'Asia/Kolkata', executionWindows: [], blockedDates: [] }],
  ])('returns the due instant unchanged with %s', (_, settings: ScheduleInput) => {
    expect(run('2026-03-29T02:15:00+01:00', settings)).toBe(iso('2026-03-29T02:15:00+01:00'));
  });

  it.each([
    ['inside the window', '2026-03-02T10:00:00+01:00', '2026-03-02T10:00:00+01:00'],
    ['exactly at its start', '2026-03-02T09:00:00+01:00', '2026-03-02T09:00:00+01:00'],
    ['a second before its end', '2026-03-02T16:59:59+01:00', '2026-03-02T16:59:59+01:00'],
    ['exactly at its end', '2026-03-02T17:00:00+01:00', '2026-03-03T09:08:40+01:00'],
    ['before it opens the same day', '2026-03-02T07:00:00+01:00', '2026-03-02T09:08:40+01:00'],
    ['on a Saturday', '2026-03-07T10:00:00+01:00', '2026-03-09T09:08:40+01:00'],
    ['on a Friday evening', '2026-03-06T17:30:00+01:00', '2026-03-09T09:08:40+01:00'],
    ['on the weekend clocks spring forward', '2026-03-28T12:00:00+01:00', '2026-03-30T09:08:40+02:00'],
    ['on the weekend clocks fall back', '2026-10-24T18:00:00+02:00', '2026-10-26T09:08:40+01:00'],
  ])('in Europe/Paris weekdays 09:00–17:00, due %s', (_, due, expected) => {
    expect(run(due, { timeZone: 'Europe/Paris', executionWindows: WEEKDAYS_9_17 })).toBe(iso(expected));
  });

  it.each([
    // Paris springs forward on Sunday 2026-03-29 at 02:00 CET → 03:00 CEST (01:00Z).
    [
      'a start in the gap moves to the gap end',
      '02:30',
      '04:00',
      '2026-03-29T00:00:00+01:00',
      '2026-03-29T03:08:40+02:00',
    ],
    [
      'a window wholly in the gap is skipped',
      '02:00',
      '03:00',
      '2026-03-29T00:00:00+01:00',
      '2026-04-05T02:08:40+02:00',
    ],
    [
      'an end in the gap closes at the gap end',
      '01:00',
      '02:30',
      '2026-03-29T01:59:00+01:00',
      '2026-03-29T01:59:00+01:00',
    ],
    [
      'after an end in the gap waits a week',
      '01:00',
      '02:30',
      '2026-03-29T03:10:00+02:00',
      '2026-04-05T01:08:40+02:00',
    ],
    [
      'a window across the gap contains its far side',
      '01:00',
      '04:00',
      '2026-03-29T03:30:00+02:00',
      '2026-03-29T03:30:00+02:00',
    ],
    // Paris falls back on Sunday 2026-10-25 at 03:00 CEST → 02:00 CET: 02:00–03:00 happens twice.
    [
      'an ambiguous start takes the earlier instant',
      '02:30',
      '04:00',
      '2026-10-25T02:15:00+02:00',
      '2026-10-25T02:38:40+02:00',
    ],
    [
      'after the earlier ambiguous start it is open',
      '02:30',
      '04:00',
      '2026-10-25T02:40:00+02:00',
      '2026-10-25T02:40:00+02:00',
    ],
    [
      'the repeated hour after the start is open',
      '02:30',
      '04:00',
      '2026-10-25T02:15:00+01:00',
      '2026-10-25T02:15:00+01:00',
    ],
    [
      'an ambiguous end takes the earlier instant',
      '00:00',
      '02:30',
      '2026-10-25T02:10:00+01:00',
      '2026-11-01T00:08:40+01:00',
    ],
  ])('in Europe/Paris on Sunday windows, %s', (_, start, end, due, expected) => {
    expect(run(due, { timeZone: 'Europe/Paris', executionWindows: sundays(start, end) })).toBe(iso(expected));
  });

  it.each([
    // New York springs forward on Sunday 2026-03-08 at 02:00 EST → 03:00 EDT (07:00Z).
    [
      'a window wholly in the gap is skipped',
      sundays('02:00', '03:00'),
      '2026-03-07T12:00:00-05:00',
      '2026-03-15T02:08:40-04:00',
    ],
    [
      'a start in the gap moves to 03:00 EDT',
      sundays('02:15', '05:00'),
      '2026-03-08T01:00:00-05:00',
      '2026-03-08T03:08:40-04:00',
    ],
    [
      'weekdays across the spring change',
      WEEKDAYS_9_17,
      '2026-03-06T18:00:00-05:00',
      '2026-03-09T09:08:40-04:00',
    ],
    // New York falls back on Sunday 2026-11-01 at 02:00 EDT → 01:00 EST: 01:00–02:00 happens twice.
    [
      'an ambiguous start takes 01:30 EDT',
      sundays('01:30', '03:00'),
      '2026-11-01T01:00:00-04:00',
      '2026-11-01T01:38:40-04:00',
    ],
    [
      '01:10 EST comes after 01:30 EDT: open',
      sundays('01:30', '03:00'),
      '2026-11-01T01:10:00-05:00',
      '2026-11-01T01:10:00-05:00',
    ],
    [
      'weekdays across the fall change',
      WEEKDAYS_9_17,
      '2026-10-30T18:00:00-04:00',
      '2026-11-02T09:08:40-05:00',
    ],
  ])('in America/New_York, %s', (_, windows, due, expected) => {
    expect(run(due, { timeZone: 'America/New_York', executionWindows: windows })).toBe(iso(expected));
  });

  it.each([
    ['before the window', '2026-03-02T03:00:00Z', '2026-03-02T09:38:40+05:30'],
    ['at its start (04:00Z is 09:30 IST)', '2026-03-02T04:00:00Z', '2026-03-02T04:00:00Z'],
    ['after its end', '2026-03-02T12:30:00Z', '2026-03-03T09:38:40+05:30'],
  ])('in Asia/Kolkata (+05:30) weekdays 09:30–18:00, due %s', (_, due, expected) => {
    const windows: ExecutionWindow[] = [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:30', end: '18:00' },
    ];
    expect(run(due, { timeZone: 'Asia/Kolkata', executionWindows: windows })).toBe(iso(expected));
  });

  it.each([
    [
      'inside (22:00Z is 11:45 +13:45)',
      daily('10:00', '12:00'),
      '2026-01-10T22:00:00Z',
      '2026-01-10T22:00:00Z',
    ],
    [
      'after the end (12:45 local)',
      daily('10:00', '12:00'),
      '2026-01-10T23:00:00Z',
      '2026-01-12T10:08:40+13:45',
    ],
    // Chatham springs forward on 2026-09-27 at 02:45 → 03:45 (14:00Z on the 26th).
    [
      'a start in the spring gap',
      daily('03:00', '05:00'),
      '2026-09-27T02:00:00+12:45',
      '2026-09-27T03:53:40+13:45',
    ],
    // Chatham falls back on 2026-04-05 at 03:45 → 02:45: 02:45–03:45 happens twice.
    [
      'an ambiguous start in the fall overlap',
      daily('03:00', '05:00'),
      '2026-04-05T02:50:00+13:45',
      '2026-04-05T03:08:40+13:45',
    ],
  ])('in Pacific/Chatham (+12:45/+13:45), %s', (_, windows, due, expected) => {
    expect(run(due, { timeZone: 'Pacific/Chatham', executionWindows: windows })).toBe(iso(expected));
  });

  describe('with several windows a day (UTC)', () => {
    const split: ExecutionWindow[] = [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '14:00', end: '17:00' },
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '12:00' },
    ];
    it.each([
      ['before both: the earliest, not the first listed', '2026-03-02T08:00:00Z', '2026-03-02T09:08:40Z'],
      ['in the morning window', '2026-03-02T11:59:59Z', '2026-03-02T11:59:59Z'],
      ['at the end of the morning window', '2026-03-02T12:00:00Z', '2026-03-02T14:08:40Z'],
      ['between the two', '2026-03-02T12:30:00Z', '2026-03-02T14:08:40Z'],
      ['at the start of the afternoon window', '2026-03-02T14:00:00Z', '2026-03-02T14:00:00Z'],
      ['at the end of the afternoon window', '2026-03-02T17:00:00Z', '2026-03-03T09:08:40Z'],
    ])('due %s', (_, due, expected) => {
      expect(run(due, { executionWindows: split })).toBe(iso(expected));
    });
  });

  it.each([
    [
      'the last second before midnight',
      'Europe/Paris',
      '2026-03-02T23:59:59+01:00',
      '2026-03-02T23:59:59+01:00',
    ],
    ['midnight itself', 'Europe/Paris', '2026-03-03T00:00:00+01:00', '2026-03-03T20:08:40+01:00'],
    // Beirut springs forward at Sunday 2026-03-29 00:00 → 01:00: Saturday's 24:00 is 01:00+03:00 (22:00Z).
    [
      'Beirut: before a midnight that does not exist',
      'Asia/Beirut',
      '2026-03-28T23:30:00+02:00',
      '2026-03-28T23:30:00+02:00',
    ],
    [
      'Beirut: at the end of the gap',
      'Asia/Beirut',
      '2026-03-29T01:00:00+03:00',
      '2026-03-29T20:08:40+03:00',
    ],
    // Beirut falls back at Sunday 2026-10-25 00:00 → Saturday 23:00: Saturday's window lasts one hour more.
    [
      'Beirut: the repeated 23:30 before midnight',
      'Asia/Beirut',
      '2026-10-24T23:30:00+02:00',
      '2026-10-24T23:30:00+02:00',
    ],
  ])('with a window ending at 24:00, due %s', (_, timeZone, due, expected) => {
    expect(run(due, { timeZone, executionWindows: daily('20:00', '24:00') })).toBe(iso(expected));
  });

  describe('with blocked dates', () => {
    const paris = { timeZone: 'Europe/Paris', executionWindows: WEEKDAYS_9_17 };
    it.each([
      [
        'a blocked Friday then the weekend',
        ['2026-12-25'],
        '2026-12-24T17:30:00+01:00',
        '2026-12-28T09:08:40+01:00',
      ],
      [
        'inside the window on a blocked date',
        ['2026-12-25'],
        '2026-12-25T10:00:00+01:00',
        '2026-12-28T09:08:40+01:00',
      ],
      [
        'a run of blocked weekdays around a weekend',
        ['2026-12-25', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01'],
        '2026-12-24T18:00:00+01:00',
        '2027-01-04T09:08:40+01:00',
      ],
      [
        'a blocked date that is not in the way',
        ['2026-12-25'],
        '2026-12-23T10:00:00+01:00',
        '2026-12-23T10:00:00+01:00',
      ],
    ])('in windows, %s', (_, blockedDates, due, expected) => {
      expect(run(due, { ...paris, blockedDates })).toBe(iso(expected));
    });

    it.each([
      [
        'on a blocked date: next midnight',
        ['2026-12-25'],
        '2026-12-25T10:00:00+01:00',
        '2026-12-26T00:08:40+01:00',
      ],
      [
        'on a run of blocked dates',
        ['2026-12-25', '2026-12-26'],
        '2026-12-25T10:00:00+01:00',
        '2026-12-27T00:08:40+01:00',
      ],
      [
        'the last minute before a blocked date',
        ['2026-12-25'],
        '2026-12-24T23:59:00+01:00',
        '2026-12-24T23:59:00+01:00',
      ],
      [
        'a blocked Sunday across the spring change',
        ['2026-03-29'],
        '2026-03-29T12:00:00+02:00',
        '2026-03-30T00:08:40+02:00',
      ],
    ])('without windows, %s', (_, blockedDates, due, expected) => {
      expect(run(due, { timeZone: 'Europe/Paris', blockedDates })).toBe(iso(expected));
    });

    it('throws when every open day for two years is blocked', () => {
      // Prepare: every Monday from 2026-03-02 for three years, and a Monday-only window.
      const mondays = Array.from({ length: 160 }, (_, week) =>
        new Date(Date.UTC(2026, 2, 2 + 7 * week)).toISOString().slice(0, 10),
      );
      const settings: ScheduleInput = {
        timeZone: 'Europe/Paris',
        executionWindows: [{ days: ['mon'], start: '09:00', end: '17:00' }],
        blockedDates: mondays,
      };
      // Act & Assess
      expect(() => run('2026-03-01T12:00:00+01:00', settings)).toThrow(/no open moment within 732 days/);
    });
  });

  describe('spreads a backlog', () => {
    const windows = (start: string, end: string): ScheduleInput => ({ executionWindows: daily(start, end) });
    it('gives the same key the same instant', () => {
      const first = run('2026-03-02T05:00:00Z', windows('09:00', '17:00'), 'enr_1:a4');
      const again = run('2026-03-02T06:30:00Z', windows('09:00', '17:00'), 'enr_1:a4');
      expect(again).toBe(first);
    });

    it.each([
      ['a', '2026-03-02T09:08:40Z'],
      ['foo', '2026-03-02T09:02:03Z'],
      ['', '2026-03-02T09:01:01Z'],
    ])('starts key "%s" at its own second', (key, expected) => {
      expect(run('2026-03-02T05:00:00Z', windows('09:00', '17:00'), key)).toBe(iso(expected));
    });

    it.each([
      ['a 5-minute window', '09:00', '09:05', '2026-03-02T05:00:00+01:00', '2026-03-02T09:03:40+01:00'],
      ['a 1-minute window', '09:00', '09:01', '2026-03-02T05:00:00+01:00', '2026-03-02T09:00:40+01:00'],
      // On 2026-03-29, 02:00–03:05 Paris becomes 03:00–03:05 CEST: five minutes.
      [
        'a window shortened by the gap',
        '02:00',
        '03:05',
        '2026-03-29T00:30:00+01:00',
        '2026-03-29T03:03:40+02:00',
      ],
    ])('keeps the spread inside %s', (_, start, end, due, expected) => {
      expect(run(due, { timeZone: 'Europe/Paris', executionWindows: daily(start, end) })).toBe(iso(expected));
    });

    it('spreads many keys over the first 15 minutes, in whole seconds', () => {
      // Prepare
      const opening = Date.parse('2026-03-02T09:00:00Z');
      // Act
      const offsets = Array.from(
        { length: 2000 },
        (_, n) =>
          nextRunAt(new Date('2026-03-02T05:00:00Z'), windows('09:00', '17:00'), `enr_${n}:a4`).getTime() -
          opening,
      );
      // Assess
      expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...offsets)).toBeLessThan(15 * 60_000);
      expect(offsets.every((offset) => offset % 1000 === 0)).toBe(true);
      expect(new Set(offsets).size).toBeGreaterThan(700);
      expect(offsets.filter((offset) => offset < 7.5 * 60_000).length).toBeGreaterThan(800);
      expect(offsets.filter((offset) => offset >= 7.5 * 60_000).length).toBeGreaterThan(800);
    });

    it('never returns an instant before the due one', () => {
      const due = new Date('2026-03-02T08:59:59Z');
      for (let n = 0; n < 200; n++) {
        expect(nextRunAt(due, windows('09:00', '09:01'), `k${n}`).getTime()).toBeGreaterThan(due.getTime());
      }
    });
  });
});
