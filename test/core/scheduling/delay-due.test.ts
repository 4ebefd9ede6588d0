import { describe, expect, it } from 'vitest';
import type { PropertyValue } from '../../../shared/core/records/record.schema.ts';
import type { DelayContext, DelaySpec } from '../../../shared/core/scheduling/delay-context.ts';
import { delayDueAt } from '../../../shared/core/scheduling/delay-due.ts';
import type { Anchor } from '../../../shared/core/workflow/workflow.schema.ts';

/* Expected instants are reasoned out by hand, written with the offsets they have in their zone. */
const iso = (text: string): string => new Date(text).toISOString();
const ctx = (reachedAt: string, timeZone: string, more: Partial<DelayContext> = {}): DelayContext => ({
  reachedAt: new Date(reachedAt),
  timeZone,
  ...more,
});
/** The due instant as ISO text, or the kind when it is not an instant to wait for. */
const dueOf = (action: DelaySpec, context: DelayContext): string => {
  const due = delayDueAt(action, context);
  return due.kind === 'at' ? due.at.toISOString() : due.kind;
};

describe('delayDueAt', () => {
  describe('delay', () => {
    it.each([
      [
        'P1D over the spring change: same wall time',
        'Europe/Paris',
        '2026-03-28T10:00:00+01:00',
        'P1D',
        '2026-03-29T10:00:00+02:00',
      ],
      [
        'PT24H over the spring change: 24 real hours',
        'Europe/Paris',
        '2026-03-28T10:00:00+01:00',
        'PT24H',
        '2026-03-29T11:00:00+02:00',
      ],
      [
        'P1D over the fall change',
        'Europe/Paris',
        '2026-10-24T10:00:00+02:00',
        'P1D',
        '2026-10-25T10:00:00+01:00',
      ],
      [
        'PT24H over the fall change',
        'Europe/Paris',
        '2026-10-24T10:00:00+02:00',
        'PT24H',
        '2026-10-25T09:00:00+01:00',
      ],
      [
        'P1D into the gap: the gap end',
        'Europe/Paris',
        '2026-03-28T02:30:00+01:00',
        'P1D',
        '2026-03-29T03:00:00+02:00',
      ],
      [
        'P1D into the overlap: the earlier',
        'America/New_York',
        '2026-10-31T01:30:00-04:00',
        'P1D',
        '2026-11-01T01:30:00-04:00',
      ],
      [
        'PT1H within the overlap',
        'America/New_York',
        '2026-11-01T01:30:00-04:00',
        'PT1H',
        '2026-11-01T01:30:00-05:00',
      ],
      [
        'P1DT2H: the day on the wall, then the hours',
        'Europe/Paris',
        '2026-03-28T23:30:00+01:00',
        'P1DT2H',
        '2026-03-30T01:30:00+02:00',
      ],
      [
        'P1W over the spring change',
        'Europe/Paris',
        '2026-03-25T12:00:00+01:00',
        'P1W',
        '2026-04-01T12:00:00+02:00',
      ],
      [
        'P1M from 31 January clamps to 28 February',
        'Europe/Paris',
        '2026-01-31T09:00:00+01:00',
        'P1M',
        '2026-02-28T09:00:00+01:00',
      ],
      [
        'P1M from 31 January of a leap year',
        'Europe/Paris',
        '2028-01-31T09:00:00+01:00',
        'P1M',
        '2028-02-29T09:00:00+01:00',
      ],
      ['P1Y from 29 February', 'UTC', '2028-02-29T12:00:00Z', 'P1Y', '2029-02-28T12:00:00Z'],
      ['P2D in Kolkata', 'Asia/Kolkata', '2026-03-02T23:00:00+05:30', 'P2D', '2026-03-04T23:00:00+05:30'],
      [
        'P1D over the Chatham spring change',
        'Pacific/Chatham',
        '2026-09-26T12:00:00+12:45',
        'P1D',
        '2026-09-27T12:00:00+13:45',
      ],
      ['PT30M30.5S', 'UTC', '2026-03-02T10:00:00Z', 'PT30M30.5S', '2026-03-02T10:30:30.500Z'],
    ])('%s', (_, timeZone, reachedAt, duration, expected) => {
      expect(dueOf({ type: 'delay', duration }, ctx(reachedAt, timeZone))).toBe(iso(expected));
    });

    it.each([
      ['Friday + P1D is Monday', '2026-03-06T15:00:00+01:00', 'P1D', '2026-03-09T15:00:00+01:00'],
      [
        'Thursday + P1D over a blocked Friday',
        '2026-12-24T10:00:00+01:00',
        'P1D',
        '2026-12-28T10:00:00+01:00',
      ],
      [
        'Thursday + P2D over a blocked Friday',
        '2026-12-24T10:00:00+01:00',
        'P2D',
        '2026-12-29T10:00:00+01:00',
      ],
      ['P1W is five business days', '2026-03-04T10:00:00+01:00', 'P1W', '2026-03-11T10:00:00+01:00'],
      ['Saturday + P1D is Monday', '2026-03-07T10:00:00+01:00', 'P1D', '2026-03-09T10:00:00+01:00'],
      [
        'Thursday + P2DT3H: two days, then the hours',
        '2026-03-05T16:00:00+01:00',
        'P2DT3H',
        '2026-03-09T19:00:00+01:00',
      ],
      [
        'hours landing on Saturday move to Monday',
        '2026-03-05T16:00:00+01:00',
        'P1DT10H',
        '2026-03-09T02:00:00+01:00',
      ],
      [
        'PT6H from Friday evening lands on Monday',
        '2026-03-06T20:00:00+01:00',
        'PT6H',
        '2026-03-09T02:00:00+01:00',
      ],
      ['PT0S on a Sunday waits for Monday', '2026-03-08T10:00:00+01:00', 'PT0S', '2026-03-09T10:00:00+01:00'],
      [
        'Friday + P1D over the spring change',
        '2026-03-27T10:00:00+01:00',
        'P1D',
        '2026-03-30T10:00:00+02:00',
      ],
      [
        'P1M landing on a Saturday moves to Monday',
        '2026-01-28T09:00:00+01:00',
        'P1M',
        '2026-03-02T09:00:00+01:00',
      ],
    ])('with businessDays: %s', (_, reachedAt, duration, expected) => {
      const context = ctx(reachedAt, 'Europe/Paris', { blockedDates: ['2026-12-25'] });
      expect(dueOf({ type: 'delay', duration, businessDays: true }, context)).toBe(iso(expected));
    });

    it('counts business days by the workflow time zone, not UTC', () => {
      // Friday 2026-03-06 23:30 in New York is already Saturday in UTC.
      const context = ctx('2026-03-06T23:30:00-05:00', 'America/New_York');
      expect(dueOf({ type: 'delay', duration: 'P1D', businessDays: true }, context)).toBe(
        iso('2026-03-09T23:30:00-04:00'),
      );
    });
  });

  describe('delayUntilDate', () => {
    const reached = '2026-05-01T12:00:00Z';
    it.each([
      ['a date at 00:00 local', { date: '2026-05-10' }, '2026-05-10T00:00:00+02:00'],
      ['a date at a time', { date: '2026-05-10', time: '09:30' }, '2026-05-10T09:30:00+02:00'],
      [
        'a negative offset',
        { date: '2026-05-10', offset: '-P1D', time: '09:00' },
        '2026-05-09T09:00:00+02:00',
      ],
      ['a positive offset without time', { date: '2026-05-10', offset: 'P1D' }, '2026-05-11T00:00:00+02:00'],
      [
        'hours counted back from the time',
        { date: '2026-05-10', offset: '-PT2H', time: '09:00' },
        '2026-05-10T07:00:00+02:00',
      ],
      ['a date property', { property: 'closedate', time: '08:00' }, '2026-05-20T08:00:00+02:00'],
      ['a datetime property: its instant', { property: 'dueAt' }, '2026-05-10T23:30:00Z'],
      ['a datetime property with an offset', { property: 'dueAt', offset: '-PT1H' }, '2026-05-10T22:30:00Z'],
      [
        'a datetime property at a time of its local date',
        { property: 'dueAt', time: '09:00' },
        '2026-05-11T09:00:00+02:00',
      ],
      ['a datetime written with an offset', { property: 'localAt' }, '2026-05-10T08:00:00Z'],
      [
        'an offset into the spring gap',
        { date: '2027-03-29', offset: '-P1D', time: '02:30' },
        '2027-03-28T03:00:00+02:00',
      ],
    ])('waits until %s', (_, fields, expected) => {
      const context = ctx(reached, 'Europe/Paris', {
        properties: {
          closedate: '2026-05-20',
          dueAt: '2026-05-10T23:30:00Z',
          localAt: '2026-05-10T10:00:00+02:00',
        },
      });
      expect(dueOf({ type: 'delayUntilDate', ...fields }, context)).toBe(iso(expected));
    });

    it.each([
      ['a date already past', { date: '2026-04-01' }],
      ['today at a time already gone', { date: '2026-05-01', time: '13:00' }],
      ['an offset that moves it into the past', { date: '2026-05-03', offset: '-P3D' }],
    ])('continues at once for %s', (_, fields) => {
      expect(dueOf({ type: 'delayUntilDate', ...fields }, ctx(reached, 'Europe/Paris'))).toBe(iso(reached));
    });

    it('waits until the very instant reached when they coincide', () => {
      const context = ctx('2026-05-10T07:00:00Z', 'Europe/Paris');
      expect(dueOf({ type: 'delayUntilDate', date: '2026-05-10', time: '09:00' }, context)).toBe(
        iso('2026-05-10T09:00:00+02:00'),
      );
    });

    it.each([
      ['absent', undefined],
      ['null', null],
      ['empty', ''],
      ['not a date', 'soon'],
      ['a date that does not exist', '2026-02-30'],
      ['a number', 20260510],
      ['a boolean', true],
    ])('handles a property value that is %s as missing', (_, value) => {
      const properties: Record<string, PropertyValue> = value === undefined ? {} : { closedate: value };
      const context = ctx(reached, 'Europe/Paris', { properties });
      expect(dueOf({ type: 'delayUntilDate', property: 'closedate', ifMissing: 'unenroll' }, context)).toBe(
        'unenroll',
      );
      expect(dueOf({ type: 'delayUntilDate', property: 'closedate', ifMissing: 'continue' }, context)).toBe(
        iso(reached),
      );
      expect(dueOf({ type: 'delayUntilDate', property: 'closedate' }, context)).toBe(iso(reached));
    });

    it('continues at once when the record has no properties at all', () => {
      expect(dueOf({ type: 'delayUntilDate', property: 'closedate' }, ctx(reached, 'UTC'))).toBe(
        iso(reached),
      );
    });
  });

  describe('delayUntilDayTime', () => {
    it.each([
      [
        'next Monday over the spring change',
        'Europe/Paris',
        ['mon'],
        '09:00',
        '2026-03-28T12:00:00+01:00',
        '2026-03-30T09:00:00+02:00',
      ],
      [
        'later the same day',
        'Europe/Paris',
        ['mon'],
        '09:00',
        '2026-03-02T08:00:00+01:00',
        '2026-03-02T09:00:00+01:00',
      ],
      [
        'exactly at the time',
        'Europe/Paris',
        ['mon'],
        '09:00',
        '2026-03-02T09:00:00+01:00',
        '2026-03-02T09:00:00+01:00',
      ],
      [
        'a minute late: a week later',
        'Europe/Paris',
        ['mon'],
        '09:00',
        '2026-03-02T09:01:00+01:00',
        '2026-03-09T09:00:00+01:00',
      ],
      [
        'any day by default: tomorrow',
        'Europe/Paris',
        undefined,
        '09:00',
        '2026-03-02T10:00:00+01:00',
        '2026-03-03T09:00:00+01:00',
      ],
      [
        'the nearest of several days',
        'Europe/Paris',
        ['tue', 'fri'],
        '09:00',
        '2026-03-03T10:00:00+01:00',
        '2026-03-06T09:00:00+01:00',
      ],
      [
        'a time in the gap: the gap end',
        'Europe/Paris',
        ['sun'],
        '02:30',
        '2026-03-28T12:00:00+01:00',
        '2026-03-29T03:00:00+02:00',
      ],
      [
        'a repeated time: the first',
        'America/New_York',
        ['sun'],
        '01:30',
        '2026-10-31T12:00:00-04:00',
        '2026-11-01T01:30:00-04:00',
      ],
      [
        'a repeated time already passed once: the second',
        'America/New_York',
        ['sun'],
        '01:30',
        '2026-11-01T01:20:00-05:00',
        '2026-11-01T01:30:00-05:00',
      ],
      [
        'a repeated time passed twice: next week',
        'America/New_York',
        ['sun'],
        '01:30',
        '2026-11-01T01:40:00-05:00',
        '2026-11-08T01:30:00-05:00',
      ],
      [
        'Friday evening in Kolkata',
        'Asia/Kolkata',
        ['fri'],
        '18:30',
        '2026-03-05T13:00:00Z',
        '2026-03-06T18:30:00+05:30',
      ],
      [
        'a local Monday that is Sunday in UTC',
        'Pacific/Chatham',
        ['mon'],
        '08:00',
        '2026-03-01T12:00:00Z',
        '2026-03-02T08:00:00+13:45',
      ],
      [
        'a Chatham time in the spring gap',
        'Pacific/Chatham',
        ['sun'],
        '03:00',
        '2026-09-26T12:00:00+12:45',
        '2026-09-27T03:45:00+13:45',
      ],
    ] as const)('waits until %s', (_, timeZone, days, time, reachedAt, expected) => {
      const action: DelaySpec = days
        ? { type: 'delayUntilDayTime', days: [...days], time }
        : { type: 'delayUntilDayTime', time };
      expect(dueOf(action, ctx(reachedAt, timeZone))).toBe(iso(expected));
    });
  });

  describe('delayUntilAnchor', () => {
    const fixed: Anchor = { type: 'fixedDate', date: '2027-03-15' };
    const closedate: Anchor = { type: 'dateProperty', property: 'closedate', recurAnnually: false };
    const birthday: Anchor = { type: 'dateProperty', property: 'birthdate', recurAnnually: true };
    const anchorDue = (offset: string, time: string, context: DelayContext) =>
      delayDueAt({ type: 'delayUntilAnchor', offset, time }, context);

    it.each([
      ['a week before', '-P7D', '09:00', '2027-01-10T00:00:00Z', '2027-03-08T09:00:00+01:00'],
      ['the day after', 'P1D', '10:00', '2027-01-10T00:00:00Z', '2027-03-16T10:00:00+01:00'],
      [
        'two weeks after, over the spring change',
        'P14D',
        '10:00',
        '2027-01-10T00:00:00Z',
        '2027-03-29T10:00:00+02:00',
      ],
      ['the instant reached itself', '-P7D', '09:00', '2027-03-08T08:00:00Z', '2027-03-08T09:00:00+01:00'],
    ])('waits for a fixed date: %s', (_, offset, time, reachedAt, expected) => {
      const due = anchorDue(offset, time, ctx(reachedAt, 'Europe/Paris', { anchor: fixed }));
      expect(due).toEqual({ kind: 'at', at: new Date(expected) });
    });

    it('reports a fixed date already gone by as passed, with its instant', () => {
      const due = anchorDue('-P7D', '09:00', ctx('2027-03-10T00:00:00Z', 'Europe/Paris', { anchor: fixed }));
      expect(due).toEqual({ kind: 'passed', at: new Date('2027-03-08T09:00:00+01:00') });
    });

    it.each([
      ['a date value', '2026-11-01', '-P1D', '09:00', '2026-10-31T09:00:00-04:00'],
      [
        'a datetime value, by its New York date',
        '2026-11-02T03:00:00Z',
        'P0D',
        '09:00',
        '2026-11-01T09:00:00-05:00',
      ],
      [
        'a datetime value and elapsed hours over the fall change',
        '2026-11-02T03:00:00Z',
        '-PT12H',
        '09:00',
        '2026-10-31T22:00:00-04:00',
      ],
    ])('waits for a date property holding %s', (_, value, offset, time, expected) => {
      const context = ctx('2026-10-01T00:00:00Z', 'America/New_York', {
        anchor: closedate,
        properties: { closedate: value },
      });
      expect(anchorDue(offset, time, context)).toEqual({ kind: 'at', at: new Date(expected) });
    });

    it('reports a date property already gone by as passed', () => {
      const context = ctx('2026-12-01T00:00:00Z', 'America/New_York', {
        anchor: closedate,
        properties: { closedate: '2026-11-01' },
      });
      expect(anchorDue('P0D', '09:00', context)).toEqual({
        kind: 'passed',
        at: new Date('2026-11-01T09:00:00-05:00'),
      });
    });

    it.each([
      ['absent', {}],
      ['null', { closedate: null }],
      ['empty', { closedate: '' }],
      ['unparseable', { closedate: 'next week' }],
    ])('unenrolls a record whose anchor value is %s', (_, properties) => {
      const context = ctx('2026-10-01T00:00:00Z', 'UTC', { anchor: closedate, properties });
      expect(anchorDue('P0D', '09:00', context)).toEqual({ kind: 'unenroll' });
    });

    it.each([
      ['this year, still ahead', '1990-06-15', 'P0D', '2026-03-01T00:00:00Z', '2026-06-15T09:00:00+02:00'],
      [
        'this year gone: next year',
        '1990-12-31',
        '-P1D',
        '2026-12-30T10:00:00+01:00',
        '2027-12-30T09:00:00+01:00',
      ],
      [
        'next year, before the new year',
        '1990-01-02',
        '-P3D',
        '2026-12-20T00:00:00Z',
        '2026-12-30T09:00:00+01:00',
      ],
      [
        'the year after next, before its new year',
        '1990-01-02',
        '-P3D',
        '2026-12-31T00:00:00Z',
        '2027-12-30T09:00:00+01:00',
      ],
      [
        'last year, into this January',
        '1990-12-30',
        'P5D',
        '2027-01-02T00:00:00Z',
        '2027-01-04T09:00:00+01:00',
      ],
      [
        '29 February in a common year: 28 February',
        '2000-02-29',
        'P0D',
        '2026-01-01T00:00:00Z',
        '2026-02-28T09:00:00+01:00',
      ],
      [
        '29 February in the next leap year',
        '2000-02-29',
        'P0D',
        '2027-03-01T00:00:00Z',
        '2028-02-29T09:00:00+01:00',
      ],
      [
        '29 February as 28 February, a day after',
        '2000-02-29',
        'P1D',
        '2027-02-01T00:00:00Z',
        '2027-03-01T09:00:00+01:00',
      ],
      [
        'a base date in the future: not before it',
        '2028-06-15',
        'P0D',
        '2026-01-01T00:00:00Z',
        '2028-06-15T09:00:00+02:00',
      ],
    ])('recurs annually: %s', (_, birthdate, offset, reachedAt, expected) => {
      const context = ctx(reachedAt, 'Europe/Paris', { anchor: birthday, properties: { birthdate } });
      expect(anchorDue(offset, '09:00', context)).toEqual({ kind: 'at', at: new Date(expected) });
    });

    it.each([
      [
        'a week before gone by, the day itself ahead: this year, skipping to the day',
        '1990-01-11',
        'UTC',
        '2027-01-08T12:00:00Z',
        [
          ['-P7D', '09:00'],
          ['P0D', '08:00'],
        ],
        [
          ['passed', '2027-01-04T09:00:00Z'],
          ['at', '2027-01-11T08:00:00Z'],
        ],
      ],
      [
        'only negative offsets, one still ahead: this year',
        '1990-06-15',
        'Europe/Paris',
        '2026-06-10T12:00:00+02:00',
        [
          ['-P7D', '09:00'],
          ['-P1D', '09:00'],
        ],
        [
          ['passed', '2026-06-08T09:00:00+02:00'],
          ['at', '2026-06-14T09:00:00+02:00'],
        ],
      ],
      [
        'only negative offsets, both gone by: next year',
        '1990-06-15',
        'Europe/Paris',
        '2026-06-14T12:00:00+02:00',
        [
          ['-P7D', '09:00'],
          ['-P1D', '09:00'],
        ],
        [
          ['at', '2027-06-08T09:00:00+02:00'],
          ['at', '2027-06-14T09:00:00+02:00'],
        ],
      ],
      [
        'the day after, three days after still ahead: this year',
        '1990-06-15',
        'Europe/Paris',
        '2026-06-16T10:00:00+02:00',
        [
          ['P0D', '09:00'],
          ['P3D', '09:00'],
        ],
        [
          ['passed', '2026-06-15T09:00:00+02:00'],
          ['at', '2026-06-18T09:00:00+02:00'],
        ],
      ],
      [
        '29 February in a common year: centred on 28 February',
        '2000-02-29',
        'Europe/Paris',
        '2027-02-25T00:00:00+01:00',
        [
          ['-P7D', '09:00'],
          ['P0D', '09:00'],
        ],
        [
          ['passed', '2027-02-21T09:00:00+01:00'],
          ['at', '2027-02-28T09:00:00+01:00'],
        ],
      ],
      [
        '29 February in a leap year',
        '2000-02-29',
        'Europe/Paris',
        '2028-02-25T00:00:00+01:00',
        [
          ['-P7D', '09:00'],
          ['P0D', '09:00'],
        ],
        [
          ['passed', '2028-02-22T09:00:00+01:00'],
          ['at', '2028-02-29T09:00:00+01:00'],
        ],
      ],
    ] as const)(
      'recurs annually on the first occurrence a delay of the workflow still awaits: %s',
      (_, birthdate, timeZone, reachedAt, delays, expected) => {
        // Prepare: every delay of the workflow, each as if reached at the same instant
        const anchorDelays = delays.map(([offset, time]) => ({ offset, time }));
        const context = ctx(reachedAt, timeZone, {
          anchor: birthday,
          properties: { birthdate },
          anchorDelays,
        });
        // Act
        const dues = anchorDelays.map(({ offset, time }) => anchorDue(offset, time, context));
        // Assess
        expect(dues).toEqual(expected.map(([kind, at]) => ({ kind, at: new Date(at) })));
      },
    );

    it('unenrolls a recurring anchor without a value', () => {
      const context = ctx('2026-01-01T00:00:00Z', 'Europe/Paris', {
        anchor: birthday,
        properties: { birthdate: null },
      });
      expect(anchorDue('P0D', '09:00', context)).toEqual({ kind: 'unenroll' });
    });

    it('refuses a workflow without an anchor', () => {
      expect(() => anchorDue('P0D', '09:00', ctx('2026-01-01T00:00:00Z', 'UTC'))).toThrow(/anchor/);
    });
  });
});
