import { describe, expect, it } from 'vitest';
import {
  actionOrder,
  formatTimeline,
  type TimelineLine,
  type TimelineWorkflow,
} from '../../../shared/cli/demo/demo-timeline.ts';

const WORKFLOW: TimelineWorkflow = {
  id: 'wf_1',
  name: 'Welcome leads',
  timeZone: 'Europe/Paris',
  startActionId: 'mark-open',
  actions: [
    { id: 'call-task', type: 'createTask', next: null },
    { id: 'mark-open', type: 'setProperty', next: 'welcome' },
    { id: 'welcome', type: 'sendEmail', next: 'wait-2d' },
    { id: 'wait-2d', type: 'delay', next: 'engaged' },
    {
      id: 'engaged',
      type: 'branch',
      branches: [{ name: 'Engaged', next: 'call-task' }],
      defaultNext: null,
    },
  ],
};

const line = (
  at: string,
  recordId: string,
  event: TimelineLine['event'],
  extra: Partial<TimelineLine> = {},
): TimelineLine => ({
  at,
  workflowId: 'wf_1',
  revision: 1,
  enrollmentId: `enr_${recordId}`,
  recordId,
  objectType: 'contacts',
  event,
  ...extra,
});

const FRIDAY = '2027-01-08T15:30:00.000Z';
const SUNDAY = '2027-01-10T15:30:00.000Z';
const MONDAY = '2027-01-11T08:11:27.000Z';

/** Ada's history as the API answers it: newest first, lines of one instant in no causal order. */
const ADA: TimelineLine[] = [
  line(MONDAY, 'ada', 'completed'),
  line(MONDAY, 'ada', 'action.completed', {
    actionId: 'call-task',
    details: { type: 'createTask', attempt: 1, createdRecordId: 'task_1' },
  }),
  line(SUNDAY, 'ada', 'action.scheduled', { actionId: 'call-task', details: { runAt: MONDAY } }),
  line(SUNDAY, 'ada', 'branch.taken', { actionId: 'engaged', details: { branch: 'Engaged', index: 0 } }),
  line(FRIDAY, 'ada', 'action.completed', {
    actionId: 'welcome',
    details: { type: 'sendEmail', attempt: 1 },
  }),
  line(FRIDAY, 'ada', 'action.scheduled', { actionId: 'engaged', details: { runAt: SUNDAY } }),
  line(FRIDAY, 'ada', 'enrolled', { reason: 'existing' }),
  line(FRIDAY, 'ada', 'action.completed', {
    actionId: 'mark-open',
    details: { type: 'setProperty', attempt: 1 },
  }),
];

