import type { EnrollmentRef } from '../../shared/core/contract/task-contract.ts';

/** The enrollment behind the calls of the outside-world adapter tests (an id as `enrollmentId` makes them). */
export const ENROLLMENT: EnrollmentRef = {
  workflowId: 'wf_1',
  revision: 1,
  enrollmentId: 'enr_0123456789abcdef_1',
  recordId: 'c_1',
  objectType: 'contacts',
};

/** An AWS SDK client's configuration for tests behind aws-sdk-client-mock: a region, credentials that sign nothing real. */
export const MOCKED_CLIENT_CONFIG = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
} as const;
