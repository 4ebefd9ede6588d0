import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmWorkflowsStack } from '../../infra/crm-workflows-stack.ts';
import { CREATE_REQUIRE_BANNER } from '../../infra/workflow-function.ts';
import { logicalIdOf, type NagResult, synthWithNag, temporaryOutdir } from '../helpers/cdk-template.ts';

/**
 * The synth `npm run synth` makes (infra/app.ts): real esbuild bundles on this machine, the built-in CloudFormation
 * validation and both cdk-nag packs. Once for the whole file: it bundles the seven functions.
 */
const { outdir, remove } = temporaryOutdir();
let stack: CrmWorkflowsStack;
let result: NagResult;
beforeAll(() => {
  const app = new App({ outdir });
  stack = new CrmWorkflowsStack(app, 'CrmWorkflows');
  result = synthWithNag(app);
}, 180_000);
afterAll(() => remove());

const ENVIRONMENT = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  TABLE_NAME: 'crm-workflows',
  EVENT_BUS_NAME: 'crm-workflows',
  ACTION_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:crm-executor',
  STATES_ROLE_ARN: 'arn:aws:iam::123456789012:role/crm-states',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/crm-ingest',
};

/** Loads a bundle in a fresh Node 24 (no network is touched at load) and, for the API, asks it for /health. */
const runBundle = (directory: string, askHealth: boolean) => {
  const script = `
    const { handler } = await import(${JSON.stringify(join(directory, 'index.mjs'))});
    let health;
    if (${askHealth}) {
      const answer = await handler(
        { httpMethod: 'GET', path: '/health', resource: '/health', headers: {}, multiValueHeaders: {},
          queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null,
          stageVariables: null, body: null, isBase64Encoded: false, requestContext: {} },
        { functionName: 'api', awsRequestId: 'request-1', getRemainingTimeInMillis: () => 29000 },
      );
      health = { status: answer.statusCode, body: JSON.parse(answer.body) };
    }
    console.log(JSON.stringify({ handler: typeof handler, health }));
  `;
  const child = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...ENVIRONMENT },
  });
  const lines = child.stdout.trim().split('\n');
  return { status: child.status, stderr: child.stderr, answer: JSON.parse(lines.at(-1) ?? 'null') };
};

describe('npm run synth: bundles, validation and cdk-nag', () => {
  it('synthesizes with no cdk-nag finding and no validation error', () => {
    expect(result.error).toBeUndefined();
    expect(result.findings).toEqual([]);
  });

  it('bundles every function with esbuild here: an ESM file with the createRequire banner, the bundling options and its source map', () => {
    const template = JSON.parse(readFileSync(join(outdir, 'CrmWorkflows.template.json'), 'utf8'));
    const functions = Object.entries(stack.workflows.functions);
    expect(functions).toHaveLength(7);
    for (const [name, fn] of functions) {
      const key: string = template.Resources[logicalIdOf(fn.function)].Properties.Code.S3Key;
      const directory = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
      const bundle = readFileSync(join(directory, 'index.mjs'), 'utf8');
      expect([name, bundle.startsWith(CREATE_REQUIRE_BANNER)]).toEqual([name, true]);
      // infra/function-bundling.ts's aliases and externals: http through getBuiltinModule, no credential providers.
      expect([name, bundle.match(/\bfrom\s*["'](node:)?https?2?["']/g)]).toEqual([name, null]);
      expect([name, bundle.includes('import("@aws-sdk/credential-provider-ini")')]).toEqual([name, true]);
      expect([name, existsSync(join(directory, 'index.mjs.map'))]).toEqual([name, true]);
      const loaded = runBundle(directory, name === 'api');
      expect([name, loaded.status, loaded.answer?.handler]).toEqual([name, 0, 'function']);
      if (name === 'api') expect(loaded.answer.health).toEqual({ status: 200, body: { status: 'ok' } });
    }
  }, 90_000);
});
