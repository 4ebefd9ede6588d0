import httpRouter from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { MethodNotAllowedError, NotFoundError } from '../../../shared/core/errors/app-error.ts';
import type { CrmServices } from '../../../shared/core/services/crm-services.ts';
import { parseRouteInput } from './parse-input.ts';
import type { Route } from './route.ts';

type LambdaHandler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** The regular expression of a path template: `{name}` matches one segment, captured by name. */
const patternOf = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^/]+)\}/g, '(?<$1>[^/]+)')}/?$`);

/**
 * What API Gateway puts in a proxy event for a raw path: the matched template (`resource`) and the
 * path parameters, decoded. The embedded server uses it to build the same event.
 */
export const matchPath = (
  routes: readonly Route[],
  method: string,
  rawPath: string,
): { resource: string; pathParameters: Record<string, string> } | undefined => {
  const route = routes.find(
    (candidate) => candidate.method === method && patternOf(candidate.path).test(rawPath),
  );
  if (!route) return undefined;
  const groups = patternOf(route.path).exec(rawPath)?.groups ?? {};
  const pathParameters: Record<string, string> = {};
  for (const [name, value] of Object.entries(groups)) pathParameters[name] = safeDecode(value);
  return { resource: route.path, pathParameters };
};

const safeDecode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** Runs one route: its input parsed by its schemas, its result as the proxy response. */
const routeHandler =
  (route: Route, services: CrmServices): LambdaHandler =>
  async (event) => {
    const input = parseRouteInput(route, event);
    const result = await route.handle({ ...input, services, event });
    return result.body === undefined
      ? { statusCode: result.status, headers: {}, body: '' }
      : { statusCode: result.status, headers: JSON_HEADERS, body: JSON.stringify(result.body) };
  };

/**
 * Routes a proxy event with middy's http-router: an unknown path is a 404, a known path with
 * another method a 405 that lists the allowed ones.
 */
export const createRouter = (routes: readonly Route[], services: CrmServices) => {
  const patterns = routes.map((route) => ({ method: route.method, pattern: patternOf(route.path) }));
  return httpRouter({
    routes: routes.map((route) => ({
      method: route.method,
      path: route.path,
      handler: routeHandler(route, services),
    })),
    notFoundResponse: ({ method, path }: { method: string; path: string }) => {
      const allowed = [...new Set(patterns.filter((p) => p.pattern.test(path)).map((p) => p.method))];
      if (allowed.length > 0) throw new MethodNotAllowedError(method, allowed);
      throw new NotFoundError(`no route ${method} ${path}`);
    },
  });
};
