import { describe, expect, it } from 'vitest';
import type { EnrollmentChange } from '../../../shared/core/enrollment/change-views.ts';
import { createEnrollmentDecider } from '../../../shared/core/enrollment/enrollment-decider.ts';
import type {
  EnrollingWorkflow,
  EnrollmentDecision,
  EnrollmentState,
  RecordSurroundings,
} from '../../../shared/core/enrollment/enrollment-decision.ts';
import { enrollmentId } from '../../../shared/core/enrollment/enrollment-id.ts';
import type { Evaluation } from '../../../shared/core/enrollment/part-reader.ts';
import type { Properties } from '../../../shared/core/records/record.schema.ts';
import {
  CUSTOMERS,
  created,
  deleted,
  ENDED,
  enrolled,
  NOW,
  touched,
  updated,
  workflow,
} from './enrollment-test-helpers.ts';

interface Case {
  readonly workflows: EnrollingWorkflow[];
  readonly change: EnrollmentChange;
  readonly states?: Record<string, EnrollmentState>;
  readonly surroundings?: RecordSurroundings;
  readonly expected: EnrollmentDecision[];
}

const enroll = (reason: 'criteria' | 'reenrollment', workflowId = 'wf_a'): EnrollmentDecision => ({
  kind: 'enroll',
  workflowId,
  revision: 1,
  reason,
});
const skip = (reason: Extract<EnrollmentDecision, { kind: 'skip' }>['reason']): EnrollmentDecision => ({
  kind: 'skip',
  workflowId: 'wf_a',
  revision: 1,
  reason,
});
const unenroll = (
  reason: Extract<EnrollmentDecision, { kind: 'unenroll' }>['reason'],
): EnrollmentDecision => ({
  kind: 'unenroll',
  workflowId: 'wf_a',
  revision: 1,
  enrollmentId: 'enr_1',
  reason,
});

const lead = { lifecyclestage: 'lead' };
const subscriber = { lifecyclestage: 'subscriber' };
const reenrolling = (triggers: EnrollingWorkflow['enrollment']['reenrollment']['triggers']) =>
  workflow('wf_a', { enrollment: { reenrollment: { enabled: true, triggers } } });
const leadTrigger = reenrolling([{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }]);
const scoreTrigger = reenrolling([{ property: 'score', operator: 'hasProperty' }]);
const suppressing = workflow('wf_a', { settings: { suppressionLists: ['lst_no'] } });
const goalCustomers = workflow('wf_a', { goal: { criteria: CUSTOMERS } });
const unenrollingUnsubscribed = workflow('wf_a', {
  settings: {
    unenrollmentCriteria: [{ filters: [{ property: 'unsubscribed', operator: 'eq', value: true }] }],
  },
});
const strict = workflow('wf_a', { settings: { unenrollWhenCriteriaNotMet: true } });
const waiting = workflow('wf_a', {
  startActionId: 'w1',
  actions: [
    {
      id: 'w1',
      type: 'delayUntilEvent',
      criteria: [{ filters: [{ property: 'replied', operator: 'eq', value: true }] }],
      timeout: 'P7D',
    },
  ],
});
const saasCompanies = workflow('wf_a', {
  enrollment: {
    criteria: [{ filters: [{ property: 'companies.industry', operator: 'eq', value: 'SaaS' }] }],
  },
  settings: { unenrollWhenCriteriaNotMet: true },
});
const inVip = workflow('wf_a', {
  enrollment: { criteria: [{ filters: [{ operator: 'inList', listId: 'lst_vip' }] }] },
});
const recent = workflow('wf_a', {
  enrollment: { criteria: [{ filters: [{ property: 'createdate', operator: 'withinLast', value: 'P7D' }] }] },
});
const acme = { id: 'co_1', properties: { industry: 'SaaS' } };

