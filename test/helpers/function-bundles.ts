import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import {
  CREATE_REQUIRE_BANNER,
  FUNCTION_BUNDLE_EXTERNALS,
  functionBundleAliases,
} from '../../infra/function-bundling.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

/** The handler directories under `functions/` (each one Lambda function of the deployment). */
export const FUNCTION_ROLES: readonly string[] = readdirSync(join(ROOT, 'functions')).filter((name) => {
  try {
    return statSync(join(ROOT, 'functions', name, 'handler.ts')).isFile();
  } catch {
    return false;
  }
});

export interface FunctionBundle {
  readonly role: string;
  readonly file: string;
  readonly bytes: number;
  /** Every source file esbuild put in the bundle (paths relative to the repository). */
  readonly inputs: readonly string[];
  /** The bundle's bytes by part (`BUNDLE_PARTS`), from esbuild's metafile: what each part weighs once minified. */
  readonly parts: Readonly<Record<BundlePart, number>>;
}

/** The parts a bundle's bytes are told apart by, in the order the bench prints them. */
export const BUNDLE_PARTS = ['aws-sdk', 'powertools', 'luxon', 'zod', 'middy', 'project', 'other'] as const;
export type BundlePart = (typeof BUNDLE_PARTS)[number];

/**
 * The part a bundled file belongs to: the AWS SDK (its clients, Smithy and their own dependencies), Powertools with
 * the X-Ray SDK its Tracer wraps (and that SDK's dependencies), luxon, zod, middy, the project's own code; `other`
 * also counts what esbuild writes around the modules.
 */
export const bundlePartOf = (input: string): BundlePart => {
  const found = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!found) return 'project';
  const name = found[1] as string;
  if (
    /^@(aws-sdk|smithy|aws-crypto)\/|^(mnemonist|obliterator|fast-xml-parser|strnum|bowser|tslib)$/.test(name)
  ) {
    return 'aws-sdk';
  }
  if (
    /^@aws-lambda-powertools\/|^(aws-xray-sdk-core|semver|cls-hooked|emitter-listener|shimmer|atomic-batcher|async-hook-jl|stack-chain)$/.test(
      name,
    )
  ) {
    return 'powertools';
  }
  if (name === 'luxon' || name === 'zod') return name;
  if (name.startsWith('@middy/')) return 'middy';
  return 'other';
};

const partsOf = (metafile: Metafile): Record<BundlePart, number> => {
  const parts = Object.fromEntries(BUNDLE_PARTS.map((part) => [part, 0])) as Record<BundlePart, number>;
  for (const output of Object.values(metafile.outputs)) {
    let attributed = 0;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      parts[bundlePartOf(input)] += bytesInOutput;
      attributed += bytesInOutput;
    }
    // What esbuild adds around the modules (the banner, CommonJS wrappers, imports between them).
    parts.other += output.bytes - attributed;
  }
  return parts;
};

/**
 * Bundles each function the way the construct does (esbuild, ESM, minified, node24, `infra/function-bundling.ts`'s
 * banner, externals and aliases) into a
 * temporary directory; `remove()` deletes it.
 */
export const bundleFunctions = async (): Promise<{ bundles: FunctionBundle[]; remove: () => void }> => {
  const outdir = mkdtempSync(join(tmpdir(), 'crm-bundles-'));
  const bundles: FunctionBundle[] = [];
  for (const role of FUNCTION_ROLES) {
    const file = join(outdir, role, 'index.mjs');
    const result = await build({
      entryPoints: [join(ROOT, 'functions', role, 'handler.ts')],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      minify: true,
      mainFields: ['module', 'main'],
      banner: { js: CREATE_REQUIRE_BANNER },
      external: [...FUNCTION_BUNDLE_EXTERNALS],
      alias: functionBundleAliases(ROOT),
      metafile: true,
      logLevel: 'silent',
    });
    const metafile = result.metafile as Metafile;
    bundles.push({
      role,
      file,
      bytes: statSync(file).size,
      inputs: Object.keys(metafile.inputs),
      parts: partsOf(metafile),
    });
  }
  return { bundles, remove: () => rmSync(outdir, { recursive: true, force: true }) };
};

/** What no function bundle may hold: the CDK, tests and test tooling, and the embedded runtime's own packages. */
export const FORBIDDEN_IN_BUNDLES: readonly RegExp[] = [
  /node_modules\/aws-cdk-lib\//,
  /node_modules\/constructs\//,
  /node_modules\/cdk-nag\//,
  /(^|\/)test\//,
  /node_modules\/(vitest|@vitest|fast-check|aws-sdk-client-mock)\//,
  /node_modules\/dynalite\//,
  /node_modules\/aws-local-stepfunctions\//,
  /(^|\/)shared\/runtime\//,
  /(^|\/)infra\//,
];
