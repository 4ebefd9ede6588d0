/**
 * What a deployed function's environment holds (the CDK construct sets it), enough for its module to load: no AWS
 * call is made at load, and the credentials are placeholders (every client is mocked or never sends).
 */
export const DEPLOYMENT_ENVIRONMENT = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  TABLE_NAME: 'crm-workflows',
  EVENT_BUS_NAME: 'crm-workflows',
  ACTION_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:crm-executor',
  STATES_ROLE_ARN: 'arn:aws:iam::123456789012:role/crm-states',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/crm-ingest',
  POWERTOOLS_SERVICE_NAME: 'crm-workflows',
} as const;
