import type { CrmServices } from '../../shared/core/services/crm-services.ts';
import { apiRoutes } from './api-routes.ts';
import { createHttpHandler, type HttpHandler } from './http/create-http-handler.ts';
import type { ApiAuth } from './http/middlewares.ts';

export interface ApiHandlerOptions {
  readonly services: CrmServices;
  readonly auth: ApiAuth;
  readonly logError?: (error: unknown) => void;
}

/** The API's Lambda handler over the given services: every route of api.md through the one chain. */
export const createApiHandler = (options: ApiHandlerOptions): HttpHandler =>
  createHttpHandler({ routes: apiRoutes(), ...options });
