import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostResolver } from '../../../shared/adapters/webhook/checked-lookup.ts';
import {
  createWebhookSender,
  type WebhookSenderOptions,
} from '../../../shared/adapters/webhook/webhook-sender.ts';
import { verifyWebhookSignature } from '../../../shared/adapters/webhook/webhook-signature.ts';
import { WebhookRejected, WebhookRetryable } from '../../../shared/core/contract/task-errors.ts';
import type { WebhookCall } from '../../../shared/core/executor/outside-world.ts';
import { ENROLLMENT } from '../../helpers/outside-world.ts';

const SECRET = 'whsec_test_0123456789';

interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A receiver on 127.0.0.1 answering `/<status>` with that status; `/silent` never answers, `/large` sends 1 MiB. */
let server: Server;
let base: string;
let port: number;
const received: Received[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ method: request.method ?? '', path, headers: request.headers, body });
      if (path === '/silent') return;
      if (path === '/large') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('x'.repeat(1024 * 1024));
        return;
      }
      response.writeHead(Number(path.slice(1)) || 200, { 'content-type': 'text/plain' });
      response.end('answer body');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const secrets = {
  get: async (name: string) => (name === 'hook-secret' ? SECRET : Promise.reject(new Error(name))),
};

const sender = (options: Partial<WebhookSenderOptions> = {}) =>
  createWebhookSender({ secrets, allowLoopbackHttp: true, ...options });

const call = (url: string, extra: Partial<WebhookCall> = {}): WebhookCall => ({
  url,
  method: 'POST',
  headers: {},
  body: JSON.stringify({ id: 'c_1', properties: { email: 'ada@example.com', name: 'Zoë' } }),
  enrollment: ENROLLMENT,
  key: 'enr_0123456789abcdef_1:hook:0',
  ...extra,
});

/** The error a send rejects with (fails the test when it resolves). */
const failure = async (sending: Promise<void>): Promise<Error> => {
  try {
    await sending;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the send resolved');
};

const lastReceived = () => received.at(-1) as Received;

describe('webhook sender: the call', () => {
  it('sends the body as given with the user headers and a signature the receiver verifies', async () => {
    // Prepare
    const now = new Date('2026-03-01T10:00:00.000Z');
    const webhook = call(`${base}/200`, {
      method: 'PUT',
      headers: { 'X-Api-Key': 'k1', 'Content-Type': 'text/plain' },
      secretName: 'hook-secret',
    });
    // Act
    await sender({ clock: { now: () => now } }).send(webhook);
    // Assess
    const { method, headers, body } = lastReceived();
    expect(method).toBe('PUT');
    expect(body).toBe(webhook.body);
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(webhook.body)),
      'x-api-key': 'k1',
      'x-crm-delivery': webhook.key,
      'x-crm-timestamp': String(now.getTime() / 1000),
    });
    expect(headers['x-crm-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    const check = {
      body,
      timestamp: headers['x-crm-timestamp'] as string,
      signature: headers['x-crm-signature'] as string,
      secret: SECRET,
      now,
    };
    expect(verifyWebhookSignature(check)).toBe(true);
    expect(verifyWebhookSignature({ ...check, secret: 'another secret' })).toBe(false);
    expect(verifyWebhookSignature({ ...check, body: `${body} ` })).toBe(false);
  });

  it('sends no signature without a secret name, and POST when no method is given', async () => {
    // Act
    await sender().send(call(`${base}/204`, { method: '' }));
    // Assess
    const { method, headers } = lastReceived();
    expect(method).toBe('POST');
    expect(headers['x-crm-delivery']).toBe('enr_0123456789abcdef_1:hook:0');
    expect(headers['x-crm-signature']).toBeUndefined();
    expect(headers['x-crm-timestamp']).toBeUndefined();
  });

  it('does not let a user header replace the signature or the delivery key', async () => {
    // Act
    await sender().send(
      call(`${base}/200`, { headers: { 'X-Crm-Signature': 'v1=forged', 'x-crm-delivery': 'other' } }),
    );
    // Assess
    expect(lastReceived().headers['x-crm-signature']).toBeUndefined();
    expect(lastReceived().headers['x-crm-delivery']).toBe('enr_0123456789abcdef_1:hook:0');
  });
});

