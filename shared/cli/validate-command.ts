import { validateWorkflow } from '../core/workflow/validate-workflow.ts';
import { type CliCommand, EXIT } from './command.ts';
import { formatIssue } from './format-issue.ts';
import { readWorkflowInput } from './read-workflow-input.ts';

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
  run: async (input, io) => {
    const read = await readWorkflowInput(input, io);
    if (typeof read === 'number') return read;
    const { json, properties } = read;
    const result = validateWorkflow(json, { properties });
    if (result.ok) {
      io.out('valid');
      return EXIT.ok;
    }
    for (const issue of result.errors) io.out(formatIssue(issue));
    return EXIT.invalid;
  },
};
