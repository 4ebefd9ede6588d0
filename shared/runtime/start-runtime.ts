import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { apiRoutes } from '../../functions/api/api-routes.ts';
import { createHttpHandler } from '../../functions/api/http/create-http-handler.ts';
import { logger } from '../../functions/commons/logger.ts';
import { toDocumentClient } from '../adapters/dynamodb/index.ts';
import { createDynamoDBOutbox } from '../adapters/dynamodb/outbox.dynamodb.ts';
import { runExecutorTask } from '../adapters/executor-task.ts';
import { createLocalSecretSource } from '../adapters/secrets/secret-source.local.ts';
import { createSfnExecutions } from '../adapters/stepfunctions/executions.sfn.ts';
import { createSfnStateMachines } from '../adapters/stepfunctions/state-machines.sfn.ts';
import { createWebhookSender } from '../adapters/webhook/webhook-sender.ts';
import { createWorkflowSystem } from '../adapters/workflow-system.ts';
import type { TaskRequest } from '../core/contract/task-contract.ts';
import type { ExecutionPorts } from '../core/enrollment/enrollment-effects.ts';
import { ValidationError } from '../core/errors/app-error.ts';
import { createEnrollmentTarget, enrollPort } from '../core/events/enrollment-target.ts';
import { createIngestTarget, type EnrollPort, type EventHandler } from '../core/events/ingest-target.ts';
import { type PageRequest, PageRequestSchema } from '../core/ports/page.ts';
import { LOCAL_ACTION_FUNCTION_ARN } from '../core/services/workflow-service.ts';
import { issuesFromZod } from '../core/workflow/validation/zod-issues.ts';
import type { WorkflowRepository } from '../core/workflow/workflow-repository.ts';
import { type ActivationLoop, startActivationLoop } from './activation-loop.ts';
import { type BackgroundLoop, startBackgroundLoop } from './background-loop.ts';
import { createEmbeddedBus, type EmbeddedBus, type EmbeddedBusOptions } from './bus/embedded-bus.ts';
import { createPutEventsEndpoint } from './bus/put-events-endpoint.ts';
import { type ChangeFeed, startChangeFeed } from './change-feed.ts';
import { type RuntimeConfig, RuntimeConfigError } from './config.ts';
import { startEmbeddedServer } from './embedded-server.ts';
import { LocalDynamoDBLockedError, startLocalDynamoDB } from './local-dynamodb.ts';
import { createQuiescence, type Quiescence } from './quiescence.ts';
import { manualClock, type RuntimeClock, systemClock } from './runtime-clock.ts';
import {
  createDurableStepFunctions,
  type DurableStepFunctions,
  LOCAL_ACCOUNT,
  LOCAL_REGION,
} from './step-functions/durable-step-functions.ts';
import { createExecutionStore } from './step-functions/execution-store.ts';
import { createStepFunctionsEndpoint, isStepFunctionsRequest } from './step-functions/sfn-endpoint.ts';

/** `?limit=&cursor=` of a `/_local/*` list, checked as the API's lists are. */
const pageOf = (query: URLSearchParams): PageRequest => {
  const parsed = PageRequestSchema.safeParse(Object.fromEntries(query));
  if (!parsed.success) throw new ValidationError(issuesFromZod(parsed.error.issues, 'the query'));
  return parsed.data;
};

