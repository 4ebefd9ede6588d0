import { MAX_EVENT_TIMEOUT_SECONDS, timeoutSeconds } from '../../contract/step-functions-limits.ts';
import { assertUnreachable } from '../../errors/app-error.ts';
import type { ObjectType } from '../../records/object-types.ts';
import type { PropertyDefinition } from '../../records/property.schema.ts';
import { isZeroDuration, parseIsoDuration } from '../../time/iso-duration.ts';
import type { Action, ActionOf, Target } from '../action.schema.ts';
import type { Anchor } from '../workflow.schema.ts';
import { showValue } from './describe-value.ts';
import { checkFilterGroups } from './filter-rules.ts';
import { lookupProperty, requireType, requireWritable } from './property-lookup.ts';
import { valueProblem } from './property-values.ts';
import { type Path, type RuleContext, report } from './rule-context.ts';

/** The object type whose records an action changes (or reads): the enrolled one, or its associated ones. */
const targetType = (context: RuleContext, target: Target | undefined, path: Path): ObjectType | undefined => {
  if (target === undefined || target === 'self') return context.objectType;
  if (target.associated === context.objectType) {
    report(
      context,
      [...path, 'associated'],
      `a ${context.objectType} workflow cannot act on associated ${context.objectType}: use "self", or another object type`,
    );
    return undefined;
  }
  return target.associated;
};

/** The definition of a property the action writes, when it exists on `objectType` and may be written. */
const writable = (
  context: RuleContext,
  objectType: ObjectType,
  name: string,
  path: Path,
): PropertyDefinition | undefined => {
  const definition = lookupProperty(context, objectType, name, path, 'target');
  return definition && requireWritable(context, definition, path) ? definition : undefined;
};

const checkWrittenValue = (
  context: RuleContext,
  definition: PropertyDefinition,
  value: unknown,
  path: Path,
) => {
  const problem = valueProblem(definition, value, 'write');
  if (problem) report(context, path, problem);
};

const checkCopy = (context: RuleContext, action: ActionOf<'copyProperty'>, at: Path) => {
  const sourceType = targetType(context, action.source, [...at, 'source']);
  const destinationType = targetType(context, action.target, [...at, 'target']);
  const from = sourceType && lookupProperty(context, sourceType, action.from, [...at, 'from'], 'target');
  const to = destinationType && writable(context, destinationType, action.to, [...at, 'to']);
  if (!from || !to) return;
  const bothSelf = sourceType === context.objectType && destinationType === context.objectType;
  if (bothSelf && from === to) {
    report(context, [...at, 'to'], `copies "${action.from}" onto itself: name another property in "to"`);
  } else if (to.type !== from.type && to.type !== 'string') {
    report(
      context,
      [...at, 'to'],
      `cannot hold a copy of "${from.name}": "${to.name}" is a ${to.type} property and "${from.name}" a ${from.type} one (copy between properties of the same type, or into a string property)`,
    );
  } else if (to.type === 'enumeration' && from.type === 'enumeration') {
    const missing = (from.options ?? []).filter((option) => !(to.options ?? []).includes(option));
    if (missing.length > 0) {
      report(
        context,
        [...at, 'to'],
        `"${to.name}" lacks options of "${from.name}" that a copy could bring: ${missing.join(', ')}`,
      );
    }
  }
};

const checkValueBranch = (context: RuleContext, action: ActionOf<'valueBranch'>, at: Path) => {
  const definition = lookupProperty(
    context,
    context.objectType,
    action.property,
    [...at, 'property'],
    'none',
  );
  if (!definition) return;
  const seen = new Map<string, number>();
  action.cases.forEach((entry, index) => {
    const path = [...at, 'cases', index, 'value'];
    const problem = valueProblem(definition, entry.value, 'filter');
    if (problem) {
      report(context, path, problem);
      return;
    }
    // Cases compare like `eq`: case-insensitively, so "Lead" and "lead" are the same case.
    const key = typeof entry.value === 'string' ? entry.value.toLowerCase() : String(entry.value);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else
      report(
        context,
        path,
        `${showValue(entry.value)} is already a case (cases[${first}]): this case is never taken`,
      );
  });
};

const checkDelayUntilDate = (context: RuleContext, action: ActionOf<'delayUntilDate'>, at: Path) => {
  if (action.date !== undefined && action.property !== undefined) {
    report(context, at, 'give either "date" or "property", not both');
    return;
  }
  if (action.date === undefined && action.property === undefined) {
    report(context, at, 'needs a "date" ("YYYY-MM-DD") or a "property" holding the record\'s date');
    return;
  }
  if (action.property === undefined) {
    if (action.ifMissing !== undefined) {
      report(context, [...at, 'ifMissing'], 'only applies to a "property" (a fixed "date" is never missing)');
    }
    return;
  }
  const definition = lookupProperty(context, context.objectType, action.property, [...at, 'property']);
  if (definition)
    requireType(context, definition, ['date', 'datetime'], [...at, 'property'], 'a delay until a date');
};

