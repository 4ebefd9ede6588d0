import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { CrmWorkflowsStack } from './crm-workflows-stack.ts';

// No account or region is read: `cdk synth` runs without AWS credentials.
const app = new App();
new CrmWorkflowsStack(app, 'CrmWorkflows', { description: 'crm-workflows: CRM workflow automation' });
// Every synth is checked: a finding the construct does not acknowledge (with its reason) fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
