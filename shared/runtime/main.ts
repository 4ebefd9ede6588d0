#!/usr/bin/env node
import { RuntimeConfigError, readRuntimeConfig } from './config.ts';
import { startRuntime } from './start-runtime.ts';

/** `npm start`: the whole system on this machine (local.md), until SIGINT or SIGTERM. */
const main = async (): Promise<void> => {
  let config: ReturnType<typeof readRuntimeConfig>;
  try {
    config = readRuntimeConfig(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const runtime = await startRuntime(config);
  const lines = [
    `crm-workflows is running at ${runtime.url}`,
    `  API token: ${runtime.token}${config.tokenGenerated ? '   (generated: set WORKFLOWS_API_TOKEN to choose it)' : ''}`,
    `  data: ${config.dataDir}   clock: ${runtime.clock.kind} (${runtime.clock.now().toISOString()})`,
    ...(runtime.recovered > 0
      ? [`  completed ${runtime.recovered} record change(s) a previous run left pending`]
      : []),
    `  try: curl -H "Authorization: Bearer ${runtime.token}" ${runtime.url}/templates`,
    `  the API: ${runtime.url}/openapi.json`,
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: finishing the requests in flight, then stopping`);
    runtime.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
};

main().catch((error: unknown) => {
  if (error instanceof RuntimeConfigError) {
    // Bad configuration (a data directory another instance is using): its message alone, as for a wrong variable.
    console.error(error.message);
    process.exit(2);
  }
  console.error('crm-workflows could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