const cases: [string, Case][] = [
  [
    'a created record that matches enrolls',
    { workflows: [workflow('wf_a')], change: created(lead), expected: [enroll('criteria')] },
  ],
  [
    'a created record that does not match enrolls nowhere',
    { workflows: [workflow('wf_a')], change: created(subscriber), expected: [] },
  ],
  [
    'a change from not matching to matching enrolls',
    { workflows: [workflow('wf_a')], change: updated(subscriber, lead), expected: [enroll('criteria')] },
  ],
  [
    'a change that keeps it matching does not enroll',
    {
      workflows: [workflow('wf_a')],
      change: updated({ ...lead, firstname: 'A' }, { lifecyclestage: 'LEAD', firstname: 'B' }),
      expected: [],
    },
  ],
  [
    'a change that makes it stop matching does nothing when not enrolled',
    { workflows: [workflow('wf_a')], change: updated(lead, subscriber), expected: [] },
  ],
  [
    'leave and rejoin, never enrolled: enrolls',
    {
      workflows: [workflow('wf_a')],
      change: updated(subscriber, lead),
      states: {},
      expected: [enroll('criteria')],
    },
  ],
  [
    'leave and rejoin, enrolled before, re-enrollment off: skipped',
    {
      workflows: [workflow('wf_a')],
      change: updated(subscriber, lead),
      states: { wf_a: ENDED },
      expected: [skip('reenrollment_off')],
    },
  ],
  ['a deleted record never enrolls', { workflows: [workflow('wf_a')], change: deleted(lead), expected: [] }],
  [
    'a deleted record leaves the workflow it is enrolled in',
    {
      workflows: [workflow('wf_a')],
      change: deleted(subscriber),
      states: { wf_a: enrolled() },
      expected: [unenroll('record_deleted')],
    },
  ],
  [
    're-enrollment on: a trigger going false to true while the criteria match re-enrolls',
    {
      workflows: [leadTrigger],
      change: updated(subscriber, lead),
      states: { wf_a: ENDED },
      expected: [enroll('reenrollment')],
    },
  ],
  [
    're-enrollment on: a trigger firing while the criteria do not match does not re-enroll',
    {
      workflows: [reenrolling([{ property: 'score', operator: 'gt', value: 50 }])],
      change: updated({ ...subscriber, score: 10 }, { ...subscriber, score: 60 }),
      states: { wf_a: ENDED },
      expected: [],
    },
  ],
  [
    're-enrollment on: a trigger already true does not fire',
    {
      workflows: [reenrolling([{ property: 'score', operator: 'gt', value: 50 }])],
      change: updated({ ...lead, score: 60 }, { ...lead, score: 70 }),
      states: { wf_a: ENDED },
      expected: [],
    },
  ],
  [
    're-enrollment on: a hasProperty trigger fires on every change of the value',
    {
      workflows: [scoreTrigger],
      change: updated({ ...lead, score: 10 }, { ...lead, score: 20 }),
      states: { wf_a: ENDED },
      expected: [enroll('reenrollment')],
    },
  ],
  [
    're-enrollment on: a change its own (ended) enrollment made is skipped, as when decided while it ran',
    {
      workflows: [scoreTrigger],
      change: updated(
        { ...lead, score: 10 },
        { ...lead, score: 11 },
        { cause: { workflowId: 'wf_a', enrollmentId: enrollmentId('wf_a', 'c1', 1), depth: 1 } },
      ),
      states: { wf_a: ENDED },
      expected: [skip('already_enrolled')],
    },
  ],
  [
    "re-enrollment on: a change another record's enrollment in the workflow made re-enrolls",
    {
      workflows: [scoreTrigger],
      change: updated(
        { ...lead, score: 10 },
        { ...lead, score: 11 },
        { cause: { workflowId: 'wf_a', enrollmentId: enrollmentId('wf_a', 'c2', 1), depth: 1 } },
      ),
      states: { wf_a: ENDED },
      expected: [enroll('reenrollment')],
    },
  ],
  [
    're-enrollment on: a hasProperty trigger does not fire when the value is cleared',
    {
      workflows: [scoreTrigger],
      change: updated({ ...lead, score: 10 }, { ...lead, score: null }),
      states: { wf_a: ENDED },
      expected: [],
    },
  ],
  [
    're-enrollment on: the criteria rising without a trigger does not re-enroll',
    { workflows: [scoreTrigger], change: updated(subscriber, lead), states: { wf_a: ENDED }, expected: [] },
  ],
  [
    're-enrollment on: a trigger firing while enrolled is skipped (never twice at once)',
    {
      workflows: [scoreTrigger],
      change: updated({ ...lead, score: 10 }, { ...lead, score: 20 }),
      states: { wf_a: enrolled() },
      expected: [skip('already_enrolled')],
    },
  ],
  [
    'criteria rising while enrolled (manually) is skipped',
    {
      workflows: [workflow('wf_a')],
      change: updated(subscriber, lead),
      states: { wf_a: enrolled() },
      expected: [skip('already_enrolled')],
    },
  ],
  [
    'a member of a suppression list does not enroll',
    {
      workflows: [suppressing],
      change: created(lead),
      surroundings: { lists: ['lst_no'] },
      expected: [skip('suppressed')],
    },
  ],
  [
    'a record meeting the unenrollment criteria does not enroll',
    {
      workflows: [unenrollingUnsubscribed],
      change: created({ ...lead, unsubscribed: true }),
      expected: [skip('unenrollment_criteria')],
    },
  ],
  [
    'a record already meeting the goal does not enroll',
    {
      workflows: [
        workflow('wf_a', {
          goal: { criteria: [{ filters: [{ property: 'score', operator: 'gt', value: 90 }] }] },
        }),
      ],
      change: updated({ ...subscriber, score: 95 }, { ...lead, score: 95 }),
      expected: [skip('goal_already_met')],
    },
  ],
  [
    'a change caused at depth 11 enrolls nothing',
    {
      workflows: [workflow('wf_a')],
      change: updated(subscriber, lead, { cause: { workflowId: 'wf_x', enrollmentId: 'e', depth: 11 } }),
      expected: [skip('loop_guard')],
    },
  ],
  [
    'a change caused at depth 10 still enrolls',
    {
      workflows: [workflow('wf_a')],
      change: updated(subscriber, lead, { cause: { workflowId: 'wf_x', enrollmentId: 'e', depth: 10 } }),
      expected: [enroll('criteria')],
    },
  ],
  [
    'an enrolled record meeting the goal leaves converted',
    {
      workflows: [goalCustomers],
      change: updated(lead, { lifecyclestage: 'customer' }),
      states: { wf_a: enrolled() },
      expected: [{ kind: 'exitGoal', workflowId: 'wf_a', revision: 1, enrollmentId: 'enr_1' }],
    },
  ],
  [
    'an enrolled record meeting the unenrollment criteria is unenrolled',
    {
      workflows: [unenrollingUnsubscribed],
      change: updated(lead, { ...lead, unsubscribed: true }),
      states: { wf_a: enrolled() },
      expected: [unenroll('unenrollment_criteria')],
    },
  ],
  [
    'unenrollWhenCriteriaNotMet: a record that stops matching is unenrolled',
    {
      workflows: [strict],
      change: updated(lead, subscriber),
      states: { wf_a: enrolled() },
      expected: [unenroll('criteria_not_met')],
    },
  ],
  [
    'without unenrollWhenCriteriaNotMet a record that stops matching stays',
    {
      workflows: [workflow('wf_a')],
      change: updated(lead, subscriber),
      states: { wf_a: enrolled() },
      expected: [],
    },
  ],
  [
    'an enrolled record added to a suppression list is unenrolled',
    {
      workflows: [suppressing],
      change: touched('listed', lead, { listId: 'lst_no' }),
      surroundings: { lists: ['lst_no'] },
      states: { wf_a: enrolled() },
      expected: [unenroll('suppressed')],
    },
  ],
  [
    'an event wait whose criteria now hold is answered',
    {
      workflows: [waiting],
      change: updated({ ...lead, replied: false }, { ...lead, replied: true }),
      states: { wf_a: enrolled('enr_1', ['w1']) },
      expected: [{ kind: 'answerEventWait', workflowId: 'wf_a', enrollmentId: 'enr_1', actionId: 'w1' }],
    },
  ],
  [
    'an event wait whose criteria do not hold stays',
    {
      workflows: [waiting],
      change: updated({ ...lead, replied: false }, { ...lead, replied: null }),
      states: { wf_a: enrolled('enr_1', ['w1']) },
      expected: [],
    },
  ],
  [
    'an event wait not registered is not answered',
    {
      workflows: [waiting],
      change: updated({ ...lead, replied: false }, { ...lead, replied: true }),
      states: { wf_a: enrolled() },
      expected: [],
    },
  ],
  [
    'enrolling unenrolls from the workflows it names',
    {
      workflows: [
        workflow('wf_a', { settings: { unenrollFromWorkflows: ['wf_b', 'wf_c'] } }),
        workflow('wf_b', { enrollment: { criteria: CUSTOMERS } }),
      ],
      change: updated(subscriber, lead),
      states: { wf_b: enrolled('enr_b'), wf_c: ENDED },
      expected: [
        enroll('criteria'),
        {
          kind: 'unenrollElsewhere',
          workflowId: 'wf_b',
          enrollmentId: 'enr_b',
          reason: 'other_workflow:wf_a',
        },
      ],
    },
  ],
  [
    'an association change re-evaluates associated filters',
    {
      workflows: [saasCompanies],
      change: touched('associated', lead, { association: { toObjectType: 'companies', toId: 'co_1' } }),
      surroundings: { associated: { companies: [acme] } },
      expected: [enroll('criteria')],
    },
  ],
  [
    'a dissociation makes an enrolled record stop matching',
    {
      workflows: [saasCompanies],
      change: touched('dissociated', lead, { association: { toObjectType: 'companies', toId: 'co_1' } }),
      surroundings: { associated: { companies: [] }, dissociated: acme },
      states: { wf_a: enrolled() },
      expected: [unenroll('criteria_not_met')],
    },
  ],
  [
    'a list change re-evaluates list filters',
    {
      workflows: [inVip],
      change: touched('listed', lead, { listId: 'lst_vip' }),
      surroundings: { lists: ['lst_vip'] },
      expected: [enroll('criteria')],
    },
  ],
  [
    'a manual workflow never enrolls from a change',
    {
      workflows: [workflow('wf_a', { enrollment: { trigger: 'manual' } })],
      change: updated(subscriber, lead),
      expected: [],
    },
  ],
  [
    'time filters are evaluated at now: a created record within the last 7 days enrolls',
    {
      workflows: [recent],
      change: created({ createdate: '2026-03-09T08:00:00.000Z' }),
      expected: [enroll('criteria')],
    },
  ],
];

