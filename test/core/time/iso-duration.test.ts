import { describe, expect, it } from 'vitest';
import { parseIsoDuration } from '../../../shared/core/time/iso-duration.ts';
import { errorsOf, withActions, withFilters } from '../workflow/workflow-builders.ts';

describe('parseIsoDuration', () => {
  it.each(['P9007199254740992D', 'PT99999999999999999999S', 'P99999999999999999999Y'])(
    'refuses %s: a number past the safe integers cannot be counted exactly',
    (text) => {
      expect(parseIsoDuration(text)).toBeUndefined();
    },
  );

  it('reads the largest safe integer', () => {
    expect(parseIsoDuration('P9007199254740991D')?.days).toBe(9_007_199_254_740_991);
  });

  it.each([
    [
      'P1Y2M3W4DT5H6M7.5S',
      { sign: 1, years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7.5 },
    ],
    ['-P1D', { sign: -1, years: 0, months: 0, weeks: 0, days: 1, hours: 0, minutes: 0, seconds: 0 }],
    ['+PT36H', { sign: 1, years: 0, months: 0, weeks: 0, days: 0, hours: 36, minutes: 0, seconds: 0 }],
    ['P0D', { sign: 1, years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 }],
  ])('reads %s', (text, expected) => {
    expect(parseIsoDuration(text)).toEqual(expected);
  });

  it.each([
    ['P', 'nothing after P'],
    ['PT', 'nothing after T'],
    ['P1DT', 'nothing after T'],
    ['P1.5D', 'a fraction of a day'],
    ['PT1.5H', 'a fraction of an hour'],
    ['P-1D', 'a sign inside'],
    ['-P-1D', 'a sign inside'],
    ['PT1,5S', 'a comma for the point'],
    ['p1d', 'lower case'],
    ['1D', 'no P'],
    ['P1D ', 'a trailing space'],
  ])('refuses %s (%s)', (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });
});

describe('validateWorkflow — durations at most 10 years long', () => {
  const delay = (duration: string) => withActions([{ id: 'a1', type: 'delay', duration }]);

  it.each([
    ['a delay of P300000Y', delay('P300000Y'), 'actions[0].duration', '"P300000Y" is longer than 10 years'],
    [
      'a delay of P99999999999999999999D',
      delay('P99999999999999999999D'),
      'actions[0].duration',
      '"P99999999999999999999D" is longer than 10 years',
    ],
    ['a delay of P10Y1D', delay('P10Y1D'), 'actions[0].duration', '"P10Y1D" is longer than 10 years'],
    ['a delay of P3661D', delay('P3661D'), 'actions[0].duration', '"P3661D" is longer than 10 years'],
    [
      'a delay of PT87840H1S',
      delay('PT87840H1S'),
      'actions[0].duration',
      '"PT87840H1S" is longer than 10 years',
    ],
    ['a delay of P121M', delay('P121M'), 'actions[0].duration', '"P121M" is longer than 10 years'],
    [
      'a delayUntilDate offset of -P11Y',
      withActions([{ id: 'a1', type: 'delayUntilDate', property: 'birthdate', offset: '-P11Y' }]),
      'actions[0].offset',
      '"-P11Y" is longer than 10 years',
    ],
    [
      'a task due in P523W',
      withActions([{ id: 'a1', type: 'createTask', title: 'Call', due: 'P523W' }]),
      'actions[0].due',
      '"P523W" is longer than 10 years',
    ],
    [
      'a withinLast of P201Y',
      withFilters([{ property: 'createdate', operator: 'withinLast', value: 'P201Y' }]),
      'enrollment.criteria[0].filters[0].value',
      '"P201Y" is longer than 200 years',
    ],
  ])('refuses %s', (_label, json, path, message) => {
    expect(errorsOf(json)).toEqual([{ path, message }]);
  });

  it('lets a time filter look back further than a wait may last: adults are born more than 18 years ago', () => {
    const json = withFilters([{ property: 'birthdate', operator: 'notWithinLast', value: 'P18Y' }]);
    expect(errorsOf(json)).toEqual([]);
  });

  it.each(['P10Y', 'P120M', 'P9Y12M', 'P3660D', 'PT87840H', 'PT1.5S'])('accepts %s', (duration) => {
    expect(errorsOf(delay(duration))).toEqual([]);
  });

  it('bounds a negative offset by its length', () => {
    const json = withActions([{ id: 'a1', type: 'delayUntilDate', property: 'birthdate', offset: '-P10Y' }]);
    expect(errorsOf(json)).toEqual([]);
  });
});
