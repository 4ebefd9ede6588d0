import { defineRoute, type Route } from '../http/route.ts';
import { openApiDocument } from '../openapi.ts';

/** `/health` and `/openapi.json`: public, and about the API itself. */
export const systemRoutes = (routes: () => readonly Route[], version: string) => {
  let document: unknown;
  return [
    defineRoute({
      method: 'GET',
      path: '/health',
      summary: 'Answers when the service is up',
      public: true,
      status: 200,
      handle: async () => ({ status: 200, body: { status: 'ok' } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      summary: 'This API as an OpenAPI 3.1 document',
      public: true,
      status: 200,
      handle: async () => {
        document ??= openApiDocument(routes(), version);
        return { status: 200, body: document };
      },
    }),
  ];
};
