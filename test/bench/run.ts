/**
 * `npm run bench`: the figures of the filter engine, the compiler, the API, enrollment, executions, parked waits and
 * the functions' bundles, in one run. Exits non-zero when a target is missed (or a loaded API request failed, an
 * execution did not finish, or a parked-waits invariant broke), so a
 * regression is seen; tests never time anything.
 */
import { printApiBench, runApiBench } from './api.bench.ts';
import { printBundleBench, runBundleBench } from './bundles.bench.ts';
import { printCompilerBench, runCompilerBench } from './compiler.bench.ts';
import { printEnrollmentBench, runEnrollmentBench } from './enrollment.bench.ts';
import { printExecutionBench, runExecutionBench } from './execution.bench.ts';
import { formatFilterBench, runFilterBench } from './filters.bench.ts';
import { printParkedWaitsBench, runParkedWaitsBench } from './parked-waits.bench.ts';

console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
const filters = await runFilterBench();
console.log(formatFilterBench(filters));
const compiler = await runCompilerBench();
printCompilerBench(compiler);
const api = await runApiBench();
printApiBench(api);
const enrollment = await runEnrollmentBench();
printEnrollmentBench(enrollment);
const execution = await runExecutionBench();
printExecutionBench(execution);
const parked = await runParkedWaitsBench();
printParkedWaitsBench(parked);
const bundles = await runBundleBench();
printBundleBench(bundles);
if (!filters.targetsMet || !compiler.targetsMet || !bundles.targetsMet) {
  console.error('\nA benchmark target was missed.');
  process.exitCode = 1;
}
if (Object.values(parked.violations).some((count) => count > 0)) {
  console.error('\nA parked-waits invariant broke.');
  process.exitCode = 1;
}
if (!api.clean) {
  console.error('\nA loaded API request failed: its figures measured errors.');
  process.exitCode = 1;
}
if (!execution.complete) {
  console.error(
    '\nAn execution did not run every action after the clock move: its figures measured missing work.',
  );
  process.exitCode = 1;
}
