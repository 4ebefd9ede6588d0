import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import type { HttpHandler } from '../../functions/api/http/create-http-handler.ts';
import { hasBearerToken, MAX_BODY_BYTES } from '../../functions/api/http/middlewares.ts';
import type { Route } from '../../functions/api/http/route.ts';
import { matchPath } from '../../functions/api/http/router.ts';
import {
  AppError,
  MethodNotAllowedError,
  PayloadTooLargeError,
  toErrorBody,
  UnauthorizedError,
} from '../core/errors/app-error.ts';
import { toApiGatewayEvent } from './api-gateway-event.ts';
import type { DeadLetter } from './bus/embedded-bus.ts';
import { type AwsJsonResponse, isAwsJsonRequest } from './bus/put-events-endpoint.ts';
import type { ReceivedRequest } from './bus/sigv4-verifier.ts';
import type { RuntimeClock } from './runtime-clock.ts';

/**
 * API Gateway refuses payloads over 10 MB before the Lambda runs: a hard cap that keeps a huge body out of memory.
 * The API's own limit (api.md: 1 MiB, `MAX_BODY_BYTES`) is lower, and it is the one every 413 names.
 */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface EmbeddedServerOptions {
  readonly handler: HttpHandler;
  readonly routes: readonly Route[];
  readonly clock: RuntimeClock;
  readonly token: string;
  /**
   * `POST /` with `X-Amz-Target`: the AWS APIs of the embedded runtime (EventBridge's PutEvents, Step Functions),
   * authenticated by their SigV4 signature.
   */
  readonly awsApi?: (request: ReceivedRequest) => Promise<AwsJsonResponse>;
  /** `GET /_local/dead-letters`: events that failed for good, newest first. */
  readonly deadLetters?: () => Promise<readonly DeadLetter[]>;
  /** `GET /_local/outbox`: emails and notifications "sent", newest first (`?limit=`, `?cursor=`). */
  readonly outbox?: (query: URLSearchParams) => Promise<unknown>;
  /** `POST /_local/settle`: resolves once the system is idle (503 after 30 s). */
  readonly settle?: () => Promise<void>;
  /** `POST /_local/clock`: moves the manual clock, firing every timer due on the way, then settles. */
  readonly moveClock?: (request: unknown) => Promise<Date>;
  /** Where system faults are logged (never in an answer). */
  readonly logError: (error: unknown) => void;
}

export interface EmbeddedServer {
  readonly server: Server;
  readonly url: string;
  /** Stops accepting requests and resolves once those in flight are answered. */
  readonly close: () => Promise<void>;
}

class BodyTooLarge extends Error {}

const readBody = (request: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

const send = (response: ServerResponse, result: APIGatewayProxyResult): void => {
  const headers: Record<string, string | number | boolean> = { ...(result.headers ?? {}) };
  response.writeHead(result.statusCode, headers as Record<string, string>);
  response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
};

/** What the API's chain adds to its answers, for the answers the server gives before the chain runs. */
const SECURITY_HEADERS = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains; preload',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
};

/** AWS refuses PutEvents requests over 1 MB (256 KB of entries): the signature is checked after reading it. */
const PUT_EVENTS_MAX_BODY_BYTES = 1024 * 1024;

const sendError = (response: ServerResponse, error: AppError): void =>
  send(response, {
    statusCode: error.statusCode,
    headers: {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/json',
      ...((error as { headers?: Record<string, string> }).headers ?? {}),
    },
    body: JSON.stringify(toErrorBody(error)),
  });

const json = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

const lambdaContext = (requestId: string): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'crm-workflows-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:crm-workflows-api',
  memoryLimitInMB: '1024',
  awsRequestId: requestId,
  logGroupName: '/aws/lambda/crm-workflows-api',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/** The routes only the embedded runtime has (local.md), behind the same token. */
