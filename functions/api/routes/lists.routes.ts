import * as z from 'zod';
import { PageRequestSchema } from '../../../shared/core/ports/page.ts';
import { CreateListSchema } from '../../../shared/core/services/list-service.ts';
import { defineRoute } from '../http/route.ts';
import { IdParams, IdSchema } from './path-params.ts';

const MemberParams = z.strictObject({ id: IdSchema, recordId: IdSchema });

export const listRoutes = [
  defineRoute({
    method: 'POST',
    path: '/lists',
    summary: 'Creates a static list',
    bodyDoc: CreateListSchema,
    status: 201,
    handle: async ({ services, event }) => ({ status: 201, body: await services.lists.create(event.body) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/lists',
    summary: 'A page of static lists',
    query: PageRequestSchema,
    status: 200,
    handle: async ({ query, services }) => ({ status: 200, body: await services.lists.page(query) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/lists/{id}',
    summary: 'One static list',
    params: IdParams,
    status: 200,
    handle: async ({ params, services }) => ({ status: 200, body: await services.lists.get(params.id) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/lists/{id}',
    summary: 'Deletes a static list',
    params: IdParams,
    status: 204,
    handle: async ({ params, services }) => {
      await services.lists.delete(params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/lists/{id}/members/{recordId}',
    summary: 'Adds a member (a change of the member)',
    params: MemberParams,
    status: 204,
    handle: async ({ params, services }) => {
      await services.lists.addMember(params.id, params.recordId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/lists/{id}/members/{recordId}',
    summary: 'Removes a member (a change of the member)',
    params: MemberParams,
    status: 204,
    handle: async ({ params, services }) => {
      await services.lists.removeMember(params.id, params.recordId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/lists/{id}/members',
    summary: 'A page of member ids',
    params: IdParams,
    query: PageRequestSchema,
    status: 200,
    handle: async ({ params, query, services }) => ({
      status: 200,
      body: await services.lists.members(params.id, query),
    }),
  }),
];
