import type { ValidationIssue } from '../errors/validation-issue.ts';
import type { PropertyCatalog, PropertyDefinition } from '../records/property.schema.ts';
import type { Properties } from '../records/record.schema.ts';
import { normalizeDateValue } from '../time/date-forms.ts';
import { isDateText, isDateTimeText } from '../time/date-value.ts';
import { describeValue } from '../workflow/validation/describe-value.ts';

/** The longest text a string property holds. */
export const MAX_TEXT_LENGTH = 65_536;

/**
 * The most a record's properties may weigh, as UTF-8 bytes of their JSON. Step (a) of the write protocol puts
 * them in one item up to three times (the record, the pending change's `before` and `after`), with the names of
 * the changed properties and the keys: 3 × 100,000 bytes plus at most one more image of names stays under
 * DynamoDB's 400 KB item limit (docs/storage.md, "Choices").
 */
export const MAX_PROPERTIES_BYTES = 100_000;

/** The problem of properties too heavy to store, at `properties`, or undefined. */
export const propertiesSizeIssue = (properties: Properties): ValidationIssue | undefined => {
  const bytes = new TextEncoder().encode(JSON.stringify(properties)).length;
  return bytes > MAX_PROPERTIES_BYTES
    ? {
        path: 'properties',
        message: `the properties take ${bytes} bytes as JSON; a record holds at most ${MAX_PROPERTIES_BYTES}`,
      }
    : undefined;
};

/**
 * What is wrong with one value of a property, or undefined: what the property's type expects. `null` (clearing)
 * always fits. Any JSON value may come (a request's properties are checked here only): a number too large for a
 * double (`1e400`) arrives as Infinity, which no property holds.
 */
const valueProblem = (definition: PropertyDefinition, value: unknown): string | undefined => {
  if (value === null) return undefined;
  switch (definition.type) {
    case 'string':
      if (typeof value !== 'string') return 'must be text';
      return value.length > MAX_TEXT_LENGTH ? `must be at most ${MAX_TEXT_LENGTH} characters` : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'bool':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'enumeration':
      return typeof value === 'string' && definition.options?.includes(value)
        ? undefined
        : `must be one of ${(definition.options ?? []).join(', ')}`;
    case 'date':
      return isDateText(value) ? undefined : 'must be a date written YYYY-MM-DD that exists';
    case 'datetime':
      return isDateTimeText(value)
        ? undefined
        : 'must be a datetime with its offset, such as 2026-03-01T09:30:00Z or 2026-03-01T10:30+01:00';
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
    else {
      const problem = valueProblem(definition, value);
      // A value of another JSON type than the property's (an object, a list, Infinity) is named too.
      const odd = typeof value === 'object' || (typeof value === 'number' && !Number.isFinite(value));
      if (problem) issues.push({ path, message: odd ? `${problem}, not ${describeValue(value)}` : problem });
    }
  }
  return issues;
};

/**
 * Valid properties as they are stored: dates stay `YYYY-MM-DD`, datetimes become UTC with milliseconds
 * (`2026-03-01T09:30:00.000Z`), so that equal instants are equal values whatever offset was written.
 */
export const canonicalProperties = (catalog: PropertyCatalog, properties: Properties): Properties => {
  const canonical: Properties = {};
  for (const [name, value] of Object.entries(properties)) {
    const type = catalog.get(name)?.type;
    canonical[name] =
      typeof value === 'string' && (type === 'date' || type === 'datetime')
        ? (normalizeDateValue(value) ?? value)
        : value;
  }
  return canonical;
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