const localRoute = async (
  options: EmbeddedServerOptions,
  method: string,
  url: URL,
  body: Buffer,
): Promise<APIGatewayProxyResult | undefined> => {
  const path = url.pathname;
  if (path === '/_local/dead-letters' && options.deadLetters) {
    if (method !== 'GET') throw new MethodNotAllowedError(method, ['GET']);
    return json(200, { results: await options.deadLetters() });
  }
  if (path === '/_local/outbox' && options.outbox) {
    if (method !== 'GET') throw new MethodNotAllowedError(method, ['GET']);
    return json(200, await options.outbox(url.searchParams));
  }
  if (path === '/_local/settle' && options.settle) {
    if (method !== 'POST') throw new MethodNotAllowedError(method, ['POST']);
    await options.settle();
    return json(200, { now: options.clock.now().toISOString(), idle: true });
  }
  if (path !== '/_local/clock') return undefined;
  if (method === 'GET')
    return json(200, { now: options.clock.now().toISOString(), kind: options.clock.kind });
  if (method !== 'POST')
    throw Object.assign(
      new AppError('METHOD_NOT_ALLOWED', `${method} is not allowed here; allowed: GET, POST`),
      { headers: { Allow: 'GET, POST' } },
    );
  let parsed: unknown;
  try {
    parsed = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('VALIDATION_FAILED', 'the body is not valid JSON', {
      details: [{ path: 'body', message: 'the body is not valid JSON' }],
    });
  }
  const moved = options.moveClock ? await options.moveClock(parsed) : options.clock.move(parsed);
  return json(200, { now: moved.toISOString(), kind: options.clock.kind });
};

/**
 * The embedded runtime's HTTP server on 127.0.0.1: each request becomes the API Gateway proxy event
 * the Lambda receives and goes to the very same handler; `/_local/*` are the runtime's own routes.
 */
export const startEmbeddedServer = async (
  options: EmbeddedServerOptions,
  port: number,
): Promise<EmbeddedServer> => {
  const inFlight = new Set<Promise<void>>();
  const publicRoutes = options.routes.filter((route) => route.public);
  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    try {
      const signed = options.awsApi !== undefined && isAwsJsonRequest(method, path, request.headers);
      // The token is checked before the body is read: an unknown caller holds no memory of ours.
      const trusted = hasBearerToken(request.headers as Record<string, string>, options.token);
      if (!signed && !trusted && matchPath(publicRoutes, method, path) === undefined) {
        request.resume();
        throw new UnauthorizedError();
      }
      let body: Buffer;
      try {
        body = await readBody(request, signed ? PUT_EVENTS_MAX_BODY_BYTES : GATEWAY_MAX_BODY_BYTES);
      } catch (error) {
        if (!(error instanceof BodyTooLarge)) throw error;
        // Past the hard cap the body is over the API's limit too: the answer names the limit a caller must keep to.
        throw new PayloadTooLargeError(signed ? PUT_EVENTS_MAX_BODY_BYTES : MAX_BODY_BYTES);
      }
      if (signed && options.awsApi) {
        const { url = '/', headers } = request;
        return send(response, await options.awsApi({ method, url, headers, body }));
      }
      if (path.startsWith('/_local/')) {
        if (!trusted) throw new UnauthorizedError();
        const result = await localRoute(
          options,
          method,
          new URL(request.url ?? '/', 'http://127.0.0.1'),
          body,
        );
        if (result) return send(response, result);
      }
      const requestId = randomUUID();
      const event = toApiGatewayEvent(
        {
          method,
          url: request.url ?? '/',
          headers: request.headers,
          body,
          remoteAddress: request.socket.remoteAddress,
          requestId,
          now: options.clock.now(),
        },
        matchPath(options.routes, method, path),
      );
      send(response, await options.handler(event, lambdaContext(requestId)));
    } catch (error) {
      if (error instanceof AppError && error.expose) return sendError(response, error);
      options.logError(error);
      sendError(response, new AppError('INTERNAL', 'an internal error occurred'));
    }
  };
  const server = createServer((request, response) => {
    const done = serve(request, response).finally(() => inFlight.delete(done));
    inFlight.add(done);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${bound}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
    },
  };
};
