#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { COMMANDS } from './commands.ts';
import { runCli } from './run-cli.ts';

// exitCode rather than exit(): stdout is a pipe in scripts and CI, and exit() may cut its last lines.
process.exitCode = await runCli(
  process.argv.slice(2),
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readFile: (path) => readFile(path, 'utf8'),
  },
  COMMANDS,
);
