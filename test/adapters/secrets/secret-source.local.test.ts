import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretNotFound } from '../../../shared/adapters/secrets/secret-not-found.ts';
import {
  createLocalSecretSource,
  secretVariable,
} from '../../../shared/adapters/secrets/secret-source.local.ts';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'crm-secrets-'));
  mkdirSync(join(dataDir, 'secrets', 'crm', 'hooks'), { recursive: true });
  writeFileSync(join(dataDir, 'secrets', 'billing'), '  whsec_file\n');
  writeFileSync(join(dataDir, 'secrets', 'crm', 'hooks', 'orders'), 'whsec_nested\n');
  writeFileSync(join(dataDir, 'secrets', 'empty'), '\n');
  writeFileSync(join(dataDir, 'outside'), 'not a secret');
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const failure = (reading: Promise<string>) =>
  reading.then(
    () => {
      throw new Error('the read resolved');
    },
    (error: Error) => error,
  );

describe('local secret source', () => {
  it('names the variable upper-cased, every other character as _', () => {
    expect(secretVariable('crm/hooks.billing-key@v2')).toBe('WORKFLOWS_SECRET_CRM_HOOKS_BILLING_KEY_V2');
  });

  it('reads the environment first, trimmed', async () => {
    // Prepare
    const source = createLocalSecretSource({ env: { WORKFLOWS_SECRET_BILLING: ' whsec_env ' }, dataDir });
    // Act + Assess
    await expect(source.get('billing')).resolves.toBe('whsec_env');
  });

  it('reads <dataDir>/secrets/<name> when the variable is not set or empty, trimmed', async () => {
    // Prepare
    const source = createLocalSecretSource({ env: { WORKFLOWS_SECRET_BILLING: '' }, dataDir });
    // Act + Assess
    await expect(source.get('billing')).resolves.toBe('whsec_file');
    await expect(source.get('crm/hooks/orders')).resolves.toBe('whsec_nested');
  });

  it('throws SecretNotFound naming the secret and both places looked', async () => {
    // Act
    const error = await failure(createLocalSecretSource({ env: {}, dataDir }).get('crm/absent'));
    // Assess
    expect(error).toBeInstanceOf(SecretNotFound);
    expect(error.message).toBe(
      `secret "crm/absent" not found: set WORKFLOWS_SECRET_CRM_ABSENT or write it to ${join(dataDir, 'secrets', 'crm', 'absent')}`,
    );
  });

  it('refuses an empty file', async () => {
    const error = await failure(createLocalSecretSource({ env: {}, dataDir }).get('empty'));
    expect(error).toBeInstanceOf(SecretNotFound);
    expect(error.message).toContain('is empty');
  });

  it.each(['../outside', 'crm/../../outside', '..', 'a b', 'semi;colon', '', 'x'.repeat(513)])(
    'refuses the name %j',
    async (name) => {
      // Prepare
      const source = createLocalSecretSource({ env: { WORKFLOWS_SECRET____OUTSIDE: 'from env' }, dataDir });
      // Act
      const error = await failure(source.get(name));
      // Assess
      expect(error).toBeInstanceOf(SecretNotFound);
    },
  );
});
