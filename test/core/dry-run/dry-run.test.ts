import { describe, expect, it } from 'vitest';
import { dryRunPath } from '../../../shared/core/dry-run/dry-run.ts';
import { dryRunNeeds, dryRunWorkflow } from '../../../shared/core/dry-run/dry-run-workflow.ts';
import type { EnrollingWorkflow } from '../../../shared/core/enrollment/enrollment-decision.ts';
import type { Properties } from '../../../shared/core/records/record.schema.ts';
import { nextRunAt, type ScheduleInput } from '../../../shared/core/scheduling/next-run-at.ts';
import { builtinTemplates } from '../../../shared/core/templates/template-catalog.ts';
import {
  type WorkflowDefinitionInput,
  WorkflowDefinitionSchema,
} from '../../../shared/core/workflow/workflow.schema.ts';

const ENROLLMENT_ID = 'enr_0123456789abcdef_1';
const PARIS: ScheduleInput = {
  timeZone: 'Europe/Paris',
  executionWindows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' }],
};

const define = (input: Record<string, unknown>): EnrollingWorkflow => ({
  ...WorkflowDefinitionSchema.parse({
    name: 'Dry run',
    objectType: 'contacts',
    enrollment: {
      trigger: 'criteria',
      criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }] }],
    },
    ...input,
  } as WorkflowDefinitionInput),
  id: 'wf_dry',
  revision: 1,
});

/**
 * Paris, weekdays 09:00–17:00: set the lead status, wait `delay`, then a branch on what the first action wrote
 * (Hot: score ≥ 50 and lead status open) to a task, else an email.
 */
const nurture = (delay: string) =>
  define({
    startActionId: 'a1',
    actions: [
      { id: 'a1', type: 'setProperty', property: 'leadstatus', value: 'open', next: 'a2' },
      { id: 'a2', type: 'delay', duration: delay, next: 'a3' },
      {
        id: 'a3',
        type: 'branch',
        branches: [
          {
            name: 'Hot',
            criteria: [
              {
                filters: [
                  { property: 'score', operator: 'gte', value: 50 },
                  { property: 'leadstatus', operator: 'eq', value: 'open' },
                ],
              },
            ],
            next: 'a4',
          },
        ],
        defaultNext: 'a5',
      },
      { id: 'a4', type: 'createTask', title: 'Call {{firstname}}', due: 'P1D', next: null },
      { id: 'a5', type: 'sendEmail', subject: 'Bonjour {{firstname}}', body: '…', next: null },
    ],
    settings: PARIS,
  });

const walk = (workflow: EnrollingWorkflow, properties: Properties, at: string) =>
  dryRunPath({
    workflow,
    objectType: 'contacts',
    record: { properties },
    at: new Date(at),
    enrollmentId: ENROLLMENT_ID,
  });

/** The instant the windows let an action due at `due` run, for this enrollment. */
const openAt = (due: string, actionId: string) =>
  nextRunAt(new Date(due), PARIS, `${ENROLLMENT_ID}:${actionId}`).toISOString();

