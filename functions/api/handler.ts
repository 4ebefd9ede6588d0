import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { countWorkflowEvents, instrumented } from '../commons/observability.ts';
import { workflowSystemFromEnvironment } from '../commons/workflow-system.aws.ts';
import { createApiHandler } from './api-handler.ts';

const { services } = workflowSystemFromEnvironment(process.env, {}, { onEvents: countWorkflowEvents });
const api = createApiHandler({ services, auth: { kind: 'gateway' } });

/** The API's Lambda behind API Gateway, whose IAM (or Cognito) authorizer has already checked the caller. */
export const handler = instrumented((event: APIGatewayProxyEvent, context: Context) => api(event, context));
