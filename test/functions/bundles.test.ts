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
});
