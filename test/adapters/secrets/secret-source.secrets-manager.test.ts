import {
  GetSecretValueCommand,
  InternalServiceError,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SecretNotFound } from '../../../shared/adapters/secrets/secret-not-found.ts';
import { createSecretsManagerSource } from '../../../shared/adapters/secrets/secret-source.secrets-manager.ts';
import { ActionTransient } from '../../../shared/core/contract/task-errors.ts';
import { MOCKED_CLIENT_CONFIG } from '../../helpers/outside-world.ts';

const client = new SecretsManagerClient(MOCKED_CLIENT_CONFIG);
const secretsManager = mockClient(client);
beforeEach(() => secretsManager.reset());

/** A clock the test moves by hand. */
const manualClock = () => {
  let now = Date.parse('2026-03-01T10:00:00.000Z');
  return { now: () => new Date(now), advance: (ms: number) => (now += ms) };
};

describe('Secrets Manager secret source', () => {
  it('reads the secret string by its name', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'whsec_1' });
    // Act
    const value = await createSecretsManagerSource({ client }).get('crm/hooks/billing');
    // Assess
    expect(value).toBe('whsec_1');
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: 'crm/hooks/billing' },
    ]);
  });

  it('reads a binary secret as UTF-8', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretBinary: new TextEncoder().encode('whsec_bin') });
    // Act + Assess
    await expect(createSecretsManagerSource({ client }).get('bin')).resolves.toBe('whsec_bin');
  });

  it('keeps a value for the ttl, then reads it again', async () => {
    // Prepare
    const clock = manualClock();
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'first' })
      .resolvesOnce({ SecretString: 'rotated' });
    const source = createSecretsManagerSource({ client, clock, ttlMs: 60_000 });
    // Act
    const values = [await source.get('hook'), await source.get('hook')];
    clock.advance(59_999);
    values.push(await source.get('hook'));
    clock.advance(1);
    values.push(await source.get('hook'));
    // Assess
    expect(values).toEqual(['first', 'first', 'first', 'rotated']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('keeps values for 5 minutes by default', async () => {
    // Prepare
    const clock = manualClock();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'v' });
    const source = createSecretsManagerSource({ client, clock });
    // Act
    await source.get('hook');
    clock.advance(5 * 60_000 - 1);
    await source.get('hook');
    clock.advance(1);
    await source.get('hook');
    // Assess
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('shares one request between concurrent reads of a name', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'v' });
    const source = createSecretsManagerSource({ client });
    // Act
    const values = await Promise.all([source.get('a'), source.get('a'), source.get('b')]);
    // Assess
    expect(values).toEqual(['v', 'v', 'v']);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('throws SecretNotFound naming a secret that does not exist, and keeps no failure', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'not found', $metadata: {} }))
      .resolvesOnce({ SecretString: 'created since' });
    const source = createSecretsManagerSource({ client });
    // Act
    const error = await source.get('missing').catch((thrown: Error) => thrown);
    // Assess
    expect(error).toBeInstanceOf(SecretNotFound);
    expect((error as Error).message).toBe('secret "missing" does not exist in Secrets Manager');
    await expect(source.get('missing')).resolves.toBe('created since');
  });

  it('throws Action.Transient when Secrets Manager throttles or fails', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(new InternalServiceError({ message: 'internal', $metadata: { httpStatusCode: 500 } }));
    const source = createSecretsManagerSource({ client });
    // Act
    const errors = [await source.get('s').catch((e) => e), await source.get('s').catch((e) => e)];
    // Assess
    expect(errors.map((error) => [error.constructor, error.name])).toEqual([
      [ActionTransient, 'Action.Transient'],
      [ActionTransient, 'Action.Transient'],
    ]);
  });
});
