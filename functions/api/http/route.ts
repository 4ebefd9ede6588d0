import type { APIGatewayProxyEvent } from 'aws-lambda';
import type * as z from 'zod';
import type { CrmServices } from '../../../shared/core/services/crm-services.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route's handler returns: a status and a JSON body (none for 204). */
export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
}

/** The request a handler sees: path parameters, query and body, each parsed by the route's schemas. */
export interface RouteInput<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly services: CrmServices;
  readonly event: APIGatewayProxyEvent;
}

/** One route of api.md: its method and path template, the zod schemas of its input, its handler. */
export interface Route<P = unknown, Q = unknown, B = unknown> {
  readonly method: HttpMethod;
  /** API Gateway's template: `/objects/{objectType}/{id}`. */
  readonly path: string;
  readonly summary: string;
  /** Routes that answer without a token (`/health`, `/openapi.json`). */
  readonly public?: boolean;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  readonly body?: z.ZodType<B>;
  /**
   * The body's schema when the service validates it itself (with the same schema, and rules across
   * fields reported at their paths): documented in `/openapi.json`, passed on raw as `event.body`.
   */
  readonly bodyDoc?: z.ZodType;
  /** The success status, for the OpenAPI document. */
  readonly status: number;
  readonly handle: (input: RouteInput<P, Q, B>) => Promise<RouteResult>;
}

/** Keeps a route's schema and handler types together (the handler's input is inferred from the schemas). */
export const defineRoute = <P = undefined, Q = undefined, B = undefined>(route: Route<P, Q, B>): Route =>
  route as unknown as Route;