/** The role the embedded state machines "run as" (checked for shape by the SFN adapter, never assumed). */
export const LOCAL_STATES_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/crm-workflows-states`;

export interface RunningRuntime {
  readonly url: string;
  readonly token: string;
  readonly clock: RuntimeClock;
  /** How many record changes a previous run left pending and this start completed. */
  readonly recovered: number;
  /** The embedded EventBridge: `bus.publish(events)` for the system's own events, `settle()`, the dead letters. */
  readonly bus: EmbeddedBus;
  /** The change feed: `drain()` resolves once every committed change is on the bus. */
  readonly changes: ChangeFeed;
  /** The background continuation of `enrollExisting`: `drain()` resolves once every activation has finished. */
  readonly activations: ActivationLoop;
  /** The embedded Step Functions: executions, their durable timers. */
  readonly stepFunctions: DurableStepFunctions;
  /** The loop that runs due executions (every 250 ms, and at once when one is started or answered). */
  readonly timers: BackgroundLoop;
  /** `settle()` and the manual clock's `moveClock()`, as `/_local/settle` and `/_local/clock` do them. */
  readonly quiescence: Quiescence;
  /**
   * The workflow store the API writes through (a write refreshes enrollment's cache). `POST /workflows/{id}/activate`
   * is how a workflow starts enrolling; its `setStatus` sets a status without publishing anything (tests).
   */
  readonly workflows: WorkflowRepository;
  /** The client of the runtime's table (benches count its requests). */
  readonly dynamodb: DynamoDBClient;
  /** Stops taking requests, answers those in flight, then closes the store: nothing is left half-written. */
  readonly close: () => Promise<void>;
}

/** What other parts plug into the runtime, or replace (tests). */
export interface RuntimeExtensions {
  /** Manual enrollment (`Workflow Enroll`); by default the enrollment service's. */
  readonly enroll?: EnrollPort;
  /** The `enrollment` target (record changes); by default the enrollment service's. */
  readonly enrollment?: EventHandler;
  /** What runs enrollments' actions (default: the embedded Step Functions through `@aws-sdk/client-sfn`). */
  readonly executions?: ExecutionPorts;
  /** Activation's page size and per-step record budget (tests shrink them to see the background continuation). */
  readonly activation?: { readonly pageSize?: number; readonly recordBudget?: number };
  /** Retry settings of the bus (tests shorten them). */
  readonly bus?: Pick<EmbeddedBusOptions, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs' | 'closeGraceMs'>;
}

/** Logs a system fault with the functions' logger (JSON, with the request's correlation id when there is one). */
const logError = (error: unknown): void => logger.error('request failed', error as Error);

/**
 * dynalite on disk in the data directory. One process at a time: LevelDB locks the directory, and a second runtime
 * on it is a RuntimeConfigError naming the directory.
 */
const openDataDirectory = async (dataDir: string) => {
  try {
    return await startLocalDynamoDB({ path: join(dataDir, 'dynamodb') });
  } catch (error) {
    if (!(error instanceof LocalDynamoDBLockedError)) throw error;
    throw new RuntimeConfigError(
      `WORKFLOWS_DATA_DIR: ${resolve(dataDir)} is in use by another running instance (its database ${resolve(error.path)} is locked): stop that instance, or choose another data directory`,
      { cause: error },
    );
  }
};

/**
 * Starts the embedded runtime: dynalite on disk in the data directory (the table created on first start),
 * the record changes a crash left pending completed, the event bus (its queue in the data directory, what a
 * previous run left undelivered delivered), then the API and EventBridge's PutEvents on 127.0.0.1.
 */
export const startRuntime = async (
  config: RuntimeConfig,
  extensions: RuntimeExtensions = {},
): Promise<RunningRuntime> => {
  mkdirSync(config.dataDir, { recursive: true });
  // The database first: its lock says whether the data directory is this runtime's, before anything in it is written
  // (the manual clock saves its instant at once).
  const db = await openDataDirectory(config.dataDir);
  let clock: RuntimeClock;
  try {
    clock =
      config.clock.kind === 'manual'
        ? manualClock(config.dataDir, config.clock.start, () => new Date())
        : systemClock();
  } catch (error) {
    await db.close();
    throw error;
  }
  const documents = toDocumentClient(db.client);
  let bus: EmbeddedBus | undefined;
  /** Stops the background loops once they run: a start that fails later leaves none querying a closed store. */
  let stopLoops: (() => Promise<void>) | undefined;
  let serverUrl: string | undefined;
  try {
    // Step Functions through the same SDK code as on AWS: the client is pointed at this runtime's own server.
    const sfn = new SFNClient({
      region: LOCAL_REGION,
      endpoint: async () => {
        if (!serverUrl) throw new Error('the embedded server is not started');
        return { url: new URL(serverUrl) };
      },
      credentials: { accessKeyId: 'local', secretAccessKey: config.token },
    });
    const publishToBus = async (events: Parameters<EmbeddedBus['publish']>[0]) => {
      if (!bus) throw new Error('the event bus is not started');
      await bus.publish(events);
    };
    const outbox = createDynamoDBOutbox(documents, { tableName: db.tableName, clock });
    const system = createWorkflowSystem({
      client: documents,
      tableName: db.tableName,
      clock,
      newId: randomUUID,
      actionFunctionArn: LOCAL_ACTION_FUNCTION_ARN,
      // The system's events go on the embedded bus (created below, before any event is delivered).
      publish: publishToBus,
      publishActionEvent: (event) => publishToBus([event]),
      stateMachines: createSfnStateMachines({ roleArn: LOCAL_STATES_ROLE_ARN, client: sfn }),
      executions: createSfnExecutions({ client: sfn }),
      outside: {
        mailer: outbox.mailer,
        notifier: outbox.notifier,
        webhooks: createWebhookSender({
          allowLoopbackHttp: true,
          secrets: createLocalSecretSource({ env: process.env, dataDir: config.dataDir }),
        }),
      },
      ...(extensions.executions ? { enrollmentExecutions: extensions.executions } : {}),
      ...(extensions.activation ? { activation: extensions.activation } : {}),
    });
    const { services, completePendingChanges, changeLog, enrollment, workflowRepository, activation } =
      system;
    const stepFunctions = createDurableStepFunctions({
      store: createExecutionStore(documents, db.tableName),
      clock,
      // The executor function, invoked in process as Lambda would invoke it.
      invokeFunction: async (functionArn, payload) => {
        if (functionArn !== LOCAL_ACTION_FUNCTION_ARN) {
          throw Object.assign(new Error(`Function not found: ${functionArn}`), {
            name: 'Lambda.ResourceNotFoundException',
          });
        }
        return runExecutorTask(payload as TaskRequest, system.executorPorts);
      },
      logError,
    });
    const recovered = await completePendingChanges();
    bus = await createEmbeddedBus({
      ...extensions.bus,
      dataDir: config.dataDir,
      clock,
      targets: {
        ingest: createIngestTarget({
          records: services.records,
          enroll: extensions.enroll ?? enrollPort(enrollment),
        }),
        enrollment: extensions.enrollment ?? createEnrollmentTarget(enrollment),
      },
    });
    const events = bus;
    const feed = startChangeFeed({ changeLog, bus: events, logError });
    // Resumes at once what a previous run left unfinished.
    const activations = startActivationLoop({ activation, logError });
    // Due executions (a restart runs at once what was due, or running, when the last run stopped).
    const timers = startBackgroundLoop({
      run: async () => {
        await stepFunctions.fireDue();
      },
      intervalMs: 250,
      logError,
    });
    stopLoops = async () => {
      await timers.close();
      await stepFunctions.idle();
      await activations.close();
      await feed.close();
    };
    const quiescence = createQuiescence({
      clock,
      changes: feed,
      changeLog,
      bus: events,
      engine: stepFunctions,
      activations,
    });
    const routes = apiRoutes();
    const auth = { kind: 'bearer', token: config.token } as const;
    const api = createHttpHandler({ routes, services, auth, logError });
    // A write through the API is published at once; other writers (events) are caught by the feed's interval.
    const handler: typeof api = async (event, context) => {
      const result = await api(event, context);
      if (event.httpMethod !== 'GET') feed.poke();
      if (event.resource === '/workflows/{id}/activate') activations.poke();
      return result;
    };
    const putEvents = createPutEventsEndpoint({ bus: events, token: config.token, logError });
    const stepFunctionsApi = createStepFunctionsEndpoint({
      engine: stepFunctions,
      token: config.token,
      logError,
    });
    const server = await startEmbeddedServer(
      {
        handler,
        routes,
        clock,
        token: config.token,
        awsApi: (request) =>
          isStepFunctionsRequest(request) ? stepFunctionsApi(request) : putEvents(request),
        deadLetters: () => events.deadLetters(),
        outbox: (query) => outbox.list(pageOf(query)),
        settle: () => quiescence.settle(),
        moveClock: (request) => quiescence.moveClock(request),
        logError,
      },
      config.port,
    );
    serverUrl = server.url;
    return {
      url: server.url,
      token: config.token,
      clock,
      recovered,
      bus: events,
      changes: feed,
      activations,
      stepFunctions,
      timers,
      quiescence,
      workflows: workflowRepository,
      dynamodb: db.client,
      close: async () => {
        await server.close();
        // The feed's run in progress ends, deliveries in flight finish (they write through the store), then
        // the store closes.
        await stopLoops?.();
        await events.close();
        await db.close();
      },
    };
  } catch (error) {
    await stopLoops?.();
    await bus?.close();
    await db.close();
    throw error;
  }
};
