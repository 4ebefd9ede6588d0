import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  type IDestination,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  CREATE_REQUIRE_BANNER,
  FUNCTION_BUNDLE_EXTERNALS,
  functionBundleAliases,
} from './function-bundling.ts';
import {
  acknowledgeFunctionRole,
  acknowledgeNoDeadLetterConfig,
  type Invocation,
} from './nag-acknowledgements.ts';
import { esbuildIsInstalled, handlerEntry, packageRoot } from './package-files.ts';

/** The functions' log level (Powertools' `POWERTOOLS_LOG_LEVEL`, and Lambda's application log filter). */
export type FunctionLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export { CREATE_REQUIRE_BANNER } from './function-bundling.ts';

/** What every function of the deployment shares. */
export interface FunctionDefaults {
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly logLevel: FunctionLogLevel;
}

/** One Lambda function of the deployment. */
export interface WorkflowFunctionProps {
  /** The handler's directory under `functions/`. */
  readonly handler: string;
  /** How it is invoked: where its failures go. */
  readonly invocation: Invocation;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  readonly defaults: FunctionDefaults;
  readonly reservedConcurrentExecutions?: number;
  /** A fixed name, when the function must know its own ARN before it exists (the executor). */
  readonly functionName?: string;
  /** Asynchronous invocations (EventBridge targets, schedules): where they land once retries are spent. */
  readonly asynchronous?: {
    readonly onFailure: IDestination;
    readonly retryAttempts: number;
    readonly maxEventAge: Duration;
  };
}

/**
 * A handler of `functions/` as a Lambda function: Node.js 24 on arm64, bundled by esbuild on this machine (ESM,
 * minified, source maps, the `createRequire` banner, `function-bundling.ts`'s externals and aliases), X-Ray active, its own role and its own log group (so no
 * managed policy and no log group without retention).
 */
export class WorkflowFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: WorkflowFunctionProps) {
    super(scope, id);
    if (Stack.of(this).bundlingRequired && !esbuildIsInstalled()) {
      throw new Error(
        'crm-workflows bundles its functions with esbuild on this machine: add `esbuild` to your devDependencies',
      );
    }
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.defaults.logRetention,
      removalPolicy: props.defaults.removalPolicy,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `crm-workflows ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);
    this.function = new NodejsFunction(this, 'Function', {
      entry: handlerEntry(props.handler),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[props.defaults.logLevel],
      systemLogLevelV2: SystemLogLevel.INFO,
      ...(props.functionName ? { functionName: props.functionName } : {}),
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      ...(props.asynchronous ?? {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'crm-workflows',
        POWERTOOLS_LOG_LEVEL: props.defaults.logLevel,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        banner: CREATE_REQUIRE_BANNER,
        // The SDK is bundled too: the versions of package-lock.json, not the ones the runtime happens to carry; only
        // the credential providers a Lambda function never loads are left out.
        externalModules: [...FUNCTION_BUNDLE_EXTERNALS],
        esbuildArgs: Object.fromEntries(
          Object.entries(functionBundleAliases(packageRoot())).map(([name, path]) => [
            `--alias:${name}`,
            path,
          ]),
        ),
        logLevel: LogLevel.WARNING,
        forceDockerBundling: false,
      },
    });
    acknowledgeFunctionRole(this.role, props.invocation);
    acknowledgeNoDeadLetterConfig(this.function, props.invocation);
  }
}

/** Durations the functions are given, named for what bounds them. */
export const FUNCTION_TIMEOUTS = {
  /** API Gateway's integration timeout. */
  api: Duration.seconds(29),
  /** Runs end before the next minute's schedule starts another one. */
  scheduled: Duration.seconds(60),
  /** A webhook may take 3 s to connect and 30 s to answer. */
  executor: Duration.seconds(60),
  eventTarget: Duration.seconds(60),
} as const;