describe('formatTimeline', () => {
  it("prints each line oldest first with the local time in the workflow's time zone, the UTC time, the event, the action and the details", () => {
    // Act
    const out = formatTimeline({
      workflow: WORKFLOW,
      lines: ADA,
      labels: new Map([['ada', 'Ada Lovelace <ada@example.com>']]),
    });

    // Assess
    expect(out).toEqual([
      'Timeline of "Welcome leads" (wf_1), oldest first',
      'times: local in Europe/Paris, then UTC',
      '',
      'Ada Lovelace <ada@example.com>  contacts/ada',
      '  Fri 2027-01-08 16:30:00 +01:00  2027-01-08 15:30:00Z  enrolled                                   reason: existing',
      '  Fri 2027-01-08 16:30:00 +01:00  2027-01-08 15:30:00Z  action.completed  mark-open (setProperty)',
      '  Fri 2027-01-08 16:30:00 +01:00  2027-01-08 15:30:00Z  action.completed  welcome (sendEmail)',
      '  Fri 2027-01-08 16:30:00 +01:00  2027-01-08 15:30:00Z  action.scheduled  engaged (branch)         runs at Sun 2027-01-10 16:30:00 +01:00 (2027-01-10 15:30:00Z)',
      '  Sun 2027-01-10 16:30:00 +01:00  2027-01-10 15:30:00Z  branch.taken      engaged (branch)         branch: Engaged, index: 0',
      '  Sun 2027-01-10 16:30:00 +01:00  2027-01-10 15:30:00Z  action.scheduled  call-task (createTask)   runs at Mon 2027-01-11 09:11:27 +01:00 (2027-01-11 08:11:27Z)',
      '  Mon 2027-01-11 09:11:27 +01:00  2027-01-11 08:11:27Z  action.completed  call-task (createTask)   createdRecordId: task_1',
      '  Mon 2027-01-11 09:11:27 +01:00  2027-01-11 08:11:27Z  completed',
    ]);
  });

  it('groups lines by record, records of one instant in the order of the labels, unlabelled ones by type and id', () => {
    // Prepare: two records enrolled at the same instant, answered interleaved and newest first
    const lines = [
      line(SUNDAY, 'bob', 'completed'),
      line(FRIDAY, 'ada', 'enrolled', { reason: 'existing' }),
      line(FRIDAY, 'bob', 'enrolled', { reason: 'existing' }),
      line(FRIDAY, 'cy', 'enrolled', { reason: 'criteria' }),
    ];

    // Act
    const out = formatTimeline({
      workflow: WORKFLOW,
      lines,
      labels: new Map([
        ['bob', 'Bob'],
        ['ada', 'Ada'],
      ]),
    });

    // Assess
    expect(out.filter((text) => !text.startsWith('  ')).slice(2)).toEqual([
      '',
      'Bob  contacts/bob',
      '',
      'Ada  contacts/ada',
      '',
      'contacts/cy',
    ]);
    expect(out.slice(4, 6).map((text) => text.trim().split(/\s{2,}/)[2])).toEqual(['enrolled', 'completed']);
  });

  it('follows the time zone across a change of offset (daylight saving time)', () => {
    // Act: Paris moves from +01:00 to +02:00 at 01:00 UTC on 28 March 2027
    const out = formatTimeline({
      workflow: { ...WORKFLOW, timeZone: 'Europe/Paris' },
      lines: [
        line('2027-03-28T01:30:00.000Z', 'ada', 'action.completed', { actionId: 'welcome' }),
        line('2027-03-28T00:30:00.000Z', 'ada', 'enrolled', { reason: 'manual' }),
      ],
    });

    // Assess
    expect(out.slice(4).map((text) => text.trim().slice(0, 52))).toEqual([
      'Sun 2027-03-28 01:30:00 +01:00  2027-03-28 00:30:00Z',
      'Sun 2027-03-28 03:30:00 +02:00  2027-03-28 01:30:00Z',
    ]);
  });

  it('shows a failure with its error and attempts, and the reason of an unenrollment', () => {
    // Act
    const out = formatTimeline({
      workflow: WORKFLOW,
      lines: [
        line(SUNDAY, 'ada', 'unenrolled', { reason: 'manual' }),
        line(FRIDAY, 'ada', 'action.failed', {
          actionId: 'welcome',
          details: { type: 'sendEmail', attempt: 3, error: { code: 'Action.Transient', message: 'down' } },
        }),
      ],
    });

    // Assess
    expect(out[4]).toMatch(
      /action\.failed {2}welcome \(sendEmail\) {2}attempt: 3, error: \{"code":"Action.Transient","message":"down"\}$/,
    );
    expect(out[5]).toMatch(/unenrolled {2,}reason: manual$/);
  });

  it('says so when there is no history', () => {
    expect(formatTimeline({ workflow: WORKFLOW, lines: [] }).slice(2)).toEqual(['', '(no history yet)']);
  });
});

describe('actionOrder', () => {
  it('orders the actions as a record meets them: after every action leading to them, unreachable ones last', () => {
    // Prepare: a branch whose two paths join, and an action nothing leads to
    const workflow = {
      startActionId: 'split',
      actions: [
        { id: 'join', type: 'sendEmail', next: null },
        { id: 'orphan', type: 'delay', next: 'join' },
        { id: 'long-2', type: 'setProperty', next: 'join' },
        { id: 'long-1', type: 'setProperty', next: 'long-2' },
        { id: 'short', type: 'setProperty', next: 'join' },
        {
          id: 'split',
          type: 'randomSplit',
          paths: [
            { percent: 50, next: 'long-1' },
            { percent: 50, next: 'short' },
          ],
        },
      ],
    };

    // Act
    const order = actionOrder(workflow);

    // Assess
    expect(order[0]).toBe('split');
    expect(order.indexOf('join')).toBeGreaterThan(order.indexOf('long-2'));
    expect(order.indexOf('join')).toBeGreaterThan(order.indexOf('short'));
    expect(order.indexOf('long-2')).toBeGreaterThan(order.indexOf('long-1'));
    expect(order.at(-1)).toBe('orphan');
    expect(actionOrder(WORKFLOW)).toEqual(['mark-open', 'welcome', 'wait-2d', 'engaged', 'call-task']);
  });
});
