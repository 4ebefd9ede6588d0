import { describe, expect, it } from 'vitest';
import { startExecution } from '../../../shared/core/executor/start-execution.ts';
import type { Properties } from '../../../shared/core/records/record.schema.ts';
import { builtinTemplates } from '../../../shared/core/templates/template-catalog.ts';
import type { Action } from '../../../shared/core/workflow/action.schema.ts';
import {
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
  WorkflowDefinitionSchema,
} from '../../../shared/core/workflow/workflow.schema.ts';
import { ENROLLMENT } from './enrollment.ts';

// Monday 30 November 2026, 09:00 in Paris.
const NOW = new Date('2026-11-30T08:00:00.000Z');

/** A workflow whose first actions are `first`, then a notification `note`. */
const startingWith = (
  first: readonly Record<string, unknown>[],
  settings: WorkflowDefinitionInput['settings'] = {},
): WorkflowDefinition =>
  WorkflowDefinitionSchema.parse({
    name: 'Start',
    objectType: 'contacts',
    enrollment: { trigger: 'manual' },
    startActionId: (first[0]?.id as string | undefined) ?? 'note',
    actions: [...first, { id: 'note', type: 'sendNotification', message: 'Hello', next: null }],
    settings,
  } as WorkflowDefinitionInput);

const start = (workflow: WorkflowDefinition, properties: Properties = {}, now = NOW) =>
  startExecution(workflow, ENROLLMENT, now, properties);

const idOf = (action: Action | null) => action?.id ?? null;

