import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;

describe('npm run synth (the README command, through the CDK CLI)', () => {
  it('synthesizes the stack with no AWS credentials, no AWS configuration and no network', () => {
    // Prepare: an environment with nothing of AWS in it, a home without ~/.aws, and every proxy a closed port.
    const home = mkdtempSync(join(tmpdir(), 'crm-synth-home-'));
    const output = mkdtempSync(join(tmpdir(), 'crm-synth-out-'));
    try {
      const closed = 'http://127.0.0.1:9';
      // Act
      const result = spawnSync('npm', ['run', 'synth', '--', '--output', output], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: home, HTTPS_PROXY: closed, HTTP_PROXY: closed, CI: 'true' },
        timeout: 170_000,
      });

      // Assess: it ends well, and the template holds the deployment.
      expect(result.status, result.stderr).toBe(0);
      const template = JSON.parse(readFileSync(join(output, 'CrmWorkflows.template.json'), 'utf8'));
      const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
      expect(types.filter((type) => type === 'AWS::Lambda::Function')).toHaveLength(7);
      expect(types).toEqual(
        expect.arrayContaining(['AWS::DynamoDB::Table', 'AWS::Events::EventBus', 'AWS::ApiGateway::RestApi']),
      );
    } finally {
      rmSync(home, { recursive: true, force: true });
      rmSync(output, { recursive: true, force: true });
    }
  }, 180_000);

  it("asks the network for nothing: the CLI's notices and telemetry are off in cdk.json", () => {
    const cdk = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8'));
    expect(cdk.notices).toBe(false);
    expect(cdk.context['cli-telemetry']).toBe(false);
  });
});
