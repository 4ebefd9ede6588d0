import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Filter } from '../../../shared/core/filters/filter.schema.ts';
import type { FilterInput } from '../../../shared/core/filters/filter-input.ts';
import { matchFilters } from '../../../shared/core/filters/match-filters.ts';
import { allOf, contact, contactWith } from './filter-test-helpers.ts';

const NOW = new Date('2026-03-10T12:00:00Z');

describe('matchFilters', () => {
  describe('withinLast', () => {
    it.each<[duration: string, value: string, now: Date, expected: boolean]>([
      ['P7D', '2026-03-03T12:00:00Z', NOW, true],
      ['P7D', '2026-03-03T11:59:59Z', NOW, false],
      ['P7D', '2026-03-10T12:00:00Z', NOW, true],
      ['P7D', '2026-03-10T12:00:01Z', NOW, false],
      ['P7D', '2026-03-05T08:00:00+02:00', NOW, true],
      ['P1W', '2026-03-03T12:00:00Z', NOW, true],
      ['PT1H', '2026-03-10T11:00:00Z', NOW, true],
      ['PT1H', '2026-03-10T10:59:59.999Z', NOW, false],
      ['PT90M', '2026-03-10T10:30:00Z', NOW, true],
      ['P1M', '2026-02-10T12:00:00Z', NOW, true],
      ['P1M', '2026-02-10T11:59:59Z', NOW, false],
      // Calendar months are subtracted in UTC: one month before 31 March is 28 February.
      ['P1M', '2026-02-28T00:00:00Z', new Date('2026-03-31T00:00:00Z'), true],
      ['P1M', '2026-02-27T23:59:59Z', new Date('2026-03-31T00:00:00Z'), false],
      ['P1Y', '2025-03-10T12:00:00Z', NOW, true],
      ['P1Y', '2025-03-10T11:59:59Z', NOW, false],
      ['P1M2D', '2026-02-08T12:00:00Z', NOW, true],
      ['P1M2D', '2026-02-08T11:59:59Z', NOW, false],
      // A record date is its whole UTC day: within when the day overlaps the window.
      ['P7D', '2026-03-03', NOW, true],
      ['P7D', '2026-03-02', NOW, false],
      ['P7D', '2026-03-10', NOW, true],
      ['P7D', '2026-03-11', NOW, false],
      ['P7D', 'last week', NOW, false],
    ])('%s: %s at %o → %s', (value, recordValue, now, expected) => {
      const criteria = allOf({ property: 'createdate', operator: 'withinLast', value });
      expect(matchFilters(criteria, contactWith('createdate', recordValue, { now }))).toBe(expected);
    });
  });

  describe('notWithinLast', () => {
    it.each<[value: unknown, expected: boolean]>([
      ['2026-03-01T00:00:00Z', true],
      ['2026-03-09T00:00:00Z', false],
      ['2026-03-12T00:00:00Z', true],
      ['2026-03-01', true],
      ['2026-03-09', false],
      ['not a date', false],
      [42, false],
    ])('P7D on %j → %s', (value, expected) => {
      const criteria = allOf({ property: 'createdate', operator: 'notWithinLast', value: 'P7D' });
      expect(matchFilters(criteria, contactWith('createdate', value, { now: NOW }))).toBe(expected);
    });
  });

  describe('the clock', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('refuses to guess the instant when the input names none: the core reads no clock', () => {
      // Prepare
      const criteria = allOf({ property: 'createdate', operator: 'withinLast', value: 'PT1H' });

      // Act
      const evaluate = () => matchFilters(criteria, contactWith('createdate', '2026-06-01T11:30:00Z'));

      // Assess
      expect(evaluate).toThrow(/needs the evaluation instant: pass input.now/);
    });

    it('needs no instant for criteria without a time filter', () => {
      const criteria = allOf({ property: 'createdate', operator: 'hasProperty' });
      expect(matchFilters(criteria, contactWith('createdate', '2026-06-01T11:30:00Z'))).toBe(true);
    });

    it('reads now only when a time filter needs it, and once per evaluation', () => {
      // Prepare
      const reads = vi.fn(() => NOW);
      const withNow = (properties: FilterInput['properties']): FilterInput => {
        const input = contact(properties);
        Object.defineProperty(input, 'now', { get: reads });
        return input;
      };
      const noTime = allOf({ property: 'country', operator: 'eq', value: 'FR' });
      const twoTimes = allOf(
        { property: 'createdate', operator: 'withinLast', value: 'P7D' },
        { property: 'lastmodifieddate', operator: 'withinLast', value: 'P1D' },
      );

      // Act
      matchFilters(noTime, withNow({ country: 'FR', createdate: '2026-03-09T00:00:00Z' }));
      const readsWithoutTimeFilters = reads.mock.calls.length;
      const matched = matchFilters(
        twoTimes,
        withNow({ createdate: '2026-03-09T00:00:00Z', lastmodifieddate: '2026-03-10T00:00:00Z' }),
      );

      // Assess
      expect(readsWithoutTimeFilters).toBe(0);
      expect(matched).toBe(true);
      expect(reads).toHaveBeenCalledTimes(1);
    });

    it('gives each evaluation its own instant', () => {
      // Prepare
      const criteria = allOf({ property: 'createdate', operator: 'withinLast', value: 'P1D' });
      const record = { createdate: '2026-03-10T00:00:00Z' };

      // Act
      const thatDay = matchFilters(criteria, contact(record, { now: NOW }));
      const weekLater = matchFilters(criteria, contact(record, { now: new Date('2026-03-17T00:00:00Z') }));
      const sameDayAgain = matchFilters(criteria, contact(record, { now: NOW }));

      // Assess
      expect([thatDay, weekLater, sameDayAgain]).toEqual([true, false, true]);
    });
  });

  describe('dates and datetimes', () => {
    it.each<[filter: Filter, value: string, expected: boolean]>([
      [{ property: 'createdate', operator: 'eq', value: '2026-02-28' }, '2026-02-28T23:59:59.999Z', true],
      [{ property: 'createdate', operator: 'eq', value: '2024-02-29' }, '2024-02-29T12:00:00Z', true],
      [{ property: 'birthdate', operator: 'eq', value: '2024-02-29' }, '2023-02-29', false],
      [{ property: 'createdate', operator: 'gte', value: '2026-01-01' }, '2025-12-31T23:30:00-01:00', true],
      [{ property: 'createdate', operator: 'lt', value: '2026-01-01' }, '2026-01-01T00:30:00+01:00', true],
      [{ property: 'createdate', operator: 'lte', value: '2026-01-01T00:00:00Z' }, '2026-01-01', true],
      [{ property: 'createdate', operator: 'gt', value: '2025-12-31T23:59:59Z' }, '2026-01-01', true],
      // Without an offset a datetime names no instant: it compares with nothing.
      [{ property: 'createdate', operator: 'gte', value: '2026-03-01' }, '2026-03-01T10:00:00', false],
      [{ property: 'createdate', operator: 'gte', value: '2026-03-01' }, '2026-03-01T10:00:00Z', true],
    ])('%j on %s → %s', (filter, value, expected) => {
      const property = 'property' in filter ? filter.property : '';
      expect(matchFilters(allOf(filter), contactWith(property, value))).toBe(expected);
    });
  });
});