describe('startExecution', () => {
  it('starts at once at a first action outside any execution window', () => {
    // Act
    const result = start(startingWith([]));
    // Assess
    expect(result).toMatchObject({
      kind: 'start',
      input: { enrollment: ENROLLMENT, runAt: NOW.toISOString() },
    });
    expect(result.kind === 'start' && idOf(result.advance.target)).toBe('note');
  });

  it('folds the delays before the first action into its instant', () => {
    // Act
    const result = start(startingWith([{ id: 'wait', type: 'delay', duration: 'PT36H', next: 'note' }]));
    // Assess
    expect(result).toEqual({
      kind: 'start',
      input: { enrollment: ENROLLMENT, runAt: '2026-12-01T20:00:00.000Z' },
      advance: expect.objectContaining({ delayed: true, lastDelayId: 'wait' }),
    });
  });

  it('holds a first action enrolled on a Saturday until Monday’s window, spread over its first 15 minutes', () => {
    // Prepare
    const workflow = startingWith([], {
      timeZone: 'Europe/Paris',
      executionWindows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
    });
    // Act
    const result = start(workflow, {}, new Date('2026-11-28T11:00:00.000Z'));
    // Assess
    const runAt = result.kind === 'start' ? result.input.runAt : '';
    expect(runAt >= '2026-11-30T08:00:00.000Z' && runAt < '2026-11-30T08:15:00.000Z').toBe(true);
  });

  it('sleeps until the horizon and keeps the real instant in continueAt when the first action is past it', () => {
    // Act
    const result = start(startingWith([{ id: 'wait', type: 'delay', duration: 'P400D', next: 'note' }]));
    // Assess
    expect(result.kind === 'start' && result.input).toEqual({
      enrollment: ENROLLMENT,
      runAt: '2027-11-25T08:00:00.000Z',
      continueAt: { resumeAt: 'note', runAt: '2028-01-04T08:00:00.000Z' },
    });
  });

  it('says why the record leaves at once when a leading delay needs a date it lacks', () => {
    // Prepare
    const workflow = startingWith([
      { id: 'until', type: 'delayUntilDate', property: 'renewaldate', ifMissing: 'unenroll', next: 'note' },
    ]);
    // Act
    const result = start(workflow, { firstname: 'Ada' });
    // Assess
    expect(result).toEqual({ kind: 'unenroll', actionId: 'until', reason: 'date_missing' });
  });

  it('skips forward when the first anchor delay has passed', () => {
    // Prepare: 30 days before an expiry 20 days away has passed; 7 days before has not
    const reminders = WorkflowDefinitionSchema.parse({
      name: 'Reminders',
      objectType: 'quotes',
      enrollment: { trigger: 'manual' },
      anchor: { type: 'dateProperty', property: 'expirationdate' },
      startActionId: 'd30',
      actions: [
        { id: 'd30', type: 'delayUntilAnchor', offset: '-P30D', time: '09:00', next: 'first' },
        { id: 'first', type: 'sendNotification', message: '30 days', next: 'd7' },
        { id: 'd7', type: 'delayUntilAnchor', offset: '-P7D', time: '09:00', next: 'second' },
        { id: 'second', type: 'sendNotification', message: '7 days', next: null },
      ],
    });
    // Act
    const result = start(reminders, { expirationdate: '2026-12-20' });
    // Assess
    expect(result).toMatchObject({
      kind: 'start',
      input: { runAt: NOW.toISOString(), skipping: true },
      advance: { skipped: [expect.objectContaining({ id: 'd30' })] },
    });
    expect(result.kind === 'start' && idOf(result.advance.target)).toBe('first');
  });

  it('centres a yearly anchor on this year’s occurrence while one of its delays is still ahead', () => {
    // Prepare: the birthday greeting, enrolled three days before the birthday: a week before has passed
    const birthday = builtinTemplates().find((template) => template.id === 'contact-birthday-greeting');
    if (!birthday) throw new Error('the birthday template is missing');
    // Act
    const result = start(
      birthday.workflow,
      { birthdate: '1990-01-11' },
      new Date('2027-01-08T12:00:00.000Z'),
    );
    // Assess
    expect(result).toMatchObject({
      kind: 'start',
      input: { runAt: '2027-01-08T12:00:00.000Z', skipping: true },
      advance: { skipped: [expect.objectContaining({ id: 'week-before' })] },
    });
    expect(result.kind === 'start' && idOf(result.advance.target)).toBe('heads-up');
  });

  it('keeps this year’s occurrence while a branch ahead of the delay can lead to a later anchor delay', () => {
    // Prepare: the birthday, then pro plans wait for 60 days after it; the birthday was 10 days ago, the 60 days
    // after it are still ahead this year on the pro branch.
    const birthdayThenRenewal = WorkflowDefinitionSchema.parse({
      name: 'Birthday then renewal',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      anchor: { type: 'dateProperty', property: 'birthdate', recurAnnually: true },
      startActionId: 'birthday',
      actions: [
        { id: 'birthday', type: 'delayUntilAnchor', offset: 'P0D', time: '09:00', next: 'plan' },
        {
          id: 'plan',
          type: 'valueBranch',
          property: 'plan',
          cases: [{ value: 'pro', next: 'renewal' }],
          defaultNext: null,
        },
        { id: 'renewal', type: 'delayUntilAnchor', offset: 'P60D', time: '09:00', next: 'renew' },
        { id: 'renew', type: 'sendNotification', message: 'Renew', next: null },
      ],
    });
    // Act
    const result = start(birthdayThenRenewal, { plan: 'pro', birthdate: '1990-11-20' });
    // Assess: the birthday has passed this year, so the record skips forward to the branch at once
    expect(result).toMatchObject({
      kind: 'start',
      input: { runAt: NOW.toISOString(), skipping: true },
      advance: { skipped: [expect.objectContaining({ id: 'birthday' })], waited: [] },
    });
    expect(result.kind === 'start' && idOf(result.advance.target)).toBe('plan');
  });

  it('completes at once a workflow without actions (no target, no delay)', () => {
    // Prepare
    const empty = WorkflowDefinitionSchema.parse({
      name: 'Empty',
      objectType: 'contacts',
      enrollment: { trigger: 'manual' },
      startActionId: null,
      actions: [],
    });
    // Act
    const result = start(empty);
    // Assess
    expect(result).toMatchObject({
      kind: 'start',
      input: { runAt: NOW.toISOString() },
      advance: { target: null, delayed: false },
    });
  });
});
