import type { CustomProperties } from '../domain/builtin-properties.ts';
import { validateWorkflow } from '../workflow/validate-workflow.ts';
import { type CliCommand, EXIT } from './command.ts';
import { formatIssue } from './format-issue.ts';
import { loadProperties } from './load-properties.ts';
import { readJsonFile } from './read-json-file.ts';

/** `crm-workflows validate <file.json> [--properties <props.json>]` */
export const validateCommand: CliCommand = {
  name: 'validate',
  summary: 'check a workflow definition: its shape and every rule of the contract',
  arguments: ['file.json'],
  options: { properties: { type: 'string', short: 'p' } },
  optionsUsage: '[--properties <props.json>]',
  help: [
    'Prints "valid" (exit 0), or each problem as "<path>: <message>" (exit 1).',
    'An unreadable file or invalid JSON exits 2.',
    '',
    'Options:',
    '  -p, --properties <props.json>  custom property definitions by object type, added to the built-ins:',
    '                                 { "contacts": [ { "name": "plan", "type": "enumeration", "options": ["free", "pro"] } ] }',
  ],
  run: async ({ positionals, values }, io) => {
    const [file] = positionals;
    let properties: CustomProperties = {};
    if (typeof values.properties === 'string') {
      const loaded = await loadProperties(values.properties, io);
      if (typeof loaded === 'number') return loaded;
      properties = loaded;
    }
    const workflow = await readJsonFile(file!, io);
    if (!workflow.ok) {
      io.err(workflow.message);
      return EXIT.usage;
    }
    const result = validateWorkflow(workflow.json, { properties });
    if (result.ok) {
      io.out('valid');
      return EXIT.ok;
    }
    for (const issue of result.errors) io.out(formatIssue(issue));
    return EXIT.invalid;
  },
};
