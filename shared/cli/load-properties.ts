import type { CustomProperties } from '../domain/builtin-properties.ts';
import { validateCustomProperties } from '../workflow/validate-properties.ts';
import { type CliIo, EXIT, type ExitCode } from './command.ts';
import { formatIssue } from './format-issue.ts';
import { readJsonFile } from './read-json-file.ts';

/** Reads `--properties <props.json>`: the custom property definitions, or the exit code of a bad file. */
export const loadProperties = async (path: string, io: CliIo): Promise<CustomProperties | ExitCode> => {
  const file = await readJsonFile(path, io);
  if (!file.ok) {
    io.err(file.message);
    return EXIT.usage;
  }
  const result = validateCustomProperties(file.json);
  if (result.ok) return result.properties;
  io.err(`"${path}" holds invalid property definitions:`);
  for (const issue of result.errors) io.err(`  ${formatIssue(issue)}`);
  return EXIT.usage;
};
