import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package's root: the first directory above this module holding a `package.json` (the repository when the
 * construct runs from `infra/`, the installed package when it runs from `dist/infra/`).
 */
export const packageRoot = (): string => {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error('crm-workflows: no package.json above the construct');
    directory = parent;
  }
  return directory;
};

/** The TypeScript entry of a Lambda handler (`functions/<name>/handler.ts`), bundled by esbuild. */
export const handlerEntry = (name: string): string => join(packageRoot(), 'functions', name, 'handler.ts');

/** The directory of the events' committed JSON Schemas. */
export const eventSchemasDirectory = (): string => join(packageRoot(), 'events', 'schemas');

/**
 * True when esbuild can be loaded from where the construct is installed. The CDK falls back to bundling in Docker
 * without it; the construct refuses instead, so that a synth never needs Docker or the network.
 */
export const esbuildIsInstalled = (): boolean => {
  try {
    createRequire(import.meta.url).resolve('esbuild/package.json');
    return true;
  } catch {
    return false;
  }
};
