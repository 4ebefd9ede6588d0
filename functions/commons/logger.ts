import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';

/** The functions' one logger: JSON lines with the service name, the Lambda context and the correlation id. */
export const logger = new Logger({ serviceName: 'crm-workflows', correlationIdSearchFn: search });
