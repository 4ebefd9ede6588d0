import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../shared/runtime/start-runtime.ts';

const TOKEN = 'embedded-server-test-token';
let dataDir: string;
let runtime: RunningRuntime;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crm-embedded-server-'));
  runtime = await startRuntime({
    port: 0,
    token: TOKEN,
    tokenGenerated: false,
    dataDir,
    clock: { kind: 'system' },
  });
});
afterAll(async () => {
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const post = (path: string, body: string, token?: string) =>
  fetch(`${runtime.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body,
  });

describe('the embedded server', () => {
  it('refuses an unknown caller with 401 before reading its body, however large', async () => {
    // Act
    const response = await post('/objects/contacts', 'x'.repeat(11 * 1024 * 1024));
    // Assess
    expect(response.status).toBe(401);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('answers a body over API Gateway’s 10 MB with 413 once the caller is known', async () => {
    const response = await post('/objects/contacts', 'x'.repeat(11 * 1024 * 1024), TOKEN);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('names the API’s 1 MiB limit in every 413, whichever cap refused the body', async () => {
    // Act
    const answers = await Promise.all(
      [1.1, 20].map(async (mebibytes) => {
        const response = await post('/objects/contacts', 'x'.repeat(mebibytes * 1024 * 1024), TOKEN);
        return { status: response.status, body: await response.json() };
      }),
    );
    // Assess
    for (const answer of answers) {
      expect(answer).toEqual({
        status: 413,
        body: { error: { code: 'PAYLOAD_TOO_LARGE', message: 'the body is larger than 1048576 bytes' } },
      });
    }
  });

  it('answers the public routes without a token', async () => {
    const response = await fetch(`${runtime.url}/health`);
    expect(response.status).toBe(200);
  });

  it('keeps /_local routes behind the token', async () => {
    const refused = await fetch(`${runtime.url}/_local/clock`);
    const allowed = await fetch(`${runtime.url}/_local/clock`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    expect([refused.status, allowed.status]).toEqual([401, 200]);
  });
});