describe('dryRunPath', () => {
  it('walks a Paris windowed workflow across the change to summer time: held to Monday, two days, the Hot branch', () => {
    // Prepare: Friday 27 March 2026, 19:30 in Paris (UTC+1), after the window; summer time starts on Sunday.
    const workflow = nurture('P2D');
    const friday = '2026-03-27T18:30:00.000Z';
    // Act
    const { path, end } = walk(
      workflow,
      { firstname: 'Ada', score: 70, leadstatus: 'new', email: 'ada@example.com' },
      friday,
    );
    // Assess
    const monday = openAt(friday, 'a1');
    expect(monday >= '2026-03-30T07:00:00.000Z' && monday < '2026-03-30T07:15:00.000Z').toBe(true);
    const wednesday = new Date(Date.parse(monday) + 2 * 86_400_000).toISOString();
    expect(path).toEqual([
      {
        actionId: 'a1',
        type: 'setProperty',
        outcome: 'would_run',
        at: monday,
        effects: [{ kind: 'updateRecords', target: 'self', properties: { leadstatus: 'open' } }],
      },
      { actionId: 'a2', type: 'delay', outcome: 'waits', at: monday, until: wednesday },
      { actionId: 'a3', type: 'branch', outcome: 'branch:Hot', at: wednesday },
      {
        actionId: 'a4',
        type: 'createTask',
        outcome: 'would_run',
        at: wednesday,
        effects: [
          {
            kind: 'createRecord',
            objectType: 'tasks',
            properties: {
              title: 'Call Ada',
              status: 'not_started',
              dueDate: new Date(Date.parse(wednesday) + 86_400_000).toISOString(),
            },
            associate: true,
          },
        ],
      },
    ]);
    expect(end).toEqual({ outcome: 'completed', at: wednesday });
  });

  it('does not hold the branch back, but holds the email after it until the next morning', () => {
    // Prepare: Tuesday 3 March 2026, 16:30 in Paris (UTC+1): inside the window; the delay ends at 17:30.
    const workflow = nurture('PT1H');
    const tuesday = '2026-03-03T15:30:00.000Z';
    // Act
    const { path, end } = walk(workflow, { firstname: 'Bob', score: 10, email: 'bob@example.com' }, tuesday);
    // Assess
    const afterDelay = '2026-03-03T16:30:00.000Z';
    const wednesday = openAt(afterDelay, 'a5');
    expect(wednesday >= '2026-03-04T08:00:00.000Z' && wednesday < '2026-03-04T08:15:00.000Z').toBe(true);
    expect(path.map(({ actionId, outcome, at }) => ({ actionId, outcome, at }))).toEqual([
      { actionId: 'a1', outcome: 'would_run', at: tuesday },
      { actionId: 'a2', outcome: 'waits', at: tuesday },
      { actionId: 'a3', outcome: 'branch:default', at: afterDelay },
      { actionId: 'a5', outcome: 'would_run', at: wednesday },
    ]);
    expect(path[3]?.effects).toEqual([
      { kind: 'sendEmail', to: 'bob@example.com', subject: 'Bonjour Bob', body: '…' },
    ]);
    expect(end).toEqual({ outcome: 'completed', at: wednesday });
  });

  it('stops where the goal would be met: an action whose write meets it ends the walk before the next one', () => {
    // Prepare
    const workflow = define({
      startActionId: 'win',
      actions: [
        { id: 'win', type: 'setProperty', property: 'lifecyclestage', value: 'customer', next: 'mail' },
        { id: 'mail', type: 'sendEmail', subject: 'Hi', body: 'Hi', next: null },
      ],
      goal: { criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'customer' }] }] },
    });
    // Act
    const { path, end } = walk(
      workflow,
      { lifecyclestage: 'lead', email: 'c@example.com' },
      '2026-03-03T10:00:00Z',
    );
    // Assess
    expect(path.map(({ actionId, outcome }) => ({ actionId, outcome }))).toEqual([
      { actionId: 'win', outcome: 'would_run' },
      { actionId: 'mail', outcome: 'goal_met' },
    ]);
    expect(end).toEqual({ outcome: 'goal_met', at: '2026-03-03T10:00:00.000Z' });
  });

  it('follows an event wait whose criteria are not met to its timeout path, and one already met at once', () => {
    // Prepare
    const workflow = define({
      startActionId: 'wait',
      actions: [
        {
          id: 'wait',
          type: 'delayUntilEvent',
          criteria: [{ filters: [{ property: 'leadstatus', operator: 'eq', value: 'connected' }] }],
          timeout: 'P3D',
          next: 'thanks',
          timeoutNext: 'nudge',
        },
        { id: 'thanks', type: 'sendNotification', message: 'connected', next: null },
        { id: 'nudge', type: 'sendNotification', message: 'no answer', next: null },
      ],
    });
    const at = '2026-03-03T10:00:00.000Z';
    // Act
    const waiting = walk(workflow, { leadstatus: 'new' }, at);
    const met = walk(workflow, { leadstatus: 'connected' }, at);
    // Assess
    expect(
      waiting.path.map(({ actionId, outcome, at, until }) => ({ actionId, outcome, at, until })),
    ).toEqual([
      { actionId: 'wait', outcome: 'waits_for_event', at, until: '2026-03-06T10:00:00.000Z' },
      { actionId: 'nudge', outcome: 'would_run', at: '2026-03-06T10:00:00.000Z', until: undefined },
    ]);
    expect(met.path.map(({ actionId, outcome }) => ({ actionId, outcome }))).toEqual([
      { actionId: 'wait', outcome: 'event_met' },
      { actionId: 'thanks', outcome: 'would_run' },
    ]);
  });

  it('reports an action the record cannot take, and ends the walk there when it stops on error', () => {
    // Prepare: no email address to write to.
    const workflow = define({
      startActionId: 'mail',
      actions: [
        { id: 'mail', type: 'sendEmail', subject: 'Hi', body: 'Hi', onError: 'stop', next: 'note' },
        { id: 'note', type: 'sendNotification', message: 'sent', next: null },
      ],
    });
    // Act
    const { path, end } = walk(workflow, { firstname: 'Dee' }, '2026-03-03T10:00:00Z');
    // Assess
    expect(path).toEqual([
      {
        actionId: 'mail',
        type: 'sendEmail',
        outcome: 'would_fail',
        at: '2026-03-03T10:00:00.000Z',
        error: 'the record has no address in "email"',
      },
    ]);
    expect(end).toEqual({
      outcome: 'failed',
      at: '2026-03-03T10:00:00.000Z',
      reason: 'Action.NotApplicable',
    });
  });

  it('skips forward past an anchor delay whose instant has passed, to the next anchor delay', () => {
    // Prepare: a renewal on 5 March; on 3 March the reminder a week before has passed, the day-of one has not.
    const workflow = define({
      anchor: { type: 'dateProperty', property: 'closedate' },
      objectType: 'deals',
      enrollment: { trigger: 'manual' },
      startActionId: 'before',
      actions: [
        { id: 'before', type: 'delayUntilAnchor', offset: '-P7D', time: '09:00', next: 'remind' },
        { id: 'remind', type: 'sendNotification', message: 'soon', next: 'dayOf' },
        { id: 'dayOf', type: 'delayUntilAnchor', offset: 'P0D', time: '09:00', next: 'today' },
        { id: 'today', type: 'sendNotification', message: 'today', next: null },
      ],
    });
    // Act
    const { path } = dryRunPath({
      workflow,
      objectType: 'deals',
      record: { properties: { closedate: '2026-03-05' } },
      at: new Date('2026-03-03T10:00:00Z'),
      enrollmentId: ENROLLMENT_ID,
    });
    // Assess
    expect(path.map(({ actionId, outcome, until }) => ({ actionId, outcome, until }))).toEqual([
      { actionId: 'before', outcome: 'skipped', until: undefined },
      { actionId: 'remind', outcome: 'skipped', until: undefined },
      { actionId: 'dayOf', outcome: 'waits', until: '2026-03-05T09:00:00.000Z' },
      { actionId: 'today', outcome: 'would_run', until: undefined },
    ]);
  });

  it('centres a yearly anchor on this year’s occurrence when only its later delay is still ahead', () => {
    // Prepare: the birthday greeting three days before the birthday; a week before has passed.
    const birthday = builtinTemplates().find((template) => template.id === 'contact-birthday-greeting');
    if (!birthday) throw new Error('the birthday template is missing');
    // Act
    const { path } = dryRunPath({
      workflow: birthday.workflow,
      objectType: 'contacts',
      record: { properties: { firstname: 'Ada', email: 'ada@example.fr', birthdate: '1990-01-11' } },
      at: new Date('2027-01-08T12:00:00Z'),
      enrollmentId: ENROLLMENT_ID,
    });
    // Assess
    expect(path.map(({ actionId, outcome, until }) => ({ actionId, outcome, until }))).toEqual([
      { actionId: 'week-before', outcome: 'skipped', until: undefined },
      { actionId: 'heads-up', outcome: 'skipped', until: undefined },
      { actionId: 'on-the-day', outcome: 'waits', until: '2027-01-11T08:00:00.000Z' },
      { actionId: 'greeting', outcome: 'would_run', until: undefined },
    ]);
  });

  it('centres a yearly anchor on the chosen path only: an anchor delay of another branch does not count', () => {
    // Prepare: pro plans wait for 60 days after the birthday, the others for the birthday, then an email. The
    // birthday was 10 days ago; only the pro branch's delay is still ahead this year.
    const workflow = define({
      anchor: { type: 'dateProperty', property: 'birthdate', recurAnnually: true },
      enrollment: { trigger: 'manual' },
      startActionId: 'plan',
      actions: [
        {
          id: 'plan',
          type: 'valueBranch',
          property: 'plan',
          cases: [{ value: 'pro', next: 'renewal' }],
          defaultNext: 'birthday',
        },
        { id: 'renewal', type: 'delayUntilAnchor', offset: 'P60D', time: '09:00', next: 'renew' },
        { id: 'renew', type: 'sendNotification', message: 'Renew', next: null },
        { id: 'birthday', type: 'delayUntilAnchor', offset: 'P0D', time: '09:00', next: 'greet' },
        { id: 'greet', type: 'sendEmail', subject: 'Happy birthday', body: 'Hi {{firstname}}', next: null },
      ],
    });
    // Act
    const { path, end } = dryRunPath({
      workflow,
      objectType: 'contacts',
      record: {
        properties: { firstname: 'Ada', email: 'ada@example.fr', plan: 'free', birthdate: '1990-11-20' },
      },
      at: new Date('2026-11-30T10:00:00Z'),
      enrollmentId: ENROLLMENT_ID,
    });
    // Assess: next year's birthday, then the email
    expect(path.map(({ actionId, outcome, until }) => ({ actionId, outcome, until }))).toEqual([
      { actionId: 'plan', outcome: 'branch:default', until: undefined },
      { actionId: 'birthday', outcome: 'waits', until: '2027-11-20T09:00:00.000Z' },
      { actionId: 'greet', outcome: 'would_run', until: undefined },
    ]);
    expect(end).toEqual({ outcome: 'completed', at: '2027-11-20T09:00:00.000Z' });
  });

  it('keeps this year’s occurrence while a branch ahead of the delay can lead to a later anchor delay', () => {
    // Prepare: the birthday, then pro plans wait for 60 days after it; the birthday was 10 days ago.
    const workflow = define({
      anchor: { type: 'dateProperty', property: 'birthdate', recurAnnually: true },
      enrollment: { trigger: 'manual' },
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
    const { path } = dryRunPath({
      workflow,
      objectType: 'contacts',
      record: { properties: { plan: 'pro', birthdate: '1990-11-20' } },
      at: new Date('2026-11-30T10:00:00Z'),
      enrollmentId: ENROLLMENT_ID,
    });
    // Assess: this year's birthday has passed, so the record skips forward to this year's 60 days after
    expect(path.map(({ actionId, outcome, until }) => ({ actionId, outcome, until }))).toEqual([
      { actionId: 'birthday', outcome: 'skipped', until: undefined },
      { actionId: 'plan', outcome: 'branch:pro', until: undefined },
      { actionId: 'renewal', outcome: 'waits', until: '2027-01-19T09:00:00.000Z' },
      { actionId: 'renew', outcome: 'would_run', until: undefined },
    ]);
  });

  it('walks at most maxSteps actions, then says the walk was cut', () => {
    // Prepare: ten notifications in a row.
    const actions = Array.from({ length: 10 }, (_, index) => ({
      id: `n${index}`,
      type: 'sendNotification',
      message: String(index),
      next: index < 9 ? `n${index + 1}` : null,
    }));
    const workflow = define({ startActionId: 'n0', actions });
    // Act
    const { path, end } = dryRunPath({
      workflow,
      objectType: 'contacts',
      record: { properties: {} },
      at: new Date('2026-03-03T10:00:00Z'),
      enrollmentId: ENROLLMENT_ID,
      maxSteps: 4,
    });
    // Assess
    expect(path.map((step) => step.actionId)).toEqual(['n0', 'n1', 'n2', 'n3']);
    expect(end.outcome).toBe('truncated');
  });
});