describe('webhook sender: what an answer means', () => {
  it.each([200, 201, 202, 204])('resolves on %i', async (status) => {
    await expect(sender().send(call(`${base}/${status}`))).resolves.toBeUndefined();
  });

  it.each([429, 500, 502, 503])('throws Webhook.Retryable on %i', async (status) => {
    // Act
    const error = await failure(sender().send(call(`${base}/${status}`)));
    // Assess
    expect(error).toBeInstanceOf(WebhookRetryable);
    expect(error.name).toBe('Webhook.Retryable');
    expect(error.message).toBe(`webhook to 127.0.0.1:${port} answered ${status}`);
  });

  it.each([301, 400, 401, 403, 404, 410, 422])('throws Webhook.Rejected on %i', async (status) => {
    // Act
    const error = await failure(sender().send(call(`${base}/${status}`)));
    // Assess
    expect(error).toBeInstanceOf(WebhookRejected);
    expect(error.name).toBe('Webhook.Rejected');
    expect(error.message).toBe(`webhook to 127.0.0.1:${port} answered ${status}`);
  });

  it('resolves on a 2xx whose body is larger than it reads', async () => {
    await expect(sender({ maxResponseBytes: 1024 }).send(call(`${base}/large`))).resolves.toBeUndefined();
  });

  it('throws Webhook.Retryable when the answer does not come in time', async () => {
    // Act
    const error = await failure(sender({ responseTimeoutMs: 150 }).send(call(`${base}/silent`)));
    // Assess
    expect(error).toBeInstanceOf(WebhookRetryable);
    expect(error.message).toBe(`webhook to 127.0.0.1:${port} timed out waiting for the answer after 150 ms`);
  });

  it('throws Webhook.Retryable when the connection is not made in time', async () => {
    // Prepare
    const neverResolves: HostResolver = () => new Promise(() => {});
    // Act
    const error = await failure(
      sender({ connectTimeoutMs: 100, resolve: neverResolves }).send(call(`http://localhost:${port}/200`)),
    );
    // Assess
    expect(error).toBeInstanceOf(WebhookRetryable);
    expect(error.message).toBe(`webhook to localhost:${port} timed out connecting after 100 ms`);
  });

  it('throws Webhook.Retryable when nothing listens', async () => {
    // Prepare
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    // Act
    const error = await failure(sender().send(call(`http://127.0.0.1:${closedPort}/200`)));
    // Assess
    expect(error).toBeInstanceOf(WebhookRetryable);
    expect(error.message).toBe(`webhook to 127.0.0.1:${closedPort} failed: ECONNREFUSED`);
  });

  it('throws Webhook.Rejected for a header value HTTP cannot carry', async () => {
    // Act
    const error = await failure(sender().send(call(`${base}/200`, { headers: { 'X-Note': 'a\r\nb' } })));
    // Assess
    expect(error).toBeInstanceOf(WebhookRejected);
  });
});

