import type { CustomProperties } from '../../domain/builtin-properties.ts';
import { propertyCatalogs } from '../../domain/builtin-properties.ts';
import type { EnrollableObjectType, ObjectType } from '../../domain/object-types.ts';
import type { PropertyCatalog } from '../../domain/property.schema.ts';
import { formatPath, type ValidationIssue } from '../../errors/validation-issue.ts';

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