const checkBranch = (context: RuleContext, action: ActionOf<'branch'>, at: Path) => {
  const names = new Map<string, number>();
  action.branches.forEach((branch, index) => {
    const path = [...at, 'branches', index];
    const first = names.get(branch.name);
    if (first === undefined) names.set(branch.name, index);
    else
      report(
        context,
        [...path, 'name'],
        `"${branch.name}" already names branches[${first}]: history tells branches by name`,
      );
    checkFilterGroups(
      context,
      branch.criteria,
      [...path, 'criteria'],
      'a branch needs criteria (at least one filter group); the default path is "defaultNext"',
    );
  });
};

/** Checks one action against the property definitions and the workflow's anchor. */
export const checkAction = (
  context: RuleContext,
  action: Action,
  index: number,
  anchor: Anchor | undefined,
): void => {
  const at: Path = ['actions', index];
  switch (action.type) {
    case 'delay':
    case 'delayUntilDayTime':
    case 'randomSplit':
    case 'sendNotification':
    case 'webhook':
    case 'addToList':
    case 'removeFromList':
    case 'enrollInWorkflow':
    case 'publishEvent':
      return;
    case 'delayUntilDate':
      checkDelayUntilDate(context, action, at);
      return;
    case 'delayUntilAnchor':
      if (!anchor) {
        report(
          context,
          [...at, 'type'],
          'a "delayUntilAnchor" needs the workflow\'s "anchor" (a date-centered workflow): add "anchor", or use "delayUntilDate"',
        );
      }
      return;
    case 'delayUntilEvent': {
      checkFilterGroups(
        context,
        action.criteria,
        [...at, 'criteria'],
        'needs criteria to wait for (at least one filter group)',
      );
      const timeout = parseIsoDuration(action.timeout);
      if (timeout && isZeroDuration(timeout)) report(context, [...at, 'timeout'], 'must be longer than zero');
      // Counted as the state machine counts it: a longer wait could not end within the execution holding it.
      else if (timeout && timeoutSeconds(action.timeout) > MAX_EVENT_TIMEOUT_SECONDS) {
        report(
          context,
          [...at, 'timeout'],
          `must be at most ${MAX_EVENT_TIMEOUT_SECONDS / 86_400} days (an execution lives one year)`,
        );
      }
      return;
    }
    case 'branch':
      checkBranch(context, action, at);
      return;
    case 'valueBranch':
      checkValueBranch(context, action, at);
      return;
    case 'setProperty': {
      const type = targetType(context, action.target, [...at, 'target']);
      const definition = type && writable(context, type, action.property, [...at, 'property']);
      if (definition) checkWrittenValue(context, definition, action.value, [...at, 'value']);
      return;
    }
    case 'clearProperty': {
      const type = targetType(context, action.target, [...at, 'target']);
      if (type) writable(context, type, action.property, [...at, 'property']);
      return;
    }
    case 'incrementProperty': {
      const type = targetType(context, action.target, [...at, 'target']);
      const definition = type && writable(context, type, action.property, [...at, 'property']);
      if (definition) requireType(context, definition, ['number'], [...at, 'property'], 'incrementProperty');
      return;
    }
    case 'copyProperty':
      checkCopy(context, action, at);
      return;
    case 'createRecord':
      for (const [name, value] of Object.entries(action.properties)) {
        const path = [...at, 'properties', name];
        const definition = writable(context, action.objectType, name, path);
        if (definition) checkWrittenValue(context, definition, value, path);
      }
      return;
    case 'createTask':
      if (action.ownerFrom !== undefined) {
        const path = [...at, 'ownerFrom'];
        const definition = lookupProperty(context, context.objectType, action.ownerFrom, path);
        if (definition) requireType(context, definition, ['string'], path, 'an owner id');
      }
      return;
    case 'sendEmail': {
      const path = [...at, 'toProperty'];
      const name = action.toProperty ?? 'email';
      const definition = context.catalogs[context.objectType].get(name);
      if (definition) requireType(context, definition, ['string'], path, 'an email address');
      else if (action.toProperty === undefined) {
        report(
          context,
          path,
          `${context.objectType} have no "email" property: name the property holding the address`,
        );
      } else lookupProperty(context, context.objectType, name, path);
      return;
    }
    case 'rotateOwner': {
      const type = targetType(context, action.target, [...at, 'target']);
      const path = [...at, 'property'];
      const definition = type && writable(context, type, action.property ?? 'ownerId', path);
      if (definition) requireType(context, definition, ['string'], path, 'an owner id');
      return;
    }
    default:
      assertUnreachable(action);
  }
};
