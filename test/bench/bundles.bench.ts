import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { DEPLOYMENT_ENVIRONMENT } from '../helpers/deployment-environment.ts';
import { BUNDLE_PARTS, type BundlePart, bundleFunctions } from '../helpers/function-bundles.ts';

/** Targets of the deployment's functions on this machine. */
const MAX_BYTES = 500_000;
const MAX_LOAD_MS = 150;
const LOADS = 10;

/** A fresh Node process importing the bundle: the milliseconds the import took, as measured inside it. */
const coldLoadMs = (file: string): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...DEPLOYMENT_ENVIRONMENT },
  });
  if (child.status !== 0) throw new Error(`loading ${file} failed: ${child.stderr}`);
  return Number(child.stdout.trim().split('\n').at(-1));
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

export interface BundleFigures {
  readonly role: string;
  readonly bytes: number;
  readonly loadMs: number;
  /** The bytes by part: the AWS SDK, Powertools with the X-Ray SDK, luxon, zod, middy, the project's code, other. */
  readonly parts: Readonly<Record<BundlePart, number>>;
}

export interface BundleBench {
  readonly figures: BundleFigures[];
  readonly targetsMet: boolean;
  /** The machine's 1-minute load average before and after the loads (other processes share the cores). */
  readonly load: { readonly before: number; readonly after: number; readonly cores: number };
}

/** Each function bundled as the construct bundles it: its size (minified) and its cold module-load time. */
export const runBundleBench = async (): Promise<BundleBench> => {
  const { bundles, remove } = await bundleFunctions();
  try {
    const before = loadavg()[0] as number;
    const figures = bundles.map((bundle) => ({
      role: bundle.role,
      bytes: bundle.bytes,
      parts: bundle.parts,
      loadMs: median(Array.from({ length: LOADS }, () => coldLoadMs(bundle.file))),
    }));
    const targetsMet = figures.every((figure) => figure.bytes <= MAX_BYTES && figure.loadMs <= MAX_LOAD_MS);
    const load = { before, after: loadavg()[0] as number, cores: availableParallelism() };
    return { figures, targetsMet, load };
  } finally {
    remove();
  }
};

const mark = (met: boolean) => (met ? 'met' : 'missed');

export const printBundleBench = (result: BundleBench): void => {
  console.log(
    `\nFunction bundles (esbuild, ESM, minified; cold load: a fresh Node process importing it, median of ${LOADS})`,
  );
  console.log(
    `Load average ${result.load.before.toFixed(1)} before, ${result.load.after.toFixed(1)} after, on ${result.load.cores} cores`,
  );
  console.log(`| function | bundle | ≤ ${MAX_BYTES / 1000} KB | cold load | ≤ ${MAX_LOAD_MS} ms |`);
  console.log('|---|---|---|---|---|');
  for (const figure of result.figures) {
    console.log(
      `| ${figure.role} | ${(figure.bytes / 1000).toFixed(0)} KB | ${mark(figure.bytes <= MAX_BYTES)} | ${figure.loadMs.toFixed(1)} ms | ${mark(figure.loadMs <= MAX_LOAD_MS)} |`,
    );
  }
  console.log(
    `Targets ≤ ${MAX_BYTES / 1000} KB and ≤ ${MAX_LOAD_MS} ms per bundle: ${result.targetsMet ? 'met' : 'MISSED'}`,
  );
  console.log("\nWhat each bundle carries (KB, minified, from esbuild's metafile)");
  console.log(`| function | ${BUNDLE_PARTS.join(' | ')} |`);
  console.log(`|---|${BUNDLE_PARTS.map(() => '---:').join('|')}|`);
  for (const figure of result.figures) {
    const cells = BUNDLE_PARTS.map((part) => (figure.parts[part] / 1000).toFixed(0));
    console.log(`| ${figure.role} | ${cells.join(' | ')} |`);
  }
};

if (import.meta.main) printBundleBench(await runBundleBench());
