import { describe, expect, it } from 'vitest';
import { matchFilters } from '../../../shared/core/filters/index.ts';
import { delayDueAt } from '../../../shared/core/scheduling/index.ts';
import { allOf } from '../filters/filter-test-helpers.ts';
import { errorsOf, TYPED_PROPERTIES, withActions, withFilters } from '../workflow/workflow-builders.ts';

/*
 * One value, one reading: filters, delays and validation all read dates and datetimes through
 * shared/core/time/date-value.ts, so a value is the same date, the same instant, or nothing, everywhere.
 */
type Reading = readonly [text: string, kind: 'date' | 'datetime' | undefined, instant: string | undefined];

const READINGS: Reading[] = [
  ['2026-03-01T10:00Z', 'datetime', '2026-03-01T10:00:00.000Z'],
  ['2026-03-01t10:00z', 'datetime', '2026-03-01T10:00:00.000Z'],
  ['2026-03-01 10:00:00Z', 'datetime', '2026-03-01T10:00:00.000Z'],
  ['2026-03-01T10:00:00.5+02:00', 'datetime', '2026-03-01T08:00:00.500Z'],
  ['2026-03-01T10:00:00-03:30', 'datetime', '2026-03-01T13:30:00.000Z'],
  ['2026-03-01', 'date', '2026-03-01T00:00:00.000Z'],
  ['2026-02-30', undefined, undefined],
  ['2026-03-01T10:00', undefined, undefined],
  ['2026-03-01T24:00Z', undefined, undefined],
  ['2026-03-01T10:00:60Z', undefined, undefined],
  ['20260301', undefined, undefined],
  ['2026-W09-1', undefined, undefined],
  ['2026-060', undefined, undefined],
  ['9999-12-31T23:59:59Z', 'datetime', '9999-12-31T23:59:59.000Z'],
  ['9999-12-31T23:59:59-23:59', undefined, undefined],
  ['0000-01-01T00:00:00+01:00', undefined, undefined],
];

const REACHED = new Date('2020-01-01T00:00:00Z');

describe('a date or datetime value', () => {
  it.each(READINGS)('%s reads as a %s at %s in filters, delays and validation', (text, kind, instant) => {
    // Prepare
    const record = { objectType: 'contacts', properties: { p_datetime: text } } as const;
    const types = { p_datetime: 'datetime' } as const;
    const justBefore = instant && new Date(Date.parse(instant) - 1).toISOString();
    const eq = allOf({ property: 'p_datetime', operator: 'eq', value: instant ?? text });
    const gt = allOf({ property: 'p_datetime', operator: 'gt', value: justBefore ?? text });
    const filterOn = (property: string) => withFilters([{ property, operator: 'eq', value: text }]);
    const writeOf = (property: string) =>
      withActions([{ id: 'a1', type: 'setProperty', property, value: text }]);

    // Act
    const matched = [matchFilters(eq, record, { types }), matchFilters(gt, record, { types })];
    const due = delayDueAt(
      { type: 'delayUntilDate', property: 'p_datetime', ifMissing: 'unenroll' },
      { reachedAt: REACHED, timeZone: 'UTC', properties: { p_datetime: text } },
    );
    const accepted = {
      datetimeFilter: errorsOf(filterOn('p_datetime'), TYPED_PROPERTIES).length === 0,
      datetimeWrite: errorsOf(writeOf('p_datetime'), TYPED_PROPERTIES).length === 0,
      dateFilter: errorsOf(filterOn('p_date'), TYPED_PROPERTIES).length === 0,
    };

    // Assess
    expect(matched).toEqual(kind ? [true, true] : [false, false]);
    expect(due).toEqual(instant ? { kind: 'at', at: new Date(instant) } : { kind: 'unenroll' });
    expect(accepted).toEqual({
      datetimeFilter: kind !== undefined,
      datetimeWrite: kind === 'datetime',
      dateFilter: kind === 'date',
    });
  });
});
