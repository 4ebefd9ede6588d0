import { parseArgs } from 'node:util';
import { closestNames, quoteList } from '../core/workflow/validation/suggest.ts';
import { type CliCommand, type CliIo, EXIT, type ExitCode, usageLine } from './command.ts';

const PROGRAM = 'crm-workflows';

/** The general usage: every command with its summary. */
const usage = (commands: readonly CliCommand[]): string[] => {
  const lines = commands.map((command) => [usageLine(command), command.summary] as const);
  const width = Math.max(...lines.map(([line]) => line.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...lines.map(([line, summary]) => `  ${line.padEnd(width)}  ${summary}`),
    '',
    `Run "${PROGRAM} <command> --help" for a command's options.`,
  ];
};

const commandHelp = (command: CliCommand): string[] => [
  `Usage: ${PROGRAM} ${usageLine(command)}`,
  '',
  `${command.summary[0]?.toUpperCase()}${command.summary.slice(1)}.`,
  ...command.help,
];

const usageError = (io: CliIo, message: string, help: readonly string[]): ExitCode => {
  io.err(`${PROGRAM}: ${message}`);
  for (const line of help) io.err(line);
  return EXIT.usage;
};

/** What a usage error shows under its message: the command's usage line and where to read more. */
const briefHelp = (command: CliCommand): string[] => [
  `Usage: ${PROGRAM} ${usageLine(command)}`,
  `Run "${PROGRAM} ${command.name} --help" for details.`,
];

const runCommand = async (command: CliCommand, args: readonly string[], io: CliIo): Promise<ExitCode> => {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return usageError(io, error instanceof Error ? error.message : String(error), briefHelp(command));
  }
  if (parsed.values.help) {
    for (const line of commandHelp(command)) io.out(line);
    return EXIT.ok;
  }
  const expected = command.arguments.length;
  if (parsed.positionals.length !== expected) {
    const problem =
      parsed.positionals.length < expected
        ? `missing <${command.arguments[parsed.positionals.length]}>`
        : `unexpected argument "${parsed.positionals[expected]}"`;
    return usageError(io, problem, briefHelp(command));
  }
  return command.run({ positionals: parsed.positionals, values: parsed.values }, io);
};

/**
 * Runs `crm-workflows` on its arguments (without `node` and the script) and returns the exit code.
 * @example await runCli(['validate', 'wf.json'], io, COMMANDS) // 0 and "valid", or 1 and one line per problem
 */
export const runCli = async (
  argv: readonly string[],
  io: CliIo,
  commands: readonly CliCommand[],
): Promise<ExitCode> => {
  const [name, ...rest] = argv;
  if (name === undefined) {
    for (const line of usage(commands)) io.err(line);
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    for (const line of usage(commands)) io.out(line);
    return EXIT.ok;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    const close = closestNames(
      name,
      commands.map((candidate) => candidate.name),
    );
    const hint = close.length > 0 ? ` — did you mean ${quoteList(close)}?` : '';
    return usageError(io, `unknown command "${name}"${hint}`, ['', ...usage(commands)]);
  }
  try {
    return await runCommand(command, rest, io);
  } catch (error) {
    // A bug, not a bad input: say so plainly, with the stack for the report.
    io.err(
      `${PROGRAM}: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return EXIT.internal;
  }
};
