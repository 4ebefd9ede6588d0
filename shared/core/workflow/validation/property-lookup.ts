import { ENROLLABLE_OBJECT_TYPES, type ObjectType } from '../../records/object-types.ts';
import type { PropertyDefinition, PropertyType } from '../../records/property.schema.ts';
import { type Path, type RuleContext, report } from './rule-context.ts';
import { closestNames, quoteList } from './suggest.ts';

/** How a property elsewhere could be reached from where the unknown name was written. */
export type ReachHint = 'filter' | 'target' | 'none';

const elsewhereHint = (
  context: RuleContext,
  objectType: ObjectType,
  name: string,
  reach: ReachHint,
): string => {
  if (reach === 'none') return '';
  const owners = ENROLLABLE_OBJECT_TYPES.filter(
    (type) => type !== objectType && type !== context.objectType && context.catalogs[type].has(name),
  );
  const first = owners[0];
  if (first === undefined) return '';
  const how =
    reach === 'filter'
      ? `"${first}.${name}" filters on associated ${first}`
      : `"target": { "associated": "${first}" } acts on associated ${first}`;
  return ` ("${name}" is a property of ${owners.join(' and ')}: ${how})`;
};

/**
 * The definition of `name` on `objectType`; reports an unknown name at `path`, with close names or,
 * failing those, the object types that do have it.
 */
export const lookupProperty = (
  context: RuleContext,
  objectType: ObjectType,
  name: string,
  path: Path,
  reach: ReachHint = 'none',
): PropertyDefinition | undefined => {
  const catalog = context.catalogs[objectType];
  const definition = catalog.get(name);
  if (definition) return definition;
  const close = closestNames(name, catalog.keys());
  const hint =
    close.length > 0
      ? ` — did you mean ${quoteList(close)}?`
      : elsewhereHint(context, objectType, name, reach);
  report(context, path, `unknown property "${name}" on ${objectType}${hint}`);
  return undefined;
};

/** Reports at `path` when a workflow would write a read-only property; true when it may write it. */
export const requireWritable = (
  context: RuleContext,
  definition: PropertyDefinition,
  path: Path,
): boolean => {
  if (!definition.readOnly) return true;
  report(context, path, `"${definition.name}" is read-only: the CRM sets it, a workflow cannot write it`);
  return false;
};

/** Reports at `path` unless the property has one of `types`; `use` says what needs them. */
export const requireType = (
  context: RuleContext,
  definition: PropertyDefinition,
  types: readonly PropertyType[],
  path: Path,
  use: string,
): boolean => {
  if (types.includes(definition.type)) return true;
  const wanted =
    types.length === 1 ? `a ${types[0]}` : `a ${types.slice(0, -1).join(', ')} or ${types.at(-1)}`;
  report(
    context,
    path,
    `${use} needs ${wanted} property, and "${definition.name}" is a ${definition.type} property`,
  );
  return false;
};
