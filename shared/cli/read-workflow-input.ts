import type { CustomProperties } from '../core/records/builtin-properties.ts';
import { validateCustomProperties } from '../core/workflow/validate-properties.ts';
import { type CliInput, type CliIo, EXIT, type ExitCode } from './command.ts';
import { formatIssue } from './format-issue.ts';
import { readJsonFile } from './read-json-file.ts';

/** Reads `--properties <props.json>`: the custom property definitions, or the exit code of a bad file. */
const loadProperties = async (path: string, io: CliIo): Promise<CustomProperties | ExitCode> => {
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

/** What `validate` and `compile` read: the workflow file's JSON and the `--properties` file, if named. */
export interface WorkflowInput {
  readonly json: unknown;
  readonly properties: CustomProperties;
}

/** Reads `<file.json>` and `--properties`: their contents, or the exit code after saying what is wrong. */
export const readWorkflowInput = async (input: CliInput, io: CliIo): Promise<WorkflowInput | ExitCode> => {
  let properties: CustomProperties = {};
  if (typeof input.values.properties === 'string') {
    const loaded = await loadProperties(input.values.properties, io);
    if (typeof loaded === 'number') return loaded;
    properties = loaded;
  }
  const workflow = await readJsonFile(input.positionals[0] as string, io);
  if (!workflow.ok) {
    io.err(workflow.message);
    return EXIT.usage;
  }
  return { json: workflow.json, properties };
};
