import { expect } from 'vitest';
import type { ValidationIssue } from '../../../shared/core/errors/validation-issue.ts';
import type { CustomProperties } from '../../../shared/core/records/builtin-properties.ts';
import { validateWorkflow } from '../../../shared/core/workflow/validate-workflow.ts';

type Json = Record<string, unknown>;

/** A small valid contacts workflow; `overrides` replace top-level fields. */
export const workflow = (overrides: Json = {}): Json => ({
  name: 'Test workflow',
  objectType: 'contacts',
  enrollment: { trigger: 'criteria' },
  startActionId: 'a1',
  actions: [{ id: 'a1', type: 'delay', duration: 'P1D' }],
  ...overrides,
});

/** A workflow running `actions`, starting at the first. */
export const withActions = (actions: Json[], overrides: Json = {}): Json =>
  workflow({ startActionId: actions[0]?.id ?? null, actions, ...overrides });

/** A workflow whose enrollment criteria is one group of `filters`. */
export const withFilters = (filters: unknown[], overrides: Json = {}): Json =>
  workflow({ enrollment: { trigger: 'criteria', criteria: [{ filters }] }, ...overrides });

/** The errors of a workflow ([] when valid). */
export const errorsOf = (json: unknown, properties?: CustomProperties): ValidationIssue[] => {
  const result = validateWorkflow(json, properties ? { properties } : {});
  return result.ok ? [] : result.errors;
};

/** One expected error: its exact path and a fragment (or pattern) of its message. */
export const issue = (path: string, message: string | RegExp) => ({
  path,
  message: typeof message === 'string' ? expect.stringContaining(message) : expect.stringMatching(message),
});

/** Custom contacts properties, one of each type, for tables over types. */
export const TYPED_PROPERTIES: CustomProperties = {
  contacts: [
    { name: 'p_string', type: 'string' },
    { name: 'p_number', type: 'number' },
    { name: 'p_bool', type: 'bool' },
    { name: 'p_date', type: 'date' },
    { name: 'p_datetime', type: 'datetime' },
    { name: 'p_enumeration', type: 'enumeration', options: ['alpha', 'beta'] },
  ],
};
