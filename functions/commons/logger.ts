import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The functions' one logger: JSON lines with the service name, the Lambda context and, in the API, the correlation
 * id (API Gateway's request id, set by the API's handler).
 */
export const logger = new Logger({ serviceName: 'crm-workflows' });
