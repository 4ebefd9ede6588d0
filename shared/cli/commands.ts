import type { CliCommand } from './command.ts';
import { compileCommand } from './compile-command.ts';
import { validateCommand } from './validate-command.ts';

/**
 * The commands of `crm-workflows`, in the order usage lists them. Adding one (`compile <file.json>`) means
 * writing a CliCommand in its own file and listing it here; runCli does the parsing, help and exit codes.
 */
export const COMMANDS: readonly CliCommand[] = [validateCommand, compileCommand];
