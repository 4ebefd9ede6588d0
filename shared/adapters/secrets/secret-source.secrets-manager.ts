import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretSource } from '../../core/executor/outside-world.ts';
import type { Clock } from '../../core/ports/clock.ts';
import { throwingTransient } from '../aws-sdk/transient-errors.ts';
import { SecretNotFound } from './secret-not-found.ts';

export interface SecretsManagerSourceOptions {
  /** The client (default: a new SecretsManagerClient with the environment's region and credentials). */
  readonly client?: SecretsManagerClient;
  /** How long a value is kept in memory before it is read again (default 5 minutes). */
  readonly ttlMs?: number;
  /** The cache's clock (default: the system's). */
  readonly clock?: Clock;
}

export const DEFAULT_SECRET_TTL_MS = 5 * 60_000;

interface Cached {
  readonly value: Promise<string>;
  readonly expiresAt: number;
}

/**
 * Webhook secrets from AWS Secrets Manager (`GetSecretValue` of the current version, the name or ARN as the
 * workflow's `secretName`), kept in memory for `ttlMs` so that a busy workflow reads each secret once per
 * container every few minutes; a rotated secret is picked up within that time. Concurrent reads of one name
 * share one request; a failed read is not kept. A secret that does not exist throws {@link SecretNotFound};
 * throttling and service faults throw `ActionTransient`.
 * @example createSecretsManagerSource({ ttlMs: 60_000 })
 */
export const createSecretsManagerSource = (options: SecretsManagerSourceOptions = {}): SecretSource => {
  const client = options.client ?? new SecretsManagerClient({});
  const ttlMs = options.ttlMs ?? DEFAULT_SECRET_TTL_MS;
  const clock = options.clock ?? { now: () => new Date() };
  const cache = new Map<string, Cached>();

  const read = async (name: string): Promise<string> => {
    try {
      const answer = await throwingTransient('Secrets Manager GetSecretValue', () =>
        client.send(new GetSecretValueCommand({ SecretId: name })),
      );
      if (answer.SecretString !== undefined) return answer.SecretString;
      if (answer.SecretBinary !== undefined) return Buffer.from(answer.SecretBinary).toString('utf8');
      throw new SecretNotFound(name, `secret "${name}" in Secrets Manager has no value`);
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') {
        throw new SecretNotFound(name, `secret "${name}" does not exist in Secrets Manager`, {
          cause: error,
        });
      }
      throw error;
    }
  };

  return {
    get(name) {
      const now = clock.now().getTime();
      const cached = cache.get(name);
      if (cached && cached.expiresAt > now) return cached.value;
      const value = read(name);
      cache.set(name, { value, expiresAt: now + ttlMs });
      value.catch(() => {
        if (cache.get(name)?.value === value) cache.delete(name);
      });
      return value;
    },
  };
};
