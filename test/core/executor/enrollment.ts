import type { EnrollmentRef } from '../../../shared/core/contract/task-contract.ts';

/** The enrollment the executor tests run: contact rec-1 in revision 1 of wf-1. */
export const ENROLLMENT: EnrollmentRef = {
  workflowId: 'wf-1',
  revision: 1,
  enrollmentId: 'enr-1',
  recordId: 'rec-1',
  objectType: 'contacts',
};