/** A resolver answering from a table, counting the names it was asked. */
const resolverOf = (table: Record<string, readonly string[]>) => {
  const asked: string[] = [];
  const resolve: HostResolver = async (hostname) => {
    asked.push(hostname);
    return (table[hostname] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { asked, resolve };
};

describe('webhook sender: where a webhook may go', () => {
  it.each([
    ['http://hooks.example.com/in', 'only https: URLs are called'],
    ['ftp://hooks.example.com/in', 'ftp: URLs are not called: use https:'],
    ['https://127.0.0.1/in', '127.0.0.1 is not a public address (loopback)'],
    ['https://[::1]/in', '::1 is not a public address (loopback)'],
    ['https://10.1.2.3/in', '10.1.2.3 is not a public address (private)'],
    ['https://172.16.0.9/in', '172.16.0.9 is not a public address (private)'],
    ['https://192.168.1.20/in', '192.168.1.20 is not a public address (private)'],
    ['https://100.64.0.1/in', '100.64.0.1 is not a public address (private)'],
    ['https://[fd12:3456::1]/in', 'fd12:3456::1 is not a public address (private)'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is not a public address (metadata)'],
    ['https://[fd00:ec2::254]/latest', 'fd00:ec2::254 is not a public address (metadata)'],
    ['https://169.254.10.1/in', '169.254.10.1 is not a public address (link-local)'],
    ['https://[fe80::1]/in', 'fe80::1 is not a public address (link-local)'],
    ['https://0.0.0.0/in', '0.0.0.0 is not a public address (unspecified)'],
    ['https://[::]/in', ':: is not a public address (unspecified)'],
    ['https://[::ffff:169.254.169.254]/in', '::ffff:a9fe:a9fe is not a public address (metadata)'],
    ['https://[::ffff:127.0.0.1]/in', '::ffff:7f00:1 is not a public address (loopback)'],
    ['https://2130706433/in', '127.0.0.1 is not a public address (loopback)'],
  ])('on AWS refuses %s without resolving or connecting', async (url, reason) => {
    // Prepare
    const { asked, resolve } = resolverOf({});
    // Act
    const error = await failure(sender({ allowLoopbackHttp: false, resolve }).send(call(url)));
    // Assess
    expect(error).toBeInstanceOf(WebhookRejected);
    expect(error.message).toContain(reason);
    expect(asked).toEqual([]);
  });

  it.each([
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['10.0.0.7', 'private'],
    ['127.0.0.1', 'loopback'],
    ['::ffff:192.168.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
  ])('on AWS refuses a host name that resolves to %s when it connects', async (address, kind) => {
    // Prepare
    const { asked, resolve } = resolverOf({ 'hooks.attacker.example': [address] });
    // Act
    const error = await failure(
      sender({ allowLoopbackHttp: false, resolve }).send(call('https://hooks.attacker.example/in')),
    );
    // Assess
    expect(error).toBeInstanceOf(WebhookRejected);
    expect(error.message).toBe(
      `webhook to hooks.attacker.example refused: hooks.attacker.example (resolved to ${address}) is not a public address (${kind}): webhooks go to public addresses only`,
    );
    expect(asked).toEqual(['hooks.attacker.example']);
  });

  it('refuses a host name when any of its addresses is refused', async () => {
    // Prepare
    const { resolve } = resolverOf({ 'mixed.example': ['93.184.216.34', '169.254.169.254'] });
    // Act
    const error = await failure(
      sender({ allowLoopbackHttp: false, resolve }).send(call('https://mixed.example/in')),
    );
    // Assess
    expect(error).toBeInstanceOf(WebhookRejected);
    expect(error.message).toContain('169.254.169.254');
  });

  it('embedded: calls 127.0.0.1 and localhost over http:, connecting to the address the resolver gave', async () => {
    // Prepare
    const { asked, resolve } = resolverOf({ localhost: ['127.0.0.1'] });
    const embedded = sender({ resolve });
    // Act
    await embedded.send(call(`http://127.0.0.1:${port}/200`));
    await embedded.send(call(`http://localhost:${port}/201`));
    // Assess
    expect(lastReceived().path).toBe('/201');
    expect(lastReceived().headers.host).toBe(`localhost:${port}`);
    expect(asked).toEqual(['localhost']);
  });

  it.each([
    ['http://hooks.example.com/in', 'http: is allowed only to this machine'],
    ['http://10.0.0.1/in', 'http: is allowed only to this machine'],
    ['https://192.168.0.10/in', '192.168.0.10 is not a public address (private)'],
    ['https://169.254.169.254/latest', '169.254.169.254 is not a public address (metadata)'],
    ['https://127.0.0.2/in', '127.0.0.2 is not a public address (loopback)'],
  ])('embedded: refuses %s', async (url, reason) => {
    // Act
    const error = await failure(sender().send(call(url)));
    // Assess
    expect(error).toBeInstanceOf(WebhookRejected);
    expect(error.message).toContain(reason);
  });

  it('embedded: refuses localhost when it resolves elsewhere, and another name that resolves to loopback', async () => {
    // Prepare
    const { resolve } = resolverOf({ localhost: ['10.0.0.1'], 'rebind.example': ['127.0.0.1'] });
    // Act
    const toLocalhost = await failure(sender({ resolve }).send(call(`http://localhost:${port}/200`)));
    const toRebind = await failure(sender({ resolve }).send(call(`https://rebind.example:${port}/200`)));
    // Assess
    expect(toLocalhost).toBeInstanceOf(WebhookRejected);
    expect(toLocalhost.message).toContain(
      'localhost (resolved to 10.0.0.1) is not a public address (private)',
    );
    expect(toRebind).toBeInstanceOf(WebhookRejected);
    expect(toRebind.message).toContain(
      'rebind.example (resolved to 127.0.0.1) is not a public address (loopback)',
    );
  });
});
