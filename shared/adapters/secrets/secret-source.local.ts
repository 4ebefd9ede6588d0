import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { SecretSource } from '../../core/executor/outside-world.ts';
import { SecretNotFound } from './secret-not-found.ts';

export interface LocalSecretSourceOptions {
  /** The process environment (or a stand-in): `WORKFLOWS_SECRET_<NAME>` is read first. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The runtime's data directory: `<dataDir>/secrets/<name>` is read next. */
  readonly dataDir: string;
}

/** Secret names as Secrets Manager allows them. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/**
 * The environment variable holding secret `name`: upper-cased, every character but a letter or digit as `_`.
 * @example secretVariable('crm/hook-key') // 'WORKFLOWS_SECRET_CRM_HOOK_KEY'
 */
export const secretVariable = (name: string): string =>
  `WORKFLOWS_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

const isMissingFile = (error: unknown) =>
  error instanceof Error &&
  ['ENOENT', 'ENOTDIR', 'EISDIR'].includes((error as NodeJS.ErrnoException).code ?? '');

/**
 * Webhook secrets of the embedded runtime: the environment variable `WORKFLOWS_SECRET_<NAME>` when set, else the
 * file `<dataDir>/secrets/<name>` (a name with `/` lives in subdirectories), each value trimmed; read on every
 * call so that an edit applies at once. A name Secrets Manager would refuse, or one that leads out of the
 * secrets directory, is refused; a secret found in neither place throws {@link SecretNotFound} naming both.
 * @example createLocalSecretSource({ env: process.env, dataDir: '.data' })
 */
export const createLocalSecretSource = (options: LocalSecretSourceOptions): SecretSource => {
  const directory = resolve(options.dataDir, 'secrets');

  return {
    async get(name) {
      if (!SECRET_NAME.test(name)) {
        throw new SecretNotFound(
          name,
          `"${name}" is not a secret name (letters, digits and /_+=.@-, at most 512)`,
        );
      }
      const file = resolve(directory, name);
      if (!file.startsWith(`${directory}${sep}`)) {
        throw new SecretNotFound(name, `secret "${name}" names a file outside ${directory}`);
      }
      const variable = secretVariable(name);
      const fromEnv = options.env[variable]?.trim();
      if (fromEnv) return fromEnv;
      let fromFile: string;
      try {
        fromFile = (await readFile(file, 'utf8')).trim();
      } catch (error) {
        if (!isMissingFile(error)) throw error;
        const where = `set ${variable} or write it to ${file}`;
        throw new SecretNotFound(name, `secret "${name}" not found: ${where}`, { cause: error });
      }
      if (!fromFile) throw new SecretNotFound(name, `secret "${name}" is empty in ${file}`);
      return fromFile;
    },
  };
};
