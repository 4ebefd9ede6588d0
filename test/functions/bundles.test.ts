import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions, FORBIDDEN_IN_BUNDLES, type FunctionBundle } from '../helpers/function-bundles.ts';

let bundles: FunctionBundle[];
let remove: () => void;
beforeAll(async () => {
  ({ bundles, remove } = await bundleFunctions());
}, 120_000);
afterAll(() => remove());

describe("each function's bundle", () => {
  it('bundles every role of the deployment', () => {
    expect(bundles.map((bundle) => bundle.role).sort()).toEqual(
      ['activation', 'api', 'change-publisher', 'enrollment', 'executor', 'ingest', 'resumer'].sort(),
    );
  });

  it('holds only what its handler needs: no CDK, no test code, no dynalite or embedded runtime', () => {
    for (const bundle of bundles) {
      const forbidden = bundle.inputs.filter((input) =>
        FORBIDDEN_IN_BUNDLES.some((pattern) => pattern.test(input)),
      );
      expect({ role: bundle.role, forbidden }).toEqual({ role: bundle.role, forbidden: [] });
    }
  });

  it('leaves out the services a role never calls (the change publisher carries no Step Functions, SES or SNS)', () => {
    const publisher = bundles.find((bundle) => bundle.role === 'change-publisher');
    expect(publisher?.inputs.some((input) => /client-(sfn|sesv2|sns|secrets-manager)\//.test(input))).toBe(
      false,
    );
  });

  it('carries SES, SNS, Secrets Manager and the webhook sender in the executor alone, the one role running actions', () => {
    const outside = /client-(sesv2|sns|secrets-manager)\/|shared\/adapters\/(ses|sns|secrets|webhook)\//;
    const carrying = bundles
      .filter((bundle) => bundle.inputs.some((input) => outside.test(input)))
      .map((bundle) => bundle.role);
    expect(carrying).toEqual(['executor']);
  });

  it("composes the resumer from the table's parked executions and Step Functions only: no services, no executor", () => {
    const resumer = bundles.find((bundle) => bundle.role === 'resumer');
    const composed = resumer?.inputs.filter((input) =>
      /shared\/(core\/(services|executor|enrollment\/enrollment-service|workflow\/validation)|adapters\/workflow-system)/.test(
        input,
      ),
    );
    expect(composed).toEqual([]);
  });

  it("keeps zod's classic API out of the bundles that parse nothing but their environment", () => {
    for (const role of ['change-publisher', 'resumer']) {
      const bundle = bundles.find((candidate) => candidate.role === role);
      const classic = bundle?.inputs.filter((input) => /node_modules\/zod\/v4\/classic\//.test(input));
      expect({ role, classic }).toEqual({ role, classic: [] });
    }
  });

  it('inlines none of the credential providers a Lambda function never loads, and no JMESPath engine', () => {
    for (const bundle of bundles) {
      const inlined = bundle.inputs.filter((input) =>
        /credential-provider-(ini|sso|process|web-identity|http|imds)\/|nested-clients\/|powertools\/jmespath\//.test(
          input,
        ),
      );
      expect({ role: bundle.role, inlined }).toEqual({ role: bundle.role, inlined: [] });
    }
  });

  it('imports no http, https or http2 as an ES module (its facade would load undici at cold start)', () => {
    for (const bundle of bundles) {
      const text = readFileSync(bundle.file, 'utf8');
      const esmImports = text.match(/\bfrom\s*["'](node:)?https?2?["']/g) ?? [];
      expect({ role: bundle.role, esmImports }).toEqual({ role: bundle.role, esmImports: [] });
    }
  });

  it('stays within its size: 500 KB for the change publisher and the resumer, 950 KB for any bundle', () => {
    const sizes = Object.fromEntries(bundles.map((bundle) => [bundle.role, bundle.bytes]));
    expect(sizes['change-publisher']).toBeLessThanOrEqual(500_000);
    expect(sizes.resumer).toBeLessThanOrEqual(500_000);
    for (const [role, bytes] of Object.entries(sizes))
      expect({ role, within: bytes <= 950_000 }).toEqual({ role, within: true });
  });
});
