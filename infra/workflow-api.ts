import type { RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  CognitoUserPoolsAuthorizer,
  EndpointType,
  type IAuthorizer,
  LambdaIntegration,
  LogGroupLogDestination,
  type Method,
  type MethodOptions,
  RequestValidator,
  ResponseType,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { apiRoutes } from '../functions/api/api-routes.ts';
import { acknowledgeApi } from './nag-acknowledgements.ts';

/** How callers of the HTTP API authenticate: IAM (SigV4) by default, or a Cognito user pool's tokens. */
export type CrmWorkflowsApiAuth =
  | { readonly kind: 'iam' }
  | {
      readonly kind: 'cognito';
      readonly userPool: IUserPool;
      /** OAuth scopes an access token must carry (none: an ID token of the pool is enough). */
      readonly scopes?: readonly string[];
    };

/** The stage's steady rate (requests a second) and burst. */
export interface ApiThrottling {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface WorkflowApiProps {
  readonly handler: IFunction;
  readonly auth: CrmWorkflowsApiAuth;
  readonly throttling: ApiThrottling;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly stageName: string;
  readonly webAclArn?: string;
}

/** The routes that answer anyone (`public: true` in the route table: `/health`, `/openapi.json`). */
export const publicRoutes = () => apiRoutes().filter((route) => route.public);

/** The contract's error body for what API Gateway answers itself (`$context.error.messageString` is quoted). */
const errorTemplate = (code: string) => ({
  'application/json': `{"error":{"code":"${code}","message":$context.error.messageString}}`,
});

/**
 * The HTTP API of api.md on API Gateway (REST, regional): `{proxy+}` (any method) to the API function, whose router
 * answers every route of the route table, 404 and 405 included; IAM or Cognito on every method but the route table's
 * public routes (`GET /health`, `GET /openapi.json`, which the handler answers without a caller too). Stage
 * throttling, JSON access logs and X-Ray tracing. Bodies: API Gateway's hard limit is 10 MB and has no setting;
 * the handler refuses bodies over 1 MiB with the contract's 413 before parsing them.
 */
export class WorkflowApi extends Construct {
  readonly api: RestApi;
  readonly accessLogs: LogGroup;
  readonly publicMethods: readonly Method[];

  constructor(scope: Construct, id: string, props: WorkflowApiProps) {
    super(scope, id);
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.api = new RestApi(this, 'Api', {
      description: 'crm-workflows HTTP API (api.md)',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        throttlingRateLimit: props.throttling.rateLimit,
        throttlingBurstLimit: props.throttling.burstLimit,
        accessLogDestination: new LogGroupLogDestination(this.accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields({
          caller: true,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: true,
        }),
      },
    });
    // The construct's own ApiUrl output says the same.
    this.api.node.tryRemoveChild('Endpoint');
    const validator = new RequestValidator(this, 'Validator', {
      restApi: this.api,
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.addGatewayResponses();

    const authorizer: IAuthorizer | undefined =
      props.auth.kind === 'cognito'
        ? new CognitoUserPoolsAuthorizer(this, 'Authorizer', { cognitoUserPools: [props.auth.userPool] })
        : undefined;
    const authenticated: MethodOptions = {
      requestValidator: validator,
      ...(props.auth.kind === 'cognito'
        ? {
            authorizationType: AuthorizationType.COGNITO,
            authorizer,
            ...(props.auth.scopes ? { authorizationScopes: [...props.auth.scopes] } : {}),
          }
        : { authorizationType: AuthorizationType.IAM }),
    };
    const integration = new LambdaIntegration(props.handler, { proxy: true, allowTestInvoke: false });

    // Added on `{proxy+}`, the method is added to `/` with the same options (the handler's 404 there).
    this.api.root.addProxy({ anyMethod: false }).addMethod('ANY', integration, authenticated);
    this.publicMethods = publicRoutes().map((route) => {
      const resource = this.api.root.resourceForPath(route.path);
      // Any other method on a public path is the handler's 405, behind the authorizer like every other route.
      resource.addMethod('ANY', integration, authenticated);
      return resource.addMethod(route.method, integration, {
        requestValidator: validator,
        authorizationType: AuthorizationType.NONE,
      });
    });

    if (props.webAclArn) {
      new CfnWebACLAssociation(this, 'WebAcl', {
        resourceArn: this.api.deploymentStage.stageArn,
        webAclArn: props.webAclArn,
      });
    }
    acknowledgeApi({
      api: this.api,
      authorization: props.auth.kind,
      webAcl: props.webAclArn !== undefined,
      publicMethods: this.publicMethods,
    });
  }

  /** API Gateway's own refusals in the contract's error shape: a caller it refuses is a 401, as api.md says. */
  private addGatewayResponses(): void {
    const unauthorized = [
      ['MissingToken', ResponseType.MISSING_AUTHENTICATION_TOKEN],
      ['InvalidSignature', ResponseType.INVALID_SIGNATURE],
      ['ExpiredToken', ResponseType.EXPIRED_TOKEN],
      ['AccessDenied', ResponseType.ACCESS_DENIED],
      ['Unauthorized', ResponseType.UNAUTHORIZED],
    ] as const;
    for (const [id, type] of unauthorized) {
      this.api.addGatewayResponse(id, { type, statusCode: '401', templates: errorTemplate('UNAUTHORIZED') });
    }
    this.api.addGatewayResponse('TooLarge', {
      type: ResponseType.REQUEST_TOO_LARGE,
      statusCode: '413',
      templates: errorTemplate('PAYLOAD_TOO_LARGE'),
    });
    this.api.addGatewayResponse('Default5xx', {
      type: ResponseType.DEFAULT_5XX,
      templates: errorTemplate('INTERNAL'),
    });
  }
}
