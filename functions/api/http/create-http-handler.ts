import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { CrmServices } from '../../../shared/core/services/crm-services.ts';
import { logger } from '../../commons/logger.ts';
import { type ApiAuth, authenticate, contractErrors, limitBody, parseJsonBody } from './middlewares.ts';
import type { Route } from './route.ts';
import { createRouter, matchPath } from './router.ts';

export interface HttpHandlerOptions {
  readonly routes: readonly Route[];
  readonly services: CrmServices;
  readonly auth: ApiAuth;
  /** Where system faults are logged (never shown to the caller); the functions' logger by default. */
  readonly logError?: (error: unknown) => void;
}

export type HttpHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * The one middy chain every route goes through: the logger with the request's correlation id, security headers, header normalisation, the caller
 * checked before anything is read, the body's size, JSON parsing, then the route (whose zod schemas
 * parse its input); errors in the contract's shape, 5xx never leaking.
 */
export const createHttpHandler = (options: HttpHandlerOptions): HttpHandler => {
  const publicRoutes = options.routes.filter((route) => route.public);
  const isPublic = (event: APIGatewayProxyEvent) =>
    matchPath(publicRoutes, event.httpMethod, event.path) !== undefined;
  return (
    middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(injectLambdaContext(logger, { resetKeys: true }))
      // The correlation id is API Gateway's request id (Powertools' `API_GATEWAY_REST` path), read directly rather
      // than through a JMESPath search, whose engine every function would otherwise carry.
      .use({
        before: (request) => {
          const requestId = request.event.requestContext?.requestId;
          if (requestId) logger.setCorrelationId(requestId);
        },
      })
      // Registered before the error handler: middy runs `onError` in reverse order, so the headers are added
      // to error answers too, after the error handler has built them.
      .use(httpSecurityHeaders())
      .use(httpErrorHandler({ logger: false }))
      .use(contractErrors(options.logError ?? ((error) => logger.error('request failed', error as Error))))
      .use(httpHeaderNormalizer())
      .use(authenticate(options.auth, isPublic))
      .use(limitBody())
      .use(parseJsonBody())
      .handler(createRouter(options.routes, options.services) as never) as unknown as HttpHandler
  );
};
