import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** CDK's context key listing the stacks whose assets are bundled: none skips esbuild (a stub asset instead). */
export const BUNDLING_STACKS = 'aws:cdk:bundling-stacks';

/**
 * A fast app for Template assertions: no bundling (the assets are stubs) and no built-in CloudFormation
 * validation (the cdk-nag tests and the bundling test keep both).
 */
export const templateApp = (): App =>
  new App({ builtinCloudFormationValidation: false, context: { [BUNDLING_STACKS]: [] } });

/** The logical id of an L2 construct's CloudFormation resource in its stack. */
export const logicalIdOf = (construct: IConstruct): string =>
  Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

/** An IAM policy statement as the template renders it. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, unknown>;
  readonly Sid?: string;
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The actions of a statement, always as a list. */
export const actionsOf = (statement: Statement): string[] => asList(statement.Action);

/** The resources of a statement, always as a list. */
export const resourcesOf = (statement: Statement): unknown[] => asList(statement.Resource);

/** Every statement of the inline policies attached to the role. */
export const statementsOfRole = (template: Template, roleLogicalId: string): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) =>
      (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleLogicalId),
    )
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);

/** Every statement of every inline policy of the template. */
export const allStatements = (template: Template): Statement[] =>
  Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );

/** A resource as JSON text, to find the literal parts of ARNs built with Fn::Join. */
export const text = (value: unknown): string => JSON.stringify(value);

/** What a synth with the AWS Solutions and Serverless packs of cdk-nag found. */
export interface NagResult {
  readonly findings: readonly { readonly ruleName: string }[];
  readonly error?: Error;
  readonly outdir: string;
}

/**
 * Synthesizes the app into a temporary directory with both cdk-nag packs, as `npm run synth` does; returns the
 * findings of the validation report. The caller removes `outdir`.
 */
export const synthWithNag = (app: App): NagResult => {
  const outdir = app.outdir;
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  let error: Error | undefined;
  try {
    app.synth();
  } catch (caught) {
    error = caught as Error;
  }
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations?: { ruleName: string }[] }[];
  };
  const findings = report.pluginReports.flatMap((plugin) => plugin.violations ?? []);
  return { findings, outdir, ...(error ? { error } : {}) };
};

/** A temporary output directory for an app, and its removal. */
export const temporaryOutdir = () => {
  const outdir = mkdtempSync(join(tmpdir(), 'crm-workflows-cdk-'));
  return { outdir, remove: () => rmSync(outdir, { recursive: true, force: true }) };
};

/** The rule ids acknowledged on the construct and its children, with their reasons. */
export const acknowledgementsUnder = (scope: IConstruct): { path: string; id: string; reason: string }[] =>
  scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([key, reason]) => ({
          path: construct.node.path,
          id: key.replace(/^[A-Za-z]+::/, ''),
          reason,
        })),
      ),
  );