describe('createEnrollmentDecider().decide', () => {
  it.each(cases)('%s', (_name, { workflows, change, states = {}, surroundings, expected }) => {
    // Prepare
    const decider = createEnrollmentDecider();
    // Act
    const decisions = decider.decide({
      change,
      workflows,
      states,
      now: NOW,
      ...(surroundings ? { surroundings } : {}),
    });
    // Assess
    expect(decisions).toEqual(expected);
  });
});

describe('evaluated only when the change can affect it', () => {
  const workflows = [
    workflow('wf_a'),
    goalCustomers,
    unenrollingUnsubscribed,
    recent,
    workflow('wf_e', {
      goal: { criteria: [{ filters: [{ property: 'score', operator: 'gt', value: 90 }] }] },
    }),
  ].map((each, index) => ({ ...each, id: `wf_${index}` }));

  const countEvaluations = (change: EnrollmentChange, states: Record<string, EnrollmentState> = {}) => {
    const evaluations: Evaluation[] = [];
    const decider = createEnrollmentDecider({ onEvaluate: (evaluation) => evaluations.push(evaluation) });
    const decisions = decider.decide({ change, workflows, states, now: NOW });
    return { evaluations, decisions };
  };

  it.each([
    ['a property no workflow reads', updated({ firstname: 'A' }, { firstname: 'B' }), [] as string[]],
    ['a property only one goal reads', updated({ score: 1 }, { score: 95 }), ['wf_4']],
    [
      'a property only the unenrollment criteria read',
      updated({ unsubscribed: false }, { unsubscribed: true }),
      ['wf_2'],
    ],
    [
      'a property the enrollment criteria read',
      updated(subscriber, { lifecyclestage: 'other' }),
      ['wf_0', 'wf_1', 'wf_2', 'wf_4'],
    ],
  ])('a change of %s evaluates only the workflows reading it', (_name, change, expectedWorkflows) => {
    // Prepare: enrolled everywhere, so that goals and unenrollment criteria are looked at
    const states = Object.fromEntries(workflows.map((each) => [each.id, enrolled()]));
    // Act
    const { evaluations } = countEvaluations(change, states);
    // Assess
    expect([...new Set(evaluations.map((evaluation) => evaluation.workflowId))]).toEqual(expectedWorkflows);
  });

  it('never evaluates a time filter for a change that does not touch its property', () => {
    // Act: `now` would be needed by the withinLast criteria if they were evaluated
    const { evaluations } = countEvaluations(updated(subscriber, lead));
    // Assess
    expect(evaluations.some((evaluation) => evaluation.workflowId === 'wf_3')).toBe(false);
  });

  it('evaluates each part at most once per side, and a deletion evaluates nothing', () => {
    // Act
    const { evaluations } = countEvaluations(updated(subscriber, lead));
    const deletion = countEvaluations(deleted(lead), { wf_0: enrolled() });
    // Assess
    const keys = evaluations.map(({ workflowId, part, side }) => `${workflowId}/${part}/${side}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(deletion.evaluations).toEqual([]);
    expect(deletion.decisions).toHaveLength(1);
  });

  it('reads a re-enrollment trigger the criteria do not read', () => {
    // Prepare
    const evaluations: Evaluation[] = [];
    const decider = createEnrollmentDecider({ onEvaluate: (evaluation) => evaluations.push(evaluation) });
    // Act
    const decisions = decider.decide({
      change: updated({ ...lead, score: 1 }, { ...lead, score: 2 }),
      workflows: [scoreTrigger],
      states: { wf_a: ENDED },
      now: NOW,
    });
    // Assess
    expect(decisions).toEqual([enroll('reenrollment')]);
    expect(evaluations.map(({ part, side }) => `${part}/${side}`)).toEqual([
      'trigger:0/after',
      'criteria/after',
    ]);
  });

  it('keeps one batch while the live revisions stay, and updates it for a new revision', () => {
    // Prepare
    const decider = createEnrollmentDecider();
    const input = { change: updated(subscriber, lead), states: {}, now: NOW };
    // Act
    const first = decider.decide({ ...input, workflows: [workflow('wf_a')] });
    const again = decider.decide({ ...input, workflows: [workflow('wf_a')] });
    const revised = decider.decide({
      ...input,
      workflows: [workflow('wf_a', { revision: 2, enrollment: { criteria: CUSTOMERS } })],
    });
    // Assess
    expect(first).toEqual([enroll('criteria')]);
    expect(again).toEqual(first);
    expect(revised).toEqual([]);
  });
});

describe('the live workflows read as one batch', () => {
  const input = { change: updated(subscriber, lead), states: {}, now: NOW };

  it('follows workflows activated, edited, deactivated and activated again', () => {
    // Prepare
    const decider = createEnrollmentDecider();
    const customersOnly = { enrollment: { criteria: CUSTOMERS } };
    const steps: EnrollingWorkflow[][] = [
      [workflow('wf_a')],
      [workflow('wf_a'), workflow('wf_b')],
      [workflow('wf_a', { revision: 2, ...customersOnly }), workflow('wf_b')],
      [workflow('wf_b')],
      [workflow('wf_c', customersOnly), workflow('wf_a', { revision: 3 })],
    ];

    // Act
    const enrolled = steps.map((workflows) =>
      decider.decide({ ...input, workflows }).map((decision) => decision.workflowId),
    );

    // Assess
    expect(enrolled).toEqual([['wf_a'], ['wf_a', 'wf_b'], ['wf_b'], ['wf_b'], ['wf_a']]);
  });

  it('evaluates a filter that many workflows share once per side of the change', () => {
    // Prepare: 50 workflows enroll leads; each side of the change counts the reads of the stage.
    const reads = { before: 0, after: 0 };
    const counted = (side: keyof typeof reads, stage: string): Properties => ({
      get lifecyclestage() {
        reads[side] += 1;
        return stage;
      },
    });
    const workflows = Array.from({ length: 50 }, (_, i) => workflow(`wf_${i}`));
    const change: EnrollmentChange = {
      ...updated(subscriber, lead),
      before: { properties: counted('before', 'subscriber') },
      after: { properties: counted('after', 'lead') },
    };

    // Act
    const decisions = createEnrollmentDecider().decide({ change, workflows, states: {}, now: NOW });

    // Assess
    expect(decisions).toHaveLength(50);
    expect(reads).toEqual({ before: 1, after: 1 });
  });
});
