import { describe, expect, it } from 'vitest';
import { validateWorkflow } from '../../../shared/core/workflow/validate-workflow.ts';
import { MAX_CLOSED_DAYS } from '../../../shared/core/workflow/validation/settings-rules.ts';
import { errorsOf, issue, withActions, workflow } from './workflow-builders.ts';

const settings = (fields: Record<string, unknown>) => workflow({ settings: fields });
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'];

describe('validateWorkflow — enrollment', () => {
  it('accepts criteria on a manual workflow (they are ignored when enrolling)', () => {
    const json = workflow({
      enrollment: {
        trigger: 'manual',
        criteria: [{ filters: [{ property: 'country', operator: 'eq', value: 'FR' }] }],
      },
    });
    expect(errorsOf(json)).toEqual([]);
  });

  it('still checks the criteria of a manual workflow against the properties', () => {
    const json = workflow({
      enrollment: {
        trigger: 'manual',
        criteria: [{ filters: [{ property: 'contry', operator: 'eq', value: 'FR' }] }],
      },
    });
    expect(errorsOf(json)).toEqual([
      issue('enrollment.criteria[0].filters[0].property', 'unknown property "contry"'),
    ]);
  });

  it('needs a trigger when re-enrollment is on', () => {
    const json = workflow({ enrollment: { trigger: 'criteria', reenrollment: { enabled: true } } });
    expect(errorsOf(json)).toEqual([
      { path: 'enrollment.reenrollment.triggers', message: 're-enrollment needs at least one trigger' },
    ]);
  });

  it('accepts re-enrollment on without triggers in a manual workflow (enabled alone allows enrolling again)', () => {
    const json = {
      name: 'M',
      objectType: 'contacts',
      enrollment: { trigger: 'manual', reenrollment: { enabled: true } },
      startActionId: null,
      actions: [],
    };
    expect(errorsOf(json)).toEqual([]);
  });

  it('still checks the re-enrollment triggers of a manual workflow against the properties', () => {
    const json = workflow({
      enrollment: {
        trigger: 'manual',
        reenrollment: { enabled: true, triggers: [{ property: 'contry', operator: 'hasProperty' }] },
      },
    });
    expect(errorsOf(json)).toEqual([
      {
        path: 'enrollment.reenrollment.triggers[0].property',
        message: 'unknown property "contry" on contacts — did you mean "country"?',
      },
    ]);
  });

  it('accepts re-enrollment off without triggers, and on with single-filter triggers', () => {
    expect(
      errorsOf(workflow({ enrollment: { trigger: 'criteria', reenrollment: { enabled: false } } })),
    ).toEqual([]);
    const triggers = [
      { property: 'lifecyclestage', operator: 'eq', value: 'lead' },
      { property: 'email', operator: 'hasProperty' },
      { operator: 'inList', listId: 'lst_1' },
    ];
    expect(
      errorsOf(workflow({ enrollment: { trigger: 'criteria', reenrollment: { enabled: true, triggers } } })),
    ).toEqual([]);
  });

  it('refuses a filter group as a re-enrollment trigger (triggers are single filters)', () => {
    const json = workflow({
      enrollment: { trigger: 'criteria', reenrollment: { enabled: true, triggers: [{ filters: [] }] } },
    });
    expect(errorsOf(json)).toEqual([
      issue('enrollment.reenrollment.triggers[0].operator', 'is required: the operator'),
    ]);
  });
});

describe('validateWorkflow — goal', () => {
  it('needs criteria in a goal', () => {
    expect(errorsOf(workflow({ goal: { criteria: [] } }))).toEqual([
      {
        path: 'goal.criteria',
        message: 'a goal needs criteria (at least one filter group); leave "goal" out for no goal',
      },
    ]);
  });
});

describe('validateWorkflow — date-centered workflows', () => {
  const anchorDelay = { id: 'a1', type: 'delayUntilAnchor', offset: '-P1D', time: '09:00' };

  it('accepts delayUntilAnchor with an anchor', () => {
    expect(
      errorsOf(withActions([anchorDelay], { anchor: { type: 'fixedDate', date: '2027-03-15' } })),
    ).toEqual([]);
    const deals = withActions([anchorDelay], {
      objectType: 'deals',
      anchor: { type: 'dateProperty', property: 'closedate', recurAnnually: false },
    });
    expect(errorsOf(deals)).toEqual([]);
  });

  it('refuses delayUntilAnchor without an anchor', () => {
    expect(errorsOf(withActions([anchorDelay]))).toEqual([
      {
        path: 'actions[0].type',
        message:
          'a "delayUntilAnchor" needs the workflow\'s "anchor" (a date-centered workflow): add "anchor", or use "delayUntilDate"',
      },
    ]);
  });

  it('needs the anchor property to be a date or datetime of the object type', () => {
    expect(errorsOf(workflow({ anchor: { type: 'dateProperty', property: 'createdate' } }))).toEqual([]);
    expect(errorsOf(workflow({ anchor: { type: 'dateProperty', property: 'city' } }))).toEqual([
      {
        path: 'anchor.property',
        message: 'an anchor needs a date or datetime property, and "city" is a string property',
      },
    ]);
    expect(errorsOf(workflow({ anchor: { type: 'dateProperty', property: 'closedate' } }))).toEqual([
      issue('anchor.property', 'unknown property "closedate" on contacts'),
    ]);
  });
});

