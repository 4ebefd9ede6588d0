import type { ParseArgsConfig } from 'node:util';

/** Exit codes of `crm-workflows`: 0 done (valid), 1 the input breaks the contract, 2 the call itself is wrong. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, internal: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Everything a command touches outside itself, so tests run commands in-process. */
export interface CliIo {
  /** One line of the command's result (stdout). */
  readonly out: (line: string) => void;
  /** One line about a failure to do the work (stderr). */
  readonly err: (line: string) => void;
  /** A file's text; rejects with the system error (`ENOENT`, `EISDIR`, …). */
  readonly readFile: (path: string) => Promise<string>;
}

type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** What runCli hands a command once its arguments parsed: exactly `arguments.length` positionals. */
export interface CliInput {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
}

/**
 * One subcommand of `crm-workflows`. runCli parses its arguments (strictly: an unknown option or a missing
 * argument is a usage error), prints its help, and runs it; a new command is one of these, listed in COMMANDS.
 */
export interface CliCommand {
  readonly name: string;
  /** One line for the list of commands. */
  readonly summary: string;
  /** Names of the positional arguments, in order, as usage shows them (`file.json`). */
  readonly arguments: readonly string[];
  /** Options as node:util parseArgs takes them; `--help` is added to every command. */
  readonly options: CliOptions;
  /** How usage shows the options (`[--properties <props.json>]`). */
  readonly optionsUsage: string;
  /** Lines after the usage line in `crm-workflows <command> --help`. */
  readonly help: readonly string[];
  readonly run: (input: CliInput, io: CliIo) => Promise<ExitCode>;
}

/** `validate <file.json> [--properties <props.json>]` */
export const usageLine = (command: CliCommand): string =>
  [command.name, ...command.arguments.map((name) => `<${name}>`), command.optionsUsage]
    .filter(Boolean)
    .join(' ');
