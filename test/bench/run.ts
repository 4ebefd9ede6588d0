/**
 * `npm run bench`: the figures of the filter engine and of the compiler, in one run.
 * Exits non-zero when a target is missed, so a regression is seen; tests never time anything.
 */
import { printCompilerBench, runCompilerBench } from './compiler.bench.ts';
import { formatFilterBench, runFilterBench } from './filters.bench.ts';

console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
const filters = await runFilterBench();
console.log(formatFilterBench(filters));
const compiler = await runCompilerBench();
printCompilerBench(compiler);
if (!filters.targetsMet || !compiler.targetsMet) {
  console.error('\nA benchmark target was missed.');
  process.exitCode = 1;
}
