import type { EnrollmentRef } from '../contract/task-contract.ts';
import {
  type EnrollmentTarget,
  type WorkflowEvent,
  workflowEvent,
} from '../enrollment/enrollment-effects.ts';
import type { HistoryLine } from '../enrollment/history-repository.ts';
import { RECORD_CHANGED, WORKFLOW_DETAIL_TYPES, WORKFLOWS_SOURCE } from '../events/event-names.ts';
import type { ReadRecord } from './record-reads.ts';

/*
 * What actions and failures say to the outside: a webhook's body, a `publishEvent` action's event, `Action Failed`.
 */

/** An event a `publishEvent` action puts on the bus. */
export interface ActionEvent {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** Puts one event on the bus; rejects when it was not accepted (the Task is retried). */
export type PublishActionEvent = (event: ActionEvent) => Promise<void>;

/** The detail types of the system's own events, which an action may not publish. */
const RESERVED_DETAIL_TYPES: ReadonlySet<string> = new Set([...WORKFLOW_DETAIL_TYPES, RECORD_CHANGED]);

/** True when an action may publish events of this detail type (not one of the system's own). */
export const isPublishableDetailType = (detailType: string): boolean =>
  !RESERVED_DETAIL_TYPES.has(detailType);

/**
 * A webhook's JSON body: the record (`objectType`, `id`, `properties`) and where the call comes from
 * (`workflowId`, `enrollmentId`, `actionId`).
 * @example webhookBody(record, enrollment, 'notify') // '{"objectType":"contacts","id":"c1","properties":{…},"workflowId":…}'
 */
export const webhookBody = (record: ReadRecord, enrollment: EnrollmentRef, actionId: string): string =>
  JSON.stringify({
    objectType: record.objectType,
    id: record.id,
    properties: record.properties,
    workflowId: enrollment.workflowId,
    enrollmentId: enrollment.enrollmentId,
    actionId,
  });

/**
 * A `publishEvent` action's event: source `crm.workflows`, the action's detail type, and its detail with the
 * enrollment's fields (as every `crm.workflows` event carries them), the action and the record added.
 */
export const publishedEvent = (
  action: {
    readonly actionId: string;
    readonly detailType: string;
    readonly detail: Readonly<Record<string, unknown>>;
  },
  record: ReadRecord,
  enrollment: EnrollmentRef,
): ActionEvent => ({
  source: WORKFLOWS_SOURCE,
  detailType: action.detailType,
  detail: {
    ...action.detail,
    workflowId: enrollment.workflowId,
    revision: enrollment.revision,
    enrollmentId: enrollment.enrollmentId,
    objectType: record.objectType,
    recordId: record.id,
    actionId: action.actionId,
    record: { objectType: record.objectType, id: record.id, properties: record.properties },
  },
});

/** The message of a Step Functions error cause: a Lambda error's `errorMessage` when the cause is its JSON. */
const causeMessage = (cause: string): string => {
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed) return String(parsed.errorMessage);
  } catch {
    // Not JSON: the cause is the message.
  }
  return cause;
};

/** `Action Failed` (events.md) for an `action.failed` history line: the action, its error's name and message. */
export const actionFailedEvent = (line: HistoryLine, target: EnrollmentTarget): WorkflowEvent => {
  const details = line.details ?? {};
  const code = typeof details.error === 'string' ? details.error : undefined;
  const cause = typeof details.cause === 'string' ? causeMessage(details.cause) : undefined;
  const event = workflowEvent('Action Failed', target);
  return {
    ...event,
    detail: {
      ...event.detail,
      ...(line.actionId === undefined ? {} : { actionId: line.actionId }),
      error: { ...(code === undefined ? {} : { code }), message: cause ?? code ?? 'the action failed' },
    },
  };
};
