import * as z from 'zod';
import { PageRequestSchema } from '../../../shared/core/ports/page.ts';
import { SentPropertiesSchema, uncheckedProperties } from '../../../shared/core/records/record.schema.ts';
import { defineRoute } from '../http/route.ts';
import { AssociationListParams, AssociationParams, ObjectTypeParams, RecordParams } from './path-params.ts';

const RecordBody = z.strictObject({ properties: SentPropertiesSchema });
const UpsertBody = z.strictObject({ idProperty: z.string().min(1), properties: SentPropertiesSchema });

export const recordRoutes = [
  defineRoute({
    method: 'POST',
    path: '/objects/{objectType}',
    summary: "Creates a record (409 when a contact's email or a company's domain is taken)",
    params: ObjectTypeParams,
    body: RecordBody,
    status: 201,
    handle: async ({ params, body, services }) => ({
      status: 201,
      body: await services.records.create(params.objectType, uncheckedProperties(body.properties)),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/objects/{objectType}/upsert',
    summary: 'Updates the record holding the unique idProperty value (200), or creates it (201)',
    params: ObjectTypeParams,
    body: UpsertBody,
    status: 200,
    handle: async ({ params, body, services }) => {
      const { record, created } = await services.records.upsert(
        params.objectType,
        body.idProperty,
        uncheckedProperties(body.properties),
      );
      return { status: created ? 201 : 200, body: record };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/objects/{objectType}',
    summary: 'A page of records of the type',
    params: ObjectTypeParams,
    query: PageRequestSchema,
    status: 200,
    handle: async ({ params, query, services }) => ({
      status: 200,
      body: await services.records.page(params.objectType, query),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/objects/{objectType}/{id}',
    summary: 'One record',
    params: RecordParams,
    status: 200,
    handle: async ({ params, services }) => ({
      status: 200,
      body: await services.records.get(params.objectType, params.id),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/objects/{objectType}/{id}',
    summary: 'Updates properties (null clears one)',
    params: RecordParams,
    body: RecordBody,
    status: 200,
    handle: async ({ params, body, services }) => ({
      status: 200,
      body: await services.records.update(params.objectType, params.id, uncheckedProperties(body.properties)),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/objects/{objectType}/{id}',
    summary: 'Deletes a record; it leaves every workflow',
    params: RecordParams,
    status: 204,
    handle: async ({ params, services }) => {
      await services.records.delete(params.objectType, params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/objects/{objectType}/{id}/associations/{toObjectType}/{toId}',
    summary: 'Associates two records',
    params: AssociationParams,
    status: 204,
    handle: async ({ params, services }) => {
      await services.records.associate(params.objectType, params.id, params.toObjectType, params.toId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/objects/{objectType}/{id}/associations/{toObjectType}/{toId}',
    summary: 'Dissociates two records',
    params: AssociationParams,
    status: 204,
    handle: async ({ params, services }) => {
      await services.records.dissociate(params.objectType, params.id, params.toObjectType, params.toId);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/objects/{objectType}/{id}/associations/{toObjectType}',
    summary: 'The ids of the associated records of a type',
    params: AssociationListParams,
    query: PageRequestSchema,
    status: 200,
    handle: async ({ params, query, services }) => ({
      status: 200,
      body: await services.records.associations(params.objectType, params.id, params.toObjectType, query),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/objects/{objectType}/{id}/workflow-history',
    summary: "The record's history across all workflows, newest first",
    params: RecordParams,
    query: PageRequestSchema,
    status: 200,
    handle: async ({ params, query, services }) => {
      // The record must exist: an unknown one is a 404, not an empty history.
      await services.records.get(params.objectType, params.id);
      return { status: 200, body: await services.history.ofRecord(params.objectType, params.id, query) };
    },
  }),
];
