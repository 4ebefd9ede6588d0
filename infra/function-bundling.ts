import { join } from 'node:path';

/**
 * ESM bundles need `require` for the CommonJS modules they inline (the AWS SDK's, among others): the banner
 * defines it from `import.meta.url`.
 */
export const CREATE_REQUIRE_BANNER =
  "import { createRequire as crmWorkflowsCreateRequire } from 'node:module'; const require = crmWorkflowsCreateRequire(import.meta.url);";

/**
 * Left out of the bundles: the SDK's credential providers other than the environment's, which the default chain
 * imports dynamically only when the environment holds no credentials. A Lambda function's environment always holds
 * them (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), so these are never loaded there; were
 * one asked for, it would resolve to the runtime's own AWS SDK v3 (the Node.js runtimes search `NODE_PATH`, where
 * it lives, for ES modules too). They weigh about 130 KB of each bundle (their STS, SSO and OIDC clients).
 */
export const FUNCTION_BUNDLE_EXTERNALS: readonly string[] = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@smithy/credential-provider-imds',
];

/** The Node built-ins whose ES module facade is costly to build: reading `node:http`'s exports loads undici. */
const COMMONJS_BUILTINS = ['http', 'https', 'http2'] as const;

/**
 * esbuild aliases sending `http`, `https` and `http2` (with or without `node:`) to `functions/commons/builtins/`,
 * which hand over the built-in through `process.getBuiltinModule`: an ES module import of `node:http` has Node build
 * its facade, whose exports' getters load undici (about 50 ms of a cold start on Node 24).
 */
export const functionBundleAliases = (packageRoot: string): Record<string, string> =>
  Object.fromEntries(
    COMMONJS_BUILTINS.flatMap((name) => {
      const shim = join(packageRoot, 'functions', 'commons', 'builtins', `${name}.cjs`);
      return [
        [name, shim],
        [`node:${name}`, shim],
      ];
    }),
  );
