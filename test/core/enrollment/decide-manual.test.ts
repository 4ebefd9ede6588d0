import { describe, expect, it } from 'vitest';
import { decideExisting, decideManualEnrollment } from '../../../shared/core/enrollment/decide-manual.ts';
import type {
  EnrollmentState,
  RecordSurroundings,
} from '../../../shared/core/enrollment/enrollment-decision.ts';
import type { Properties } from '../../../shared/core/records/record.schema.ts';
import { CUSTOMERS, ENDED, enrolled, NOW, workflow } from './enrollment-test-helpers.ts';

const lead = { lifecyclestage: 'lead' };
const plain = workflow('wf_a');
const reenrollable = workflow('wf_a', { enrollment: { reenrollment: { enabled: true, triggers: [] } } });
const guarded = workflow('wf_a', {
  goal: { criteria: CUSTOMERS },
  settings: {
    suppressionLists: ['lst_no'],
    unenrollmentCriteria: [{ filters: [{ property: 'unsubscribed', operator: 'eq', value: true }] }],
    unenrollFromWorkflows: ['wf_b'],
  },
});
const manual = workflow('wf_a', { enrollment: { trigger: 'manual' } });
const changedTo = workflow('wf_a', {
  enrollment: {
    criteria: [{ filters: [{ property: 'lifecyclestage', operator: 'changedTo', value: 'lead' }] }],
  },
});

interface Case {
  readonly wf: ReturnType<typeof workflow>;
  readonly state?: EnrollmentState;
  readonly properties?: Properties;
  readonly surroundings?: RecordSurroundings;
  readonly states?: Record<string, EnrollmentState>;
  readonly expected: unknown[];
}

const enroll = (reason: string) => ({ kind: 'enroll', workflowId: 'wf_a', revision: 1, reason });
const skip = (reason: string) => ({ kind: 'skip', workflowId: 'wf_a', revision: 1, reason });

const input = ({
  wf,
  state = { status: 'none' },
  properties = lead,
  surroundings = {},
  states = {},
}: Case) => ({
  workflow: wf,
  state,
  states,
  properties,
  surroundings,
  now: NOW,
});

describe('decideManualEnrollment', () => {
  it.each<[string, Case]>([
    [
      'a record never enrolled enrolls, criteria ignored',
      { wf: plain, properties: { lifecyclestage: 'other' }, expected: [enroll('manual')] },
    ],
    ['a manual workflow enrolls', { wf: manual, expected: [enroll('manual')] }],
    [
      'enrolled now: already_enrolled (409)',
      { wf: plain, state: enrolled(), expected: [skip('already_enrolled')] },
    ],
    [
      'enrolled before, re-enrollment off: reenrollment_off (409)',
      { wf: plain, state: ENDED, expected: [skip('reenrollment_off')] },
    ],
    [
      'enrolled before, re-enrollment on: enrolls again',
      { wf: reenrollable, state: ENDED, expected: [enroll('manual')] },
    ],
    [
      'in a suppression list: suppressed',
      { wf: guarded, surroundings: { lists: ['lst_no'] }, expected: [skip('suppressed')] },
    ],
    [
      'meeting the unenrollment criteria: skipped',
      { wf: guarded, properties: { unsubscribed: true }, expected: [skip('unenrollment_criteria')] },
    ],
    [
      'meeting the goal: skipped',
      { wf: guarded, properties: { lifecyclestage: 'customer' }, expected: [skip('goal_already_met')] },
    ],
    [
      'enrolling unenrolls from the workflows named',
      {
        wf: guarded,
        states: { wf_b: enrolled('enr_b') },
        expected: [
          enroll('manual'),
          {
            kind: 'unenrollElsewhere',
            workflowId: 'wf_b',
            enrollmentId: 'enr_b',
            reason: 'other_workflow:wf_a',
          },
        ],
      },
    ],
  ])('%s', (_name, testCase) => {
    // Act
    const decision = decideManualEnrollment(input(testCase));
    // Assess
    expect(decision).toEqual(testCase.expected);
  });
});

describe('decideExisting (activation with enrollExisting)', () => {
  it.each<[string, Case]>([
    ['a record meeting the criteria now enrolls', { wf: plain, expected: [enroll('existing')] }],
    [
      'a record not meeting them does not',
      { wf: plain, properties: { lifecyclestage: 'other' }, expected: [] },
    ],
    ['a manual workflow enrolls nothing', { wf: manual, expected: [] }],
    ['changed filters are false without a change', { wf: changedTo, expected: [] }],
    [
      'enrolled now: already_enrolled',
      { wf: plain, state: enrolled(), expected: [skip('already_enrolled')] },
    ],
    [
      'enrolled before, re-enrollment off: reenrollment_off',
      { wf: plain, state: ENDED, expected: [skip('reenrollment_off')] },
    ],
    [
      'enrolled before, re-enrollment on: enrolls',
      { wf: reenrollable, state: ENDED, expected: [enroll('existing')] },
    ],
    ['suppressed', { wf: guarded, surroundings: { lists: ['lst_no'] }, expected: [skip('suppressed')] }],
  ])('%s', (_name, testCase) => {
    // Act
    const decision = decideExisting(input(testCase));
    // Assess
    expect(decision).toEqual(testCase.expected);
  });
});
