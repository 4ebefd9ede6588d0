import * as z from 'zod';
import { SentPropertiesSchema, uncheckedProperties } from '../../../shared/core/records/record.schema.ts';
import { isDateTimeText } from '../../../shared/core/time/date-value.ts';
import { defineRoute } from '../http/route.ts';
import { IdParams, IdSchema } from './path-params.ts';

const InstantSchema = z
  .string()
  .refine(isDateTimeText, 'must be a datetime with its offset, such as 2026-03-01T09:30:00Z');

const TestBody = z
  .strictObject({
    recordId: IdSchema.optional(),
    record: z.strictObject({ properties: SentPropertiesSchema }).optional(),
    at: InstantSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.recordId === undefined) === (body.record === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['recordId'],
        message:
          body.recordId === undefined
            ? 'one of recordId (a stored record) or record (its properties) is required'
            : 'give either recordId (a stored record) or record (its properties), not both',
      });
    }
  });
const ExplainQuery = z.strictObject({ recordId: IdSchema });

export const insightRoutes = [
  defineRoute({
    method: 'GET',
    path: '/workflows/{id}/stats',
    summary:
      "The workflow's enrollments by status, counted as they start and end, and its conversion rate (goal met / enrolled)",
    params: IdParams,
    status: 200,
    handle: async ({ params, services }) => ({
      status: 200,
      body: await services.insights.stats(params.id),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/workflows/{id}/test',
    summary:
      'Dry run, no side effects: whether a stored record (or one given by its properties) would enroll at `at` (default now), why, and the path it would take, each action at its instant',
    params: IdParams,
    body: TestBody,
    status: 200,
    handle: async ({ params, body, services }) => ({
      status: 200,
      body: await services.insights.test(
        params.id,
        body.recordId === undefined
          ? // The schema holds one of recordId and record: without recordId, record is there.
            { record: { properties: uncheckedProperties(body.record!.properties) }, at: body.at }
          : { recordId: body.recordId, at: body.at },
      ),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/workflows/{id}/explain',
    summary:
      'Why the record is or is not enrolled: its enrollment, and every criteria, suppression, unenrollment and goal filter with the value it saw and its result',
    params: IdParams,
    query: ExplainQuery,
    status: 200,
    handle: async ({ params, query, services }) => ({
      status: 200,
      body: await services.insights.explain(params.id, query.recordId),
    }),
  }),
];
