import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CrmWorkflowsStack } from './crm-workflows-stack.ts';

// No account or region is read: `cdk synth` runs without AWS credentials.
const app = new App();
new CrmWorkflowsStack(app, 'CrmWorkflows', { description: 'crm-workflows: CRM workflow automation' });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
