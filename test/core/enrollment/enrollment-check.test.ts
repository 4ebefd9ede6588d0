import { describe, expect, it } from 'vitest';
import { checkEnrollment } from '../../../shared/core/enrollment/enrollment-check.ts';
import { nurtureFrenchLeads } from '../../fixtures/compiler-workflows.ts';
import { enrolled, NOW, workflow } from './enrollment-test-helpers.ts';

/** The example of workflow.md (French leads, re-enrollment, customers convert), with suppression and unenrollment. */
const frenchLeads = workflow('wf_a', {
  enrollment: nurtureFrenchLeads.enrollment,
  ...(nurtureFrenchLeads.goal ? { goal: nurtureFrenchLeads.goal } : {}),
  settings: {
    suppressionLists: ['lst_no', 'lst_bounced'],
    unenrollmentCriteria: [{ filters: [{ property: 'leadstatus', operator: 'eq', value: 'unqualified' }] }],
  },
});

describe('checkEnrollment', () => {
  it('explains every filter of every part with the value it saw and its result', () => {
    // Act
    const check = checkEnrollment({
      workflow: frenchLeads,
      state: { status: 'none' },
      properties: { lifecyclestage: 'lead', country: 'DE', leadstatus: 'unqualified' },
      surroundings: { lists: ['lst_bounced'] },
      now: NOW,
    });
    // Assess
    expect(check.wouldEnroll).toBe(false);
    expect(check.reasons.map((reason) => reason.code)).toEqual([
      'criteria_not_met',
      'suppressed',
      'unenrollment_criteria',
    ]);
    const { explanation } = check;
    expect(explanation.trigger).toBe('criteria');
    expect(explanation.criteria.matched).toBe(false);
    expect(explanation.criteria.groups[0]?.filters).toEqual([
      expect.objectContaining({
        path: '[0].filters[0]',
        property: 'lifecyclestage',
        value: 'lead',
        result: true,
      }),
      expect.objectContaining({
        path: '[0].filters[1]',
        property: 'country',
        value: 'DE',
        result: false,
        reason: 'the value does not satisfy "eq"',
      }),
    ]);
    expect(explanation.reenrollmentTriggers).toMatchObject({
      matched: true,
      groups: [{ matched: true, filters: [{ property: 'lifecyclestage', value: 'lead', result: true }] }],
    });
    expect(explanation.suppression).toEqual({
      matched: true,
      groups: [
        {
          matched: false,
          filters: [
            expect.objectContaining({ value: ['lst_bounced'], result: false, reason: 'not in list lst_no' }),
          ],
        },
        { matched: true, filters: [expect.objectContaining({ value: ['lst_bounced'], result: true })] },
      ],
    });
    expect(explanation.unenrollment).toMatchObject({
      matched: true,
      groups: [{ filters: [{ property: 'leadstatus', value: 'unqualified', result: true }] }],
    });
    expect(explanation.goal).toMatchObject({
      matched: false,
      groups: [{ filters: [{ property: 'lifecyclestage', value: 'lead', result: false }] }],
    });
  });

  it('says a French lead would enroll, and why not when it is enrolled now', () => {
    // Prepare
    const input = {
      workflow: frenchLeads,
      properties: { lifecyclestage: 'lead', country: 'fr' },
      now: NOW,
    };
    // Act
    const fresh = checkEnrollment({ ...input, state: { status: 'none' } });
    const now = checkEnrollment({ ...input, state: enrolled() });
    // Assess
    expect(fresh).toMatchObject({ wouldEnroll: true, reasons: [{ code: 'criteria_met' }] });
    expect(now).toMatchObject({
      wouldEnroll: false,
      reasons: [{ code: 'criteria_met' }, { code: 'already_enrolled' }],
    });
  });

  it('ignores the criteria of a manual workflow, and says a workflow without criteria never enrolls by itself', () => {
    // Prepare
    const manual = workflow('wf_m', { enrollment: { trigger: 'manual' } });
    const none = workflow('wf_n', { enrollment: { criteria: [] } });
    // Act
    const byHand = checkEnrollment({ workflow: manual, state: { status: 'none' }, properties: {}, now: NOW });
    const never = checkEnrollment({ workflow: none, state: { status: 'none' }, properties: {}, now: NOW });
    // Assess
    expect(byHand).toMatchObject({ wouldEnroll: true, reasons: [{ code: 'manual_trigger' }] });
    expect(never).toMatchObject({
      wouldEnroll: false,
      reasons: [{ code: 'no_criteria' }],
      explanation: { criteria: { matched: false, groups: [] } },
    });
    expect(never.explanation.goal).toBeUndefined();
  });
});
