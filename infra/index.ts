/** The CDK entry of the package (`crm-workflows/infra`): the construct to drop into a stack of your own. */
export {
  type ApiThrottling,
  type ConcurrencyBoundFunction,
  CrmWorkflows,
  type CrmWorkflowsApiAuth,
  type CrmWorkflowsFunctions,
  type CrmWorkflowsProps,
  type DeadLetterQueues,
  type FunctionLogLevel,
} from './crm-workflows.construct.ts';
export { CrmWorkflowsStack } from './crm-workflows-stack.ts';
export { CRM_WORKFLOWS_METRICS } from './workflow-observability.ts';