describe('validateWorkflow — settings', () => {
  it.each(['+01:00', '-05:30', '+0100', '+01'])('refuses the fixed offset %s as a time zone', (timeZone) => {
    expect(errorsOf(settings({ timeZone }))).toEqual([
      {
        path: 'settings.timeZone',
        message: `"${timeZone}" is a fixed offset, not an IANA time-zone name (e.g. Europe/Paris): daylight-saving changes need the zone's name`,
      },
    ]);
  });

  it.each(['Paris', 'Europe/Nowhere', 'UTC+1', ' Europe/Paris', 'Europe/../Paris'])(
    'refuses %j as a time zone',
    (timeZone) => {
      expect(errorsOf(settings({ timeZone }))).toEqual([
        {
          path: 'settings.timeZone',
          message: `"${timeZone}" is not an IANA time-zone name (e.g. Europe/Paris)`,
        },
      ]);
    },
  );

  it.each([
    ['Europe/Paris', 'Europe/Paris'],
    ['europe/paris', 'Europe/Paris'],
    ['EUROPE/PARIS', 'Europe/Paris'],
    ['america/port-au-prince', 'America/Port-au-Prince'],
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Etc/GMT+1', 'Etc/GMT+1'],
    ['etc/gmt-14', 'Etc/GMT-14'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['US/Eastern', 'US/Eastern'],
    ['GMT', 'GMT'],
  ])('keeps the time zone %s as %s (an alias stays as the user wrote it)', (timeZone, canonical) => {
    const result = validateWorkflow(settings({ timeZone }));
    expect(result.ok && result.workflow.settings.timeZone).toBe(canonical);
  });

  it('accepts several windows a day that touch but do not overlap', () => {
    const windows = [
      { days: weekdays, start: '09:00', end: '12:00' },
      { days: weekdays, start: '12:00', end: '17:00' },
      { days: ['sat'], start: '00:00', end: '24:00' },
    ];
    expect(errorsOf(settings({ executionWindows: windows }))).toEqual([]);
  });

  it('refuses windows that overlap on a day', () => {
    const windows = [
      { days: weekdays, start: '09:00', end: '12:00' },
      { days: ['sat', 'wed'], start: '11:00', end: '14:00' },
    ];
    expect(errorsOf(settings({ executionWindows: windows }))).toEqual([
      {
        path: 'settings.executionWindows[1]',
        message:
          'overlaps executionWindows[0] (09:00–12:00) on wed: windows of the same day must not overlap',
      },
    ]);
  });

  it('refuses a day listed twice in a window', () => {
    expect(
      errorsOf(settings({ executionWindows: [{ days: ['mon', 'mon'], start: '09:00', end: '10:00' }] })),
    ).toEqual([{ path: 'settings.executionWindows[0].days[1]', message: '"mon" is listed twice' }]);
  });

  it('refuses a date blocked twice', () => {
    expect(errorsOf(settings({ blockedDates: ['2026-12-25', '2027-01-01', '2026-12-25'] }))).toEqual([
      { path: 'settings.blockedDates[2]', message: '"2026-12-25" is already blocked (blockedDates[0])' },
    ]);
  });

  it('accepts dates of the years 0–99 (Date.UTC would shift them to 19xx)', () => {
    expect(errorsOf(settings({ blockedDates: ['0099-12-31', '0004-02-29'] }))).toEqual([]);
    expect(errorsOf(settings({ blockedDates: ['0001-02-29'] }))).toEqual([
      issue('settings.blockedDates[0]', 'must be a calendar date "YYYY-MM-DD" that exists'),
    ]);
  });

  it('accepts long holidays', () => {
    const days = Array.from({ length: 30 }, (_, index) =>
      new Date(Date.UTC(2026, 11, 15 + index)).toISOString().slice(0, 10),
    );
    expect(errorsOf(settings({ blockedDates: days }))).toEqual([]);
  });

  it(`refuses blocked dates that close every window for more than ${MAX_CLOSED_DAYS} days`, () => {
    // Windows on Mondays only; 53 blocked Mondays in a row leave no open moment for 54 weeks.
    const mondays = Array.from({ length: 53 }, (_, index) =>
      new Date(Date.UTC(2027, 0, 4 + 7 * index)).toISOString().slice(0, 10),
    );
    const json = settings({
      executionWindows: [{ days: ['mon'], start: '09:00', end: '17:00' }],
      blockedDates: mondays,
    });
    expect(errorsOf(json)).toEqual([
      {
        path: 'settings.blockedDates',
        message:
          'block every execution window from 2026-12-29 to 2028-01-09 (377 days): a record would wait more than a year for its next action; leave a window open at least once in 366 days',
      },
    ]);
    // One Monday fewer leaves a window open within the bound.
    expect(
      errorsOf(
        settings({
          executionWindows: [{ days: ['mon'], start: '09:00', end: '17:00' }],
          blockedDates: mondays.slice(0, 51),
        }),
      ),
    ).toEqual([]);
  });

  it('refuses every day of more than a year blocked when there are no windows', () => {
    const days = Array.from({ length: 367 }, (_, index) =>
      new Date(Date.UTC(2027, 0, 1 + index)).toISOString().slice(0, 10),
    );
    expect(errorsOf(settings({ blockedDates: days }))).toEqual([
      issue('settings.blockedDates', 'block every execution window from 2027-01-01 to 2028-01-02 (367 days)'),
    ]);
  });
});
