import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../../shared/runtime/start-runtime.ts';

const token = 'test-token-0123456789abcdef';
let dataDir: string;
let runtime: RunningRuntime;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crm-put-events-'));
  runtime = await startRuntime(
    {
      port: 0,
      token,
      tokenGenerated: false,
      dataDir,
      clock: { kind: 'manual', start: new Date('2027-01-04T08:00:00Z') },
    },
    { bus: { baseDelayMs: 1, maxDelayMs: 5 } },
  );
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The real SDK, as an application configures it for the embedded runtime. */
const eventBridge = (secretAccessKey = token, accessKeyId = 'local') =>
  new EventBridgeClient({
    endpoint: runtime.url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });

const api = async (path: string) => {
  const response = await fetch(`${runtime.url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

const contactsWithEmail = async (email: string) => {
  const { body } = await api('/objects/contacts?limit=100');
  return (body.results as { properties: { email?: string } }[]).filter(
    (record) => record.properties.email === email,
  );
};

const upsertEntry = (properties: Record<string, unknown>) => ({
  Source: 'shop.signups',
  DetailType: 'Record Upsert',
  Detail: JSON.stringify({ objectType: 'contacts', idProperty: 'email', properties }),
});

describe('PutEvents on the embedded runtime, through @aws-sdk/client-eventbridge', () => {
  it("applies an application's Record Upsert through the API's services", async () => {
    // Prepare
    const client = eventBridge();
    // Act
    const result = await client.send(
      new PutEventsCommand({ Entries: [upsertEntry({ email: 'ada@example.com', firstname: 'Ada' })] }),
    );
    await runtime.bus.settle();
    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries?.[0]?.EventId).toEqual(expect.any(String));
    const found = await contactsWithEmail('ada@example.com');
    expect(found).toHaveLength(1);
    expect(found[0]?.properties).toMatchObject({ firstname: 'Ada' });
  });

  it('refuses a wrong secret (InvalidSignatureException) and writes nothing', async () => {
    // Prepare
    const client = eventBridge('not-the-token-at-all');
    // Act
    const sent = client.send(new PutEventsCommand({ Entries: [upsertEntry({ email: 'eve@example.com' })] }));
    // Assess
    await expect(sent).rejects.toMatchObject({
      name: 'InvalidSignatureException',
      $metadata: { httpStatusCode: 400 },
    });
    await runtime.bus.settle();
    expect(await contactsWithEmail('eve@example.com')).toEqual([]);
  });

  it('refuses an access key other than local (UnrecognizedClientException)', async () => {
    // Prepare
    const client = eventBridge(token, 'AKIAEXAMPLE');
    // Act
    const sent = client.send(new PutEventsCommand({ Entries: [upsertEntry({ email: 'mal@example.com' })] }));
    // Assess
    await expect(sent).rejects.toMatchObject({ name: 'UnrecognizedClientException' });
  });

  it('checks the signing instant against the real time, not the manual clock: 10 minutes off is refused', async () => {
    // Prepare: the runtime's manual clock says 2027; the SDK signs with the machine's time, here shifted.
    const skewed = new EventBridgeClient({
      endpoint: runtime.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: token },
      maxAttempts: 1,
      systemClockOffset: -10 * 60 * 1000,
    });
    // Act
    const sent = skewed.send(new PutEventsCommand({ Entries: [upsertEntry({ email: 'late@example.com' })] }));
    // Assess
    await expect(sent).rejects.toMatchObject({ name: 'InvalidSignatureException' });
  });

  it('refuses the bearer token on this route: SigV4 only', async () => {
    // Prepare
    const body = JSON.stringify({ Entries: [upsertEntry({ email: 'bob@example.com' })] });
    // Act
    const response = await fetch(`${runtime.url}/`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'X-Amz-Target': 'AWSEvents.PutEvents',
        'Content-Type': 'application/x-amz-json-1.1',
      },
      body,
    });
    // Assess
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe('IncompleteSignatureException');
  });

  it('puts an invalid Record Upsert in GET /_local/dead-letters with its validation error', async () => {
    // Prepare
    const client = eventBridge();
    const invalid = {
      Source: 'shop.signups',
      DetailType: 'Record Upsert',
      Detail: JSON.stringify({
        objectType: 'contacts',
        idProperty: 'email',
        properties: { email: 'x@y.z', nope: 1 },
      }),
    };
    // Act
    const result = await client.send(new PutEventsCommand({ Entries: [invalid] }));
    await runtime.bus.settle();
    const { status, body } = await api('/_local/dead-letters');
    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(status).toBe(200);
    const [letter] = body.results as {
      event: { id: string };
      target: string;
      error: { code: string; message: string };
    }[];
    expect(letter?.event.id).toBe(result.Entries?.[0]?.EventId);
    expect(letter?.target).toBe('ingest');
    expect(letter?.error.code).toBe('VALIDATION_FAILED');
    expect(letter?.error.message).toMatch(/nope/);
  });

  it('answers refused entries with their ErrorCode beside the accepted ones', async () => {
    // Prepare
    const client = eventBridge();
    // Act
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          upsertEntry({ email: 'grace@example.com' }),
          { Source: 'shop', DetailType: 'Record Upsert', Detail: '{oops' },
        ],
      }),
    );
    // Assess
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
  });

  it('keeps /_local/dead-letters behind the bearer token', async () => {
    // Prepare: no token. Act
    const response = await fetch(`${runtime.url}/_local/dead-letters`);
    // Assess
    expect(response.status).toBe(401);
  });
});
