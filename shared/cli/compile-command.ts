import { CompileError } from '../core/compiler/compile-error.ts';
import { compileWorkflow } from '../core/compiler/compile-workflow.ts';
import { type CliCommand, EXIT } from './command.ts';
import { formatIssue } from './format-issue.ts';
import { readWorkflowInput } from './read-workflow-input.ts';

/** Where the Task states point when no `--function-arn` is given: a placeholder to read, not to deploy. */
export const PLACEHOLDER_FUNCTION_ARN =
  'arn:aws:lambda:us-east-1:000000000000:function:crm-workflows-executor';

/** `crm-workflows compile <file.json> [--properties <props.json>] [--function-arn <arn>]` */
export const compileCommand: CliCommand = {
  name: 'compile',
  summary: 'print the Amazon States Language document a workflow compiles to',
  arguments: ['file.json'],
  options: { properties: { type: 'string', short: 'p' }, 'function-arn': { type: 'string', short: 'f' } },
  optionsUsage: '[--properties <props.json>] [--function-arn <arn>]',
  help: [
    'Prints the state machine definition as JSON (exit 0), or each problem as "<path>: <message>" (exit 1).',
    'An unreadable file or invalid JSON exits 2.',
    '',
    'Options:',
    '  -p, --properties <props.json>  custom property definitions by object type (as for validate)',
    `  -f, --function-arn <arn>       the executor function the Task states call (default ${PLACEHOLDER_FUNCTION_ARN})`,
  ],
  run: async (input, io) => {
    const read = await readWorkflowInput(input, io);
    if (typeof read === 'number') return read;
    const { json, properties } = read;
    const arn =
      typeof input.values['function-arn'] === 'string'
        ? input.values['function-arn']
        : PLACEHOLDER_FUNCTION_ARN;
    try {
      io.out(JSON.stringify(compileWorkflow(json, { actionFunctionArn: arn, properties }), null, 2));
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof CompileError)) throw error;
      for (const issue of error.issues) io.out(formatIssue(issue));
      return EXIT.invalid;
    }
  },
};
