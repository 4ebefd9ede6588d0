import * as z from 'zod';
import { ERROR_CODES } from '../../shared/core/errors/app-error.ts';
import type { Route } from './http/route.ts';

type JsonSchema = Record<string, unknown>;

/** A zod schema as the JSON Schema (2020-12, OpenAPI 3.1's dialect) of what a request may send. */
const schemaOf = (schema: z.ZodType): JsonSchema => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return json;
};

/** The object schemas of path and query parameters, one OpenAPI parameter per property. */
const parametersOf = (schema: z.ZodType | undefined, location: 'path' | 'query') => {
  if (!schema) return [];
  const json = schemaOf(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
};

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { enum: [...ERROR_CODES] },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'message'],
            properties: { path: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const operationOf = (route: Route) => {
  const body = route.body ?? route.bodyDoc;
  return {
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}${route.path.replace(/\{([^}]+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    ...(route.public ? { security: [] } : {}),
    parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
    ...(body
      ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(body) } } } }
      : {}),
    responses: {
      [String(route.status)]:
        route.status === 204
          ? { description: 'done' }
          : { description: 'success', content: { 'application/json': { schema: {} } } },
      ...(route.params || route.query || body ? { '400': errorResponse('the request is not valid') } : {}),
      ...(route.public ? {} : { '401': errorResponse('the token is missing or wrong') }),
      default: errorResponse('an error'),
    },
  };
};

/**
 * The OpenAPI 3.1 document of the API, generated from the zod schemas its routes validate with.
 * @example openApiDocument(apiRoutes).paths['/objects/{objectType}'].post.summary
 */
export const openApiDocument = (routes: readonly Route[], version: string) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'crm-workflows',
      version,
      description:
        'CRM workflow automation: properties, records, associations, static lists, workflows and templates.',
    },
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description:
            "The embedded runtime's token; on AWS, API Gateway checks IAM (SigV4) or Cognito instead.",
        },
      },
    },
  };
};
