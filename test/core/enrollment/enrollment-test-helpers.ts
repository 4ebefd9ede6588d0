import type { EnrollmentChange } from '../../../shared/core/enrollment/change-views.ts';
import type {
  EnrollingWorkflow,
  EnrollmentState,
} from '../../../shared/core/enrollment/enrollment-decision.ts';
import type { FilterGroups } from '../../../shared/core/filters/filter.schema.ts';
import type { Properties } from '../../../shared/core/records/record.schema.ts';
import { changedPropertyNames } from '../../../shared/core/records/record-change.ts';
import {
  type WorkflowDefinitionInput,
  WorkflowDefinitionSchema,
} from '../../../shared/core/workflow/workflow.schema.ts';

export const NOW = new Date('2026-03-10T12:00:00.000Z');

/** `lifecyclestage = lead`: the criteria most cases use. */
export const LEADS: FilterGroups = [
  { filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'lead' }] },
];
export const CUSTOMERS: FilterGroups = [
  { filters: [{ property: 'lifecyclestage', operator: 'eq', value: 'customer' }] },
];

type Overrides = Omit<Partial<WorkflowDefinitionInput>, 'enrollment'> & {
  readonly enrollment?: Partial<WorkflowDefinitionInput['enrollment']>;
  readonly revision?: number;
};

/** A live contacts workflow (defaults applied) enrolling leads, changed by `overrides`. */
export const workflow = (id: string, overrides: Overrides = {}): EnrollingWorkflow => {
  const { enrollment, revision = 1, ...rest } = overrides;
  return {
    id,
    revision,
    ...WorkflowDefinitionSchema.parse({
      name: id,
      objectType: 'contacts',
      startActionId: null,
      actions: [],
      ...rest,
      enrollment: { trigger: 'criteria', criteria: LEADS, ...enrollment },
    }),
  };
};

const base = { objectType: 'contacts' as const, id: 'c1', version: 2 };

export const created = (after: Properties, extra: Partial<EnrollmentChange> = {}): EnrollmentChange => ({
  ...base,
  version: 1,
  change: 'created',
  before: null,
  after: { properties: after },
  changedProperties: changedPropertyNames(undefined, after),
  ...extra,
});

export const updated = (
  before: Properties,
  after: Properties,
  extra: Partial<EnrollmentChange> = {},
): EnrollmentChange => ({
  ...base,
  change: 'updated',
  before: { properties: before },
  after: { properties: after },
  changedProperties: changedPropertyNames(before, after),
  ...extra,
});

export const deleted = (before: Properties): EnrollmentChange => ({
  ...base,
  change: 'deleted',
  before: { properties: before },
  after: null,
  changedProperties: [],
});

/** A membership or association change: the properties stay as they are. */
export const touched = (
  change: 'listed' | 'unlisted' | 'associated' | 'dissociated',
  properties: Properties,
  extra: Partial<EnrollmentChange>,
): EnrollmentChange => ({
  ...base,
  change,
  before: { properties },
  after: { properties },
  changedProperties: [],
  ...extra,
});

export const enrolled = (enrollmentId = 'enr_1', waitingActionIds?: string[]): EnrollmentState => ({
  status: 'enrolled',
  enrollmentId,
  revision: 1,
  ...(waitingActionIds ? { waitingActionIds } : {}),
});
export const ENDED: EnrollmentState = { status: 'ended' };
