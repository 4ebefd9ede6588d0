import { formatPath, type ValidationIssue } from '../../errors/validation-issue.ts';
import type { CustomProperties } from '../../records/builtin-properties.ts';
import { propertyCatalogs } from '../../records/builtin-properties.ts';
import type { EnrollableObjectType, ObjectType } from '../../records/object-types.ts';
import type { PropertyCatalog } from '../../records/property.schema.ts';

/** Segments of a JSON path, as zod reports them: `['actions', 2, 'next']`. */
export type Path = readonly (string | number)[];

/** What every cross-field rule reads (the workflow's object type, every catalog) and where it reports. */
export interface RuleContext {
  readonly objectType: EnrollableObjectType;
  readonly catalogs: Readonly<Record<ObjectType, PropertyCatalog>>;
  readonly issues: ValidationIssue[];
}

/** A fresh context for a workflow (or a criteria) on `objectType`. */
export const createRuleContext = (
  objectType: EnrollableObjectType,
  properties: CustomProperties = {},
): RuleContext => ({ objectType, catalogs: propertyCatalogs(properties), issues: [] });

/** Records one problem at `path`. */
export const report = (context: RuleContext, path: Path, message: string): void => {
  context.issues.push({ path: formatPath(path), message });
};
