import type { ValidationIssue } from '../errors/validation-issue.ts';
import type { CustomProperties } from '../records/builtin-properties.ts';
import { CustomPropertiesSchema } from './validate-properties.ts';
import { checkActionGraph } from './validation/action-graph-rules.ts';
import { checkAction } from './validation/action-rules.ts';
import { checkFilter, checkFilterGroups } from './validation/filter-rules.ts';
import { limitIssues } from './validation/limit-issues.ts';
import { lookupProperty, requireType } from './validation/property-lookup.ts';
import { createRuleContext, type RuleContext, report } from './validation/rule-context.ts';
import { checkSettings } from './validation/settings-rules.ts';
import { issuesFromZod, zodErrorMap } from './validation/zod-issues.ts';
import { type WorkflowDefinition, WorkflowDefinitionSchema } from './workflow.schema.ts';

export interface ValidateWorkflowOptions {
  /** Custom property definitions by object type, added to the built-ins. */
  readonly properties?: CustomProperties;
}

export type WorkflowValidation =
  | { readonly ok: true; readonly workflow: WorkflowDefinition }
  | { readonly ok: false; readonly errors: ValidationIssue[] };

const checkEnrollment = (context: RuleContext, workflow: WorkflowDefinition) => {
  // Manual workflows keep their criteria (ignored when enrolling): checked all the same, since switching the
  // trigger back to "criteria" must not bring an invalid criteria to life.
  checkFilterGroups(context, workflow.enrollment.criteria, ['enrollment', 'criteria']);
  const { enabled, triggers } = workflow.enrollment.reenrollment;
  // A manual workflow re-enrolls on request: "enabled" alone says whether a record may be enrolled again.
  if (workflow.enrollment.trigger === 'criteria' && enabled && triggers.length === 0) {
    report(context, ['enrollment', 'reenrollment', 'triggers'], 're-enrollment needs at least one trigger');
  }
  triggers.forEach((trigger, index) => {
    checkFilter(context, trigger, ['enrollment', 'reenrollment', 'triggers', index]);
  });
};

const checkAnchor = (context: RuleContext, workflow: WorkflowDefinition) => {
  if (workflow.anchor?.type !== 'dateProperty') return;
  const path = ['anchor', 'property'];
  const definition = lookupProperty(context, context.objectType, workflow.anchor.property, path);
  if (definition) requireType(context, definition, ['date', 'datetime'], path, 'an anchor');
};

const prefixed = (issue: ValidationIssue): ValidationIssue => ({
  path: issue.path === '' ? 'properties' : `properties.${issue.path}`,
  message: issue.message,
});

/** The custom property definitions (none when absent), or their problems with paths under `properties`. */
const parseProperties = (
  properties: unknown,
):
  | { readonly ok: true; readonly properties: CustomProperties }
  | { readonly ok: false; readonly issues: ValidationIssue[] } => {
  if (properties === undefined || properties === null) return { ok: true, properties: {} };
  const parsed = CustomPropertiesSchema.safeParse(properties, { error: zodErrorMap, reportInput: true });
  if (parsed.success) return { ok: true, properties: parsed.data as CustomProperties };
  return { ok: false, issues: issuesFromZod(parsed.error.issues, 'the property definitions').map(prefixed) };
};

/** The rules across fields, on a workflow whose shape is valid. */
const checkRules = (context: RuleContext, workflow: WorkflowDefinition) => {
  checkEnrollment(context, workflow);
  checkActionGraph(context, workflow.startActionId, workflow.actions);
  workflow.actions.forEach((action, index) => {
    checkAction(context, action, index, workflow.anchor);
  });
  checkAnchor(context, workflow);
  if (workflow.goal) {
    checkFilterGroups(
      context,
      workflow.goal.criteria,
      ['goal', 'criteria'],
      'a goal needs criteria (at least one filter group); leave "goal" out for no goal',
    );
  }
  checkSettings(context, workflow.settings);
  checkFilterGroups(context, workflow.settings.unenrollmentCriteria, ['settings', 'unenrollmentCriteria']);
};

/**
 * Validates a workflow definition (workflow.md): its shape, then — once the shape holds — every rule across
 * fields, against the built-in and custom property definitions (checked too, their paths under `properties`).
 * Each error names its JSON path. Never throws.
 * @example validateWorkflow(JSON.parse(body)) // { ok: false, errors: [{ path: 'actions[2].next', message: … }] }
 */
export const validateWorkflow = (
  json: unknown,
  options?: ValidateWorkflowOptions | null,
): WorkflowValidation => {
  const parsed = WorkflowDefinitionSchema.safeParse(json, { error: zodErrorMap, reportInput: true });
  const properties = parseProperties(options?.properties);
  const shapeIssues = parsed.success ? [] : issuesFromZod(parsed.error.issues, 'a workflow');
  const propertyIssues = properties.ok ? [] : properties.issues;
  // Rules read the property catalogs: against broken definitions they would only report their consequences.
  if (!parsed.success || !properties.ok)
    return { ok: false, errors: limitIssues([...shapeIssues, ...propertyIssues]) };
  const context = createRuleContext(parsed.data.objectType, properties.properties);
  checkRules(context, parsed.data);
  return context.issues.length === 0
    ? { ok: true, workflow: parsed.data }
    : { ok: false, errors: limitIssues(context.issues) };
};
