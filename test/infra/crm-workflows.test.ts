import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterEach, describe, expect, it } from 'vitest';
import { CrmWorkflowsStack } from '../../infra/crm-workflows-stack.ts';

const outdirs: string[] = [];
afterEach(() => {
  for (const outdir of outdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
});

/** Synthesizes an app with the AWS Solutions checks; returns the findings of the validation report. */
const synthWithNag = (build: (app: App) => Stack): { stack: Stack; findings: unknown[]; error?: Error } => {
  const outdir = mkdtempSync(join(tmpdir(), 'crm-workflows-cdk-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const stack = build(app);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  let error: Error | undefined;
  try {
    app.synth();
  } catch (caught) {
    error = caught as Error;
  }
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations?: unknown[] }[];
  };
  const findings = report.pluginReports.flatMap((plugin) => plugin.violations ?? []);
  return { stack, findings, ...(error ? { error } : {}) };
};

describe('CrmWorkflowsStack', () => {
  it('creates the deployment event bus, named crm-workflows by default', () => {
    const stack = new CrmWorkflowsStack(new App(), 'CrmWorkflows');
    Template.fromStack(stack).hasResourceProperties('AWS::Events::EventBus', { Name: 'crm-workflows' });
  });

  it('names the bus as the team asks', () => {
    const stack = new CrmWorkflowsStack(new App(), 'CrmWorkflows', { workflows: { busName: 'sales-crm' } });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::EventBus', { Name: 'sales-crm' });
  });

  it('passes the AWS Solutions checks of cdk-nag with no finding', () => {
    const result = synthWithNag((app) => new CrmWorkflowsStack(app, 'CrmWorkflows'));
    expect(result.error).toBeUndefined();
    expect(result.findings).toEqual([]);
  });

  it('would fail on a finding: the checks are live', () => {
    const result = synthWithNag((app) => {
      const stack = new Stack(app, 'Careless');
      new Queue(stack, 'Plain');
      return stack;
    });
    expect(result.error).toBeDefined();
    expect(result.findings).toContainEqual(expect.objectContaining({ ruleName: 'AwsSolutions-SQS4' }));
  });
});
