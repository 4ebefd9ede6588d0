import { NewPropertyDefinitionSchema } from '../../../shared/core/records/property.schema.ts';
import { defineRoute } from '../http/route.ts';
import { ObjectTypeParams } from './path-params.ts';

export const propertyRoutes = [
  defineRoute({
    method: 'GET',
    path: '/properties/{objectType}',
    summary: 'Property definitions of an object type: the built-ins, then the custom ones',
    params: ObjectTypeParams,
    status: 200,
    handle: async ({ params, services }) => ({
      status: 200,
      body: { results: await services.properties.list(params.objectType) },
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/properties/{objectType}',
    summary: 'Adds a custom property definition (409 if the name exists)',
    params: ObjectTypeParams,
    bodyDoc: NewPropertyDefinitionSchema,
    status: 201,
    handle: async ({ params, services, event }) => ({
      status: 201,
      body: await services.properties.create(params.objectType, event.body),
    }),
  }),
];
