import * as z from 'zod';
import { PageRequestSchema } from '../../../shared/core/ports/page.ts';
import { EnrollableObjectTypeSchema } from '../../../shared/core/records/object-types.ts';
import {
  WorkflowDefinitionSchema,
  WorkflowStatusSchema,
} from '../../../shared/core/workflow/workflow.schema.ts';
import { defineRoute } from '../http/route.ts';
import { IdParams, IdSchema } from './path-params.ts';

const WorkflowPageQuery = PageRequestSchema.extend({
  objectType: EnrollableObjectTypeSchema.optional(),
  status: WorkflowStatusSchema.optional(),
});
const FromTemplateBody = z.strictObject({ templateId: z.string().min(1), name: z.string().trim().min(1) });
const RevisionParams = z.strictObject({ id: IdSchema, n: z.coerce.number().int().min(1) });
const ReviewBody = z.strictObject({ createList: z.boolean().optional() });
const ActivateBody = z.strictObject({ enrollExisting: z.boolean() });

export const workflowRoutes = [
  defineRoute({
    method: 'POST',
    path: '/workflows',
    summary: 'Creates a draft workflow (revision 1) from a definition or from a template',
    bodyDoc: z.union([WorkflowDefinitionSchema, FromTemplateBody]),
    status: 201,
    handle: async ({ services, event }) => ({
      status: 201,
      body: await services.workflows.create(event.body),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/workflows',
    summary: 'A page of workflows, by object type and status',
    query: WorkflowPageQuery,
    status: 200,
    handle: async ({ query, services }) => {
      const { objectType, status, ...page } = query;
      return {
        status: 200,
        body: await services.workflows.page(
          { ...(objectType ? { objectType } : {}), ...(status ? { status } : {}) },
          page,
        ),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/workflows/{id}',
    summary: 'One workflow',
    params: IdParams,
    status: 200,
    handle: async ({ params, services }) => ({ status: 200, body: await services.workflows.get(params.id) }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/workflows/{id}',
    summary: 'A new revision (409 on a stale revision)',
    params: IdParams,
    bodyDoc: WorkflowDefinitionSchema,
    status: 200,
    handle: async ({ params, services, event }) => ({
      status: 200,
      body: await services.workflows.update(params.id, event.body),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/workflows/{id}',
    summary: 'Deletes a workflow (409 while active)',
    params: IdParams,
    status: 204,
    handle: async ({ params, services }) => {
      await services.workflows.delete(params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/workflows/{id}/revisions',
    summary: 'Every revision: number, update and activation instants',
    params: IdParams,
    status: 200,
    handle: async ({ params, services }) => ({
      status: 200,
      body: await services.workflows.revisions(params.id),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/workflows/{id}/revisions/{n}',
    summary: 'One revision',
    params: RevisionParams,
    status: 200,
    handle: async ({ params, services }) => ({
      status: 200,
      body: await services.workflows.revision(params.id, params.n),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/workflows/{id}/review',
    summary: 'Records meeting the criteria now (and, with createList, a static list of them)',
    params: IdParams,
    body: ReviewBody.optional(),
    status: 200,
    handle: async ({ params, body, services }) => ({
      status: 200,
      body: await services.workflows.review(params.id, body ?? {}),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/workflows/{id}/definition',
    summary: 'The compiled Amazon States Language document of the live (or draft) revision',
    params: IdParams,
    status: 200,
    handle: async ({ params, services }) => ({
      status: 200,
      body: await services.workflows.definition(params.id),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/workflows/{id}/activate',
    summary:
      'Compiles the revision, publishes its state machine and activates it; with enrollExisting, enrolls the records meeting the criteria now (the rest in the background)',
    params: IdParams,
    body: ActivateBody,
    status: 200,
    handle: async ({ params, body, services }) => ({
      status: 200,
      body: await services.activation.activate(params.id, body),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/workflows/{id}/deactivate',
    summary: 'Deactivates the workflow and unenrolls every enrolled record (workflow_deactivated)',
    params: IdParams,
    status: 200,
    handle: async ({ params, services }) => ({
      status: 200,
      body: await services.activation.deactivate(params.id),
    }),
  }),
];
