export { SecretNotFound } from './secret-not-found.ts';
export {
  createLocalSecretSource,
  type LocalSecretSourceOptions,
  secretVariable,
} from './secret-source.local.ts';
export {
  createSecretsManagerSource,
  DEFAULT_SECRET_TTL_MS,
  type SecretsManagerSourceOptions,
} from './secret-source.secrets-manager.ts';
