import { workflowSystemFromEnvironment } from '../commons/workflow-system.aws.ts';
import { createApiHandler } from './api-handler.ts';

const { services } = workflowSystemFromEnvironment();

/** The API's Lambda behind API Gateway, whose IAM (or Cognito) authorizer has already checked the caller. */
export const handler = createApiHandler({ services, auth: { kind: 'gateway' } });
