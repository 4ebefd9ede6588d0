/*
 * The names of events.md, with no import at all: the rules (and the CDK construct that will read them)
 * depend on nothing at run time.
 */

/** One custom bus per deployment. */
export const DEFAULT_EVENT_BUS_NAME = 'crm-workflows';

/** Sources starting with this are the system's own; an application's source is anything else. */
export const INTERNAL_SOURCE_PREFIX = 'crm.';
export const RECORDS_SOURCE = 'crm.records';
export const WORKFLOWS_SOURCE = 'crm.workflows';

/** What applications send (any source but `crm.*`). */
export const INBOUND_DETAIL_TYPES = [
  'Record Upsert',
  'Record Delete',
  'Association Change',
  'Workflow Enroll',
] as const;
export type InboundDetailType = (typeof INBOUND_DETAIL_TYPES)[number];

/** `Source: crm.records`. */
export const RECORD_CHANGED = 'Record Changed';

/** `Source: crm.workflows`, for applications to subscribe to. */
export const WORKFLOW_DETAIL_TYPES = [
  'Enrollment Started',
  'Enrollment Ended',
  'Action Failed',
  'Goal Met',
] as const;
export type WorkflowDetailType = (typeof WORKFLOW_DETAIL_TYPES)[number];
