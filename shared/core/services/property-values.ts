import { DateTime } from 'luxon';
import type { ValidationIssue } from '../errors/validation-issue.ts';
import type { PropertyCatalog, PropertyDefinition } from '../records/property.schema.ts';
import type { Properties, PropertyValue } from '../records/record.schema.ts';

/** The longest text a string property holds. */
export const MAX_TEXT_LENGTH = 65_536;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Whether `value` is a date (`YYYY-MM-DD`, a real calendar day) or a datetime (RFC 3339 with its offset).
 * One small function so that core/time's `normalizeDateValue` can replace it.
 */
export const checkDateValue = (type: 'date' | 'datetime', value: string): string | undefined => {
  const pattern = type === 'date' ? DATE : DATETIME;
  const valid = pattern.test(value) && DateTime.fromISO(value, { setZone: true }).isValid;
  if (valid) return undefined;
  return type === 'date'
    ? 'must be a date written YYYY-MM-DD'
    : 'must be a date and time in RFC 3339 with its offset, such as 2026-03-01T09:30:00Z';
};

/** What is wrong with one value of a property, or undefined. `null` (clearing) always fits. */
const valueProblem = (definition: PropertyDefinition, value: PropertyValue): string | undefined => {
  if (value === null) return undefined;
  switch (definition.type) {
    case 'string':
      if (typeof value !== 'string') return 'must be text';
      return value.length > MAX_TEXT_LENGTH ? `must be at most ${MAX_TEXT_LENGTH} characters` : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'enumeration':
      return typeof value === 'string' && definition.options?.includes(value)
        ? undefined
        : `must be one of ${(definition.options ?? []).join(', ')}`;
    case 'date':
    case 'datetime':
      return typeof value === 'string' ? checkDateValue(definition.type, value) : 'must be text';
  }
};

/**
 * Problems of record properties against the type's catalogue, each at `properties.<name>`: unknown properties,
 * read-only ones (`createdate`, `lastmodifieddate` are the server's) and values that do not fit their type.
 */
export const propertyIssues = (catalog: PropertyCatalog, properties: unknown): ValidationIssue[] => {
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    return [{ path: 'properties', message: 'must be an object of property values' }];
  }
  const issues: ValidationIssue[] = [];
  for (const [name, value] of Object.entries(properties as Record<string, unknown>)) {
    const path = `properties.${name}`;
    const definition = catalog.get(name);
    if (!definition) issues.push({ path, message: `unknown property "${name}"` });
    else if (definition.readOnly)
      issues.push({ path, message: `"${name}" is read-only: the server sets it` });
    else if (!['string', 'number', 'boolean'].includes(typeof value) && value !== null) {
      issues.push({ path, message: 'must be text, a number, true, false or null' });
    } else {
      const problem = valueProblem(definition, value as PropertyValue);
      if (problem) issues.push({ path, message: problem });
    }
  }
  return issues;
};

/** `current` with `changes` applied: `null` clears a property. */
export const applyProperties = (current: Properties, changes: Properties): Properties => {
  const next: Properties = { ...current };
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete next[name];
    else next[name] = value;
  }
  return next;
};
