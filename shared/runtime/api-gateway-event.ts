import type { IncomingHttpHeaders } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';

export interface HttpRequestParts {
  readonly method: string;
  /** The request target as sent: path and query string. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly remoteAddress?: string;
  readonly requestId: string;
  /** The request's instant on the runtime's clock. */
  readonly now: Date;
}

/** Routing facts API Gateway adds for a matched resource: its template and the decoded path parameters. */
export interface MatchedResource {
  readonly resource: string;
  readonly pathParameters: Record<string, string>;
}

const singleHeaders = (headers: IncomingHttpHeaders): Record<string, string> => {
  const single: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) single[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return single;
};

const multiHeaders = (headers: IncomingHttpHeaders): Record<string, string[]> => {
  const multi: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) multi[name] = Array.isArray(value) ? value : [value];
  }
  return multi;
};

/**
 * The query as API Gateway passes it. The maps have no prototype: a parameter is data whatever its name, so
 * `?__proto__=x` or `?constructor=x` is one more key for the route's schema to refuse, never an inherited member.
 */
const queryOf = (search: URLSearchParams) => {
  const single: Record<string, string> = Object.create(null);
  const multi: Record<string, string[]> = Object.create(null);
  for (const [name, value] of search) {
    single[name] = value;
    multi[name] = [...(multi[name] ?? []), value];
  }
  return Object.keys(single).length > 0 ? { single, multi } : undefined;
};

/** A body as API Gateway passes it: text as is, anything that is not UTF-8 in base64. */
const bodyOf = (body: Buffer): { body: string | null; isBase64Encoded: boolean } => {
  if (body.length === 0) return { body: null, isBase64Encoded: false };
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body)
    ? { body: text, isBase64Encoded: false }
    : { body: body.toString('base64'), isBase64Encoded: true };
};

/**
 * The REST API proxy event (payload 1.0) that API Gateway would hand the Lambda for this request,
 * so that the embedded server calls the very same handler.
 */
export const toApiGatewayEvent = (
  request: HttpRequestParts,
  matched: MatchedResource | undefined,
): APIGatewayProxyEvent => {
  const url = new URL(request.url, 'http://127.0.0.1');
  const query = queryOf(url.searchParams);
  const { body, isBase64Encoded } = bodyOf(request.body);
  return {
    httpMethod: request.method,
    path: url.pathname,
    resource: matched?.resource ?? '/{proxy+}',
    pathParameters: matched?.pathParameters ?? null,
    queryStringParameters: query?.single ?? null,
    multiValueQueryStringParameters: query?.multi ?? null,
    headers: singleHeaders(request.headers),
    multiValueHeaders: multiHeaders(request.headers),
    body,
    isBase64Encoded,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      path: url.pathname,
      stage: 'local',
      requestId: request.requestId,
      requestTimeEpoch: request.now.getTime(),
      resourceId: 'local',
      resourcePath: matched?.resource ?? '/{proxy+}',
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.remoteAddress ?? '127.0.0.1',
        user: null,
        userAgent: singleHeaders(request.headers)['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
};
