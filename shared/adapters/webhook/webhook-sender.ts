import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { type TaskError, WebhookRejected, WebhookRetryable } from '../../core/contract/task-errors.ts';
import type { SecretSource, WebhookCall, WebhookSender } from '../../core/executor/outside-world.ts';
import type { Clock } from '../../core/ports/clock.ts';
import { type AddressPolicy, addressRefusal, hostOf, urlRefusal } from './address-policy.ts';
import { AddressRefused, checkedLookup, type HostResolver, systemResolver } from './checked-lookup.ts';
import { signWebhookBody, WEBHOOK_HEADERS } from './webhook-signature.ts';

export interface WebhookSenderOptions extends AddressPolicy {
  /** Where `secretName` is looked up. */
  readonly secrets: SecretSource;
  /** Resolving the host and connecting (default 3 s). */
  readonly connectTimeoutMs?: number;
  /** From the connection to the end of the answer: sending, waiting, reading (default 30 s). */
  readonly responseTimeoutMs?: number;
  /** How much of an answer's body is read (and discarded) before the connection is dropped (default 64 KiB). */
  readonly maxResponseBytes?: number;
  /** Host name resolution (default: the system resolver); each address it returns is checked before use. */
  readonly resolve?: HostResolver;
  /** The signature's timestamp: real time, which receivers compare with their own clock (default: the system's). */
  readonly clock?: Clock;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;
export const DEFAULT_RESPONSE_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

const USER_AGENT = 'crm-workflows-webhook/1';

/** Headers the sender owns: a user's header of the same name is left out. */
const OWN_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'connection',
  'transfer-encoding',
  ...Object.values(WEBHOOK_HEADERS),
]);

/** A 2xx is delivered (null); 429 and 5xx are worth retrying; any other status is a refusal. */
const outcomeOf = (url: URL, status: number): TaskError | null => {
  if (status >= 200 && status < 300) return null;
  const message = `webhook to ${url.host} answered ${status}`;
  return status === 429 || status >= 500 ? new WebhookRetryable(message) : new WebhookRejected(message);
};

/**
 * Webhooks over `node:http`/`node:https`, one connection per call, redirects not followed.
 *
 * A call sends `method` (default POST) with `content-type: application/json`, the user's headers, the body
 * exactly as given and `X-Crm-Delivery: <key>` (the same on every retry, for receivers to deduplicate). With a
 * `secretName`, the secret is read from `secrets` and the call carries `X-Crm-Timestamp: <unix seconds>` and
 * `X-Crm-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` (see `verifyWebhookSignature`).
 *
 * Resolves on 2xx. Throws `WebhookRetryable` when the connection fails or times out (3 s to connect, 30 s for
 * the answer) and on 429 or 5xx; `WebhookRejected` on any other status and on a URL or address the policy
 * refuses: only `https:`, and only public addresses, checked on every address the host resolves to when the
 * connection is made (no DNS rebinding); with `allowLoopbackHttp` (the embedded runtime) also `http:` and
 * loopback addresses for `127.0.0.1`, `localhost` and `[::1]`.
 * @example createWebhookSender({ secrets: createSecretsManagerSource(), allowLoopbackHttp: false })
 */
export const createWebhookSender = (options: WebhookSenderOptions): WebhookSender => {
  const policy: AddressPolicy = { allowLoopbackHttp: options.allowLoopbackHttp };
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const responseTimeoutMs = options.responseTimeoutMs ?? DEFAULT_RESPONSE_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const resolve = options.resolve ?? systemResolver;
  const clock = options.clock ?? { now: () => new Date() };

  const targetOf = (call: WebhookCall): URL => {
    let url: URL;
    try {
      url = new URL(call.url);
    } catch {
      throw new WebhookRejected('webhook refused: the url is not a URL');
    }
    const host = hostOf(url);
    const refusal = urlRefusal(url, policy) ?? (isIP(host) ? addressRefusal(url, host, policy) : undefined);
    if (refusal) throw new WebhookRejected(`webhook to ${url.host} refused: ${refusal}`);
    return url;
  };

  const headersOf = async (call: WebhookCall): Promise<Record<string, string>> => {
    const users = Object.entries(call.headers).filter(([name]) => !OWN_HEADERS.has(name.toLowerCase()));
    const headers: Record<string, string> = {
      ...(users.some(([name]) => name.toLowerCase() === 'user-agent') ? {} : { 'user-agent': USER_AGENT }),
      ...Object.fromEntries(users),
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(call.body)),
      [WEBHOOK_HEADERS.delivery]: call.key,
    };
    if (call.secretName === undefined) return headers;
    const secret = await options.secrets.get(call.secretName);
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    return {
      ...headers,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: signWebhookBody({ body: call.body, timestamp, secret }),
    };
  };

  const deliver = (url: URL, method: string, headers: Record<string, string>, body: string) =>
    new Promise<void>((resolveCall, rejectCall) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      /** Set once the status is known: the call's result, whatever happens to the rest of the answer. */
      let outcome: TaskError | null | undefined;
      let request: ClientRequest | undefined;

      const settle = (error: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request?.destroy();
        if (error) rejectCall(error);
        else resolveCall();
      };
      const deadline = (ms: number, what: string) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          const timedOut = new WebhookRetryable(`webhook to ${url.host} timed out ${what} after ${ms} ms`);
          settle(outcome === undefined ? timedOut : outcome);
        }, ms);
      };
      const onResponse = (response: IncomingMessage) => {
        const result = outcomeOf(url, response.statusCode ?? 0);
        outcome = result;
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > maxResponseBytes) settle(result);
        });
        response.on('end', () => settle(result));
        response.on('error', () => settle(result));
        response.on('close', () => settle(result));
      };
      const onError = (error: NodeJS.ErrnoException) => {
        if (outcome !== undefined) settle(outcome);
        else if (error instanceof AddressRefused) {
          settle(new WebhookRejected(`webhook to ${url.host} refused: ${error.message}`));
        } else {
          const reason = error.code ?? error.message;
          settle(new WebhookRetryable(`webhook to ${url.host} failed: ${reason}`, { cause: error }));
        }
      };

      try {
        const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
        request = send(url, {
          method,
          headers,
          agent: false,
          lookup: checkedLookup(url, policy, resolve),
        });
      } catch (error) {
        settle(new WebhookRejected(`webhook to ${url.host} refused: ${(error as Error).message}`));
        return;
      }
      request.on('socket', (socket) => {
        if (!socket.connecting) {
          deadline(responseTimeoutMs, 'waiting for the answer');
          return;
        }
        deadline(connectTimeoutMs, 'connecting');
        socket.once('connect', () => deadline(responseTimeoutMs, 'waiting for the answer'));
      });
      request.on('response', onResponse);
      request.on('error', onError);
      request.end(body);
    });

  return {
    async send(call) {
      const url = targetOf(call);
      const headers = await headersOf(call);
      await deliver(url, (call.method || 'POST').toUpperCase(), headers, call.body);
    },
  };
};
