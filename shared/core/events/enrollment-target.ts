import type { EnrollmentService } from '../enrollment/enrollment-service.ts';
import { RECORD_CHANGED, RECORDS_SOURCE } from './event-names.ts';
import { EventRejectedError } from './event-rejected-error.ts';
import { RecordChangedDetailSchema } from './event-schemas.ts';
import { type EnrollPort, type EventHandler, parseDetail } from './ingest-target.ts';

/**
 * The `enrollment` target: a `Record Changed` of `crm.records`, its detail checked against its schema (an invalid
 * one is a ValidationError, never retried), then decided and applied by the enrollment service. Idempotent: a
 * redelivered change replays the enrollment it started and keeps one history line.
 */
export const createEnrollmentTarget =
  (service: Pick<EnrollmentService, 'onRecordChanged'>): EventHandler =>
  async (event) => {
    if (event.source !== RECORDS_SOURCE || event['detail-type'] !== RECORD_CHANGED) {
      throw new EventRejectedError(
        `enrollment takes ${RECORDS_SOURCE} ${RECORD_CHANGED}; not ${event.source} "${event['detail-type']}"`,
      );
    }
    await service.onRecordChanged(parseDetail(RecordChangedDetailSchema, event));
  };

/** The `Workflow Enroll` port of the ingest target over the enrollment service. */
export const enrollPort =
  (service: Pick<EnrollmentService, 'enrollManually'>): EnrollPort =>
  async (workflowId, recordId, options) => {
    await service.enrollManually(workflowId, recordId, options);
  };
