/** The CDK entry of the package (`crm-workflows/infra`): the construct to drop into a stack of your own. */
export { CrmWorkflows, type CrmWorkflowsProps } from './crm-workflows.construct.ts';
export { CrmWorkflowsStack } from './crm-workflows-stack.ts';
