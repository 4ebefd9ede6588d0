#!/usr/bin/env node
import { DemoError } from './demo-client.ts';
import { runDemo } from './run-demo.ts';

/** `npm run demo`: the demo against the instance at WORKFLOWS_URL (default http://127.0.0.1:3000). */
try {
  await runDemo({
    url: process.env.WORKFLOWS_URL || 'http://127.0.0.1:3000',
    token: process.env.WORKFLOWS_API_TOKEN,
    out: (line) => process.stdout.write(`${line}\n`),
  });
} catch (error) {
  if (!(error instanceof DemoError)) throw error;
  process.stderr.write(`demo: ${error.message}\n`);
  // exitCode rather than exit(): stdout may be a pipe, and exit() may cut its last lines.
  process.exitCode = 1;
}
