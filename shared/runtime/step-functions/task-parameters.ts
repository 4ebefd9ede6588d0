/** What `$$` holds for a Task: the execution and, for a token Task, the token. */
export interface TaskContext {
  readonly Execution: {
    readonly Id: string;
    readonly Name: string;
    readonly StartTime: string;
    readonly Input: unknown;
  };
  readonly State: { readonly Name: string; readonly EnteredTime: string };
  readonly StateMachine: { readonly Id: string };
  readonly Task?: { readonly Token: string };
}

const readReference = (root: unknown, path: string): unknown => {
  let value: unknown = root;
  const rest = path.replace(/^\$\$?/, '');
  if (rest === '') return value;
  for (const part of rest.replace(/^\./, '').split('.')) {
    if (value === null || typeof value !== 'object' || !(part in value)) {
      throw Object.assign(new Error(`The JSONPath ${path} could not be found in the input`), {
        name: 'States.Runtime',
      });
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
};

/**
 * A Task's `Parameters` applied to its input, as Step Functions does for the forms the engine supports: static
 * values, nested objects, and `"key.$"` fields holding a reference path into the input (`$`, `$.a.b`) or the context
 * (`$$.Execution.Id`, `$$.Task.Token`, …). Intrinsic functions are not supported (the compiler writes none).
 */
export const applyParameters = (parameters: unknown, input: unknown, context: TaskContext): unknown => {
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) return parameters;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (key.endsWith('.$')) {
      const path = String(value);
      if (!path.startsWith('$')) {
        throw Object.assign(new Error(`${key}: only reference paths are supported, not ${path}`), {
          name: 'States.Runtime',
        });
      }
      result[key.slice(0, -2)] = path.startsWith('$$')
        ? readReference(context, path)
        : readReference(input, path);
    } else {
      result[key] = applyParameters(value, input, context);
    }
  }
  return result;
};
