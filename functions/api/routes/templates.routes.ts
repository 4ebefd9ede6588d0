import * as z from 'zod';
import { EnrollableObjectTypeSchema } from '../../../shared/core/records/object-types.ts';
import { defineRoute } from '../http/route.ts';
import { IdParams } from './path-params.ts';

const TemplateQuery = z.strictObject({
  objectType: EnrollableObjectTypeSchema.optional(),
  q: z.string().max(200).optional(),
});

export const templateRoutes = [
  defineRoute({
    method: 'GET',
    path: '/templates',
    summary: 'Template summaries, by object type and words of their name, description or tags',
    query: TemplateQuery,
    status: 200,
    handle: async ({ query, services }) => ({
      status: 200,
      body: {
        results: services.templates.search({
          ...(query.objectType ? { objectType: query.objectType } : {}),
          ...(query.q ? { q: query.q } : {}),
        }),
      },
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/templates/{id}',
    summary: 'A template with its full workflow (preview)',
    params: IdParams,
    status: 200,
    handle: async ({ params, services }) => ({ status: 200, body: services.templates.get(params.id) }),
  }),
];
