import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** A request as the embedded server received it. */
export interface ReceivedRequest {
  readonly method: string;
  /** Path and query string as sent. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Why a request is refused, as AWS says it (`__type` and message; AWS answers these with 400). */
export interface SigV4Failure {
  readonly type:
    | 'MissingAuthenticationTokenException'
    | 'IncompleteSignatureException'
    | 'UnrecognizedClientException'
    | 'InvalidSignatureException';
  readonly message: string;
}

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** AWS refuses a signature made more than 5 minutes before or after its own time. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/;

const headerValue = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** `20270104T080000Z` as a Date; undefined when it is not one. */
const amzDate = (text: string | undefined): Date | undefined => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

const queryOf = (url: URL): Record<string, string | string[]> => {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const seen = query[name];
    query[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
};

const sameText = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

const invalid = (message: string): SigV4Failure => ({ type: 'InvalidSignatureException', message });

/**
 * Verifies an AWS Signature Version 4 (header form) the way AWS does: the access key id, the signing
 * instant within 5 minutes of `now`, then the signature recomputed over the received request with
 * `@smithy/signature-v4` — the SDK's own signer — and compared in constant time.
 * `now` is the machine's real time: the SDK signs with it even when the runtime's clock is manual.
 */
export const verifySigV4 = async (
  request: ReceivedRequest,
  credentials: SigV4Credentials,
  now: Date,
): Promise<SigV4Failure | undefined> => {
  const authorization = headerValue(request.headers, 'authorization');
  if (!authorization) {
    return { type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  }
  const parts = AUTHORIZATION.exec(authorization.trim());
  if (!parts) {
    return {
      type: 'IncompleteSignatureException',
      message: 'Authorization header requires Credential, SignedHeaders and Signature (AWS4-HMAC-SHA256).',
    };
  }
  const [, accessKeyId, , region, service, signedHeaderList, signature] = parts as unknown as string[];
  if (accessKeyId !== credentials.accessKeyId) {
    return {
      type: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    };
  }
  const signedAt = amzDate(headerValue(request.headers, 'x-amz-date'));
  if (!signedAt) {
    return {
      type: 'IncompleteSignatureException',
      message: 'The request must carry a valid X-Amz-Date header.',
    };
  }
  if (Math.abs(signedAt.getTime() - now.getTime()) > MAX_CLOCK_SKEW_MS) {
    return invalid(
      `Signature expired or not yet current: ${headerValue(request.headers, 'x-amz-date')} is more than 5 minutes from ${now.toISOString()}.`,
    );
  }
  const signedNames = signedHeaderList!.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = headerValue(request.headers, name);
    if (value === undefined) return invalid(`The signed header ${name} is missing.`);
    headers[name] = value;
  }
  const claimedHash = headers['x-amz-content-sha256'];
  if (claimedHash !== undefined && claimedHash !== createHash('sha256').update(request.body).digest('hex')) {
    return invalid('The x-amz-content-sha256 header does not match the body.');
  }
  const url = new URL(request.url, 'http://127.0.0.1');
  const signer = new SignatureV4({
    credentials,
    region: region!,
    service: service!,
    sha256: Hash.bind(null, 'sha256'),
  });
  const expected = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: url.hostname,
      path: url.pathname,
      query: queryOf(url),
      headers,
      body: request.body,
    },
    {
      signingDate: signedAt,
      signingRegion: region,
      signingService: service,
      signableHeaders: new Set(signedNames),
    },
  );
  const recomputed = /Signature=([0-9a-f]{64})/.exec(expected.headers.authorization ?? '')?.[1] ?? '';
  if (!sameText(recomputed, signature!)) {
    return invalid(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
  return undefined;
};
