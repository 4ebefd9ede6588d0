import * as z from 'zod';
import { ENROLLMENT_STATUSES } from '../../../shared/core/enrollment/enrollment-repository.ts';
import { HISTORY_EVENTS } from '../../../shared/core/executor/history-event.ts';
import { PageRequestSchema } from '../../../shared/core/ports/page.ts';
import { defineRoute } from '../http/route.ts';
import { IdParams, IdSchema } from './path-params.ts';

const EnrollmentPageQuery = PageRequestSchema.extend({ status: z.enum(ENROLLMENT_STATUSES).optional() });
const EnrollBody = z.strictObject({ recordId: IdSchema });
const EnrollmentParams = z.strictObject({ id: IdSchema, recordId: IdSchema });
const HistoryQuery = PageRequestSchema.extend({
  recordId: IdSchema.optional(),
  event: z.enum(HISTORY_EVENTS).optional(),
});

export const enrollmentRoutes = [
  defineRoute({
    method: 'GET',
    path: '/workflows/{id}/enrollments',
    summary: "A page of the workflow's enrollments, newest first, of one status or all",
    params: IdParams,
    query: EnrollmentPageQuery,
    status: 200,
    handle: async ({ params, query, services }) => {
      const { status, ...page } = query;
      return { status: 200, body: await services.enrollments.page(params.id, status, page) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/workflows/{id}/enrollments',
    summary:
      'Enrolls a record by hand: criteria ignored, suppression, unenrollment criteria and goal honoured (409 when enrolled now, or before with re-enrollment off)',
    params: IdParams,
    body: EnrollBody,
    status: 201,
    handle: async ({ params, body, services }) => ({
      status: 201,
      body: await services.enrollments.enrollManually(params.id, body.recordId),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/workflows/{id}/enrollments/{recordId}',
    summary: 'Unenrolls a record enrolled now (reason manual; 404 when it is not)',
    params: EnrollmentParams,
    status: 204,
    handle: async ({ params, services }) => {
      await services.enrollments.unenrollManually(params.id, params.recordId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/workflows/{id}/enrollments/{recordId}/retry',
    summary:
      "Resumes the record's failed enrollment at the action it failed at (202; 409 when it has none, or the workflow is not active)",
    params: EnrollmentParams,
    status: 202,
    handle: async ({ params, services }) => ({
      status: 202,
      body: await services.enrollments.retry(params.id, params.recordId),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/workflows/{id}/history',
    summary: "The workflow's history, newest first, of one record and one event or all",
    params: IdParams,
    query: HistoryQuery,
    status: 200,
    handle: async ({ params, query, services }) => {
      const { recordId, event, ...page } = query;
      return {
        status: 200,
        body: await services.enrollments.history(
          params.id,
          { ...(recordId === undefined ? {} : { recordId }), ...(event === undefined ? {} : { event }) },
          page,
        ),
      };
    },
  }),
];