describe('dryRunWorkflow', () => {
  it('says a record not meeting the criteria would not enroll, with every reason, and still walks its path', () => {
    // Prepare: a subscriber in the suppression list who meets the goal already.
    const workflow = define({
      startActionId: 'note',
      actions: [{ id: 'note', type: 'sendNotification', message: 'hi', next: null }],
      goal: { criteria: [{ filters: [{ property: 'score', operator: 'gte', value: 90 }] }] },
      settings: { suppressionLists: ['lst_blocked'] },
    });
    // Act
    const result = dryRunWorkflow({
      workflow,
      state: { status: 'none' },
      properties: { lifecyclestage: 'subscriber', score: 95 },
      surroundings: { lists: ['lst_blocked'] },
      at: new Date('2026-03-03T10:00:00Z'),
      enrollmentId: ENROLLMENT_ID,
    });
    // Assess
    expect(result.wouldEnroll).toBe(false);
    expect(result.reasons.map((reason) => reason.code)).toEqual([
      'criteria_not_met',
      'suppressed',
      'goal_already_met',
    ]);
    // Walked as if enrolled by hand: meeting the goal, it would leave before its first action.
    expect(result.path).toEqual([
      { actionId: 'note', type: 'sendNotification', outcome: 'goal_met', at: '2026-03-03T10:00:00.000Z' },
    ]);
    expect(result.end).toEqual({ outcome: 'goal_met', at: '2026-03-03T10:00:00.000Z' });
  });

  it('says a lead would enroll, and that one enrolled now or before with re-enrollment off would not', () => {
    // Prepare
    const workflow = nurture('P2D');
    const at = new Date('2026-03-03T10:00:00Z');
    const input = { workflow, properties: { lifecyclestage: 'lead' }, at, enrollmentId: ENROLLMENT_ID };
    // Act
    const fresh = dryRunWorkflow({ ...input, state: { status: 'none' } });
    const enrolled = dryRunWorkflow({
      ...input,
      state: { status: 'enrolled', enrollmentId: 'enr_x', revision: 1 },
    });
    const ended = dryRunWorkflow({ ...input, state: { status: 'ended' } });
    // Assess
    expect(fresh).toMatchObject({ wouldEnroll: true, reasons: [{ code: 'criteria_met' }] });
    expect(enrolled).toMatchObject({
      wouldEnroll: false,
      reasons: [{ code: 'criteria_met' }, { code: 'already_enrolled' }],
    });
    expect(ended).toMatchObject({
      wouldEnroll: false,
      reasons: [{ code: 'criteria_met' }, { code: 'reenrollment_off' }],
    });
  });

  it('reads the associated types and lists that the parts, branches and copies read', () => {
    // Prepare
    const workflow = define({
      startActionId: 'copy',
      actions: [
        {
          id: 'copy',
          type: 'copyProperty',
          from: 'city',
          to: 'city',
          source: { associated: 'deals' },
          next: 'split',
        },
        {
          id: 'split',
          type: 'branch',
          branches: [
            {
              name: 'Software',
              criteria: [
                { filters: [{ property: 'companies.industry', operator: 'eq', value: 'Software' }] },
              ],
              next: null,
            },
          ],
          defaultNext: null,
        },
      ],
      settings: { suppressionLists: ['lst_1'] },
    });
    // Act
    const needs = dryRunNeeds(workflow);
    // Assess
    expect(needs).toEqual({ associated: ['companies', 'deals'], lists: true });
  });
});
