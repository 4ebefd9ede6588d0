import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const HOST_LOOKUPS = join(ROOT, 'test', 'helpers', 'host-lookups.cjs');

describe('npm run synth (the README command, through the CDK CLI)', () => {
  it('synthesizes the stack with no AWS credentials or configuration, and looks up no host', async () => {
    // Prepare: nothing of AWS in the environment, a home without ~/.aws, npm's own update check off, and every Node
    // process of the command noting the hosts it looks up (no proxy: a request through one would look up none).
    const scratch = mkdtempSync(join(tmpdir(), 'crm-synth-'));
    const home = join(scratch, 'home');
    const output = join(scratch, 'out');
    const temporary = join(scratch, 'tmp');
    const lookups = join(scratch, 'lookups.log');
    try {
      // Act
      for (const directory of [home, temporary]) mkdirSync(directory);
      const result = spawnSync('npm', ['run', 'synth', '--', '--output', output], {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: home,
          TMPDIR: temporary,
          npm_config_update_notifier: 'false',
          NODE_OPTIONS: `--require ${HOST_LOOKUPS}`,
          NO_NETWORK_LOG: lookups,
        },
        timeout: 170_000,
      });
      // The CLI sends its telemetry from a detached process after it exits: give one the time to show itself.
      await sleep(3_000);

      // Assess: it ends well, the template holds the deployment, no host was looked up, no telemetry was written.
      expect(result.status, result.stderr).toBe(0);
      const template = JSON.parse(readFileSync(join(output, 'CrmWorkflows.template.json'), 'utf8'));
      const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
      expect(types.filter((type) => type === 'AWS::Lambda::Function')).toHaveLength(7);
      expect(types).toEqual(
        expect.arrayContaining(['AWS::DynamoDB::Table', 'AWS::Events::EventBus', 'AWS::ApiGateway::RestApi']),
      );
      expect(existsSync(lookups) ? readFileSync(lookups, 'utf8') : '').toBe('');
      expect(readdirSync(temporary).filter((name) => name.startsWith('cdk-telemetry'))).toEqual([]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 180_000);

  it("turns the CLI's notices and telemetry off in cdk.json", () => {
    const cdk = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8'));
    expect(cdk.notices).toBe(false);
    expect(cdk.context['cli-telemetry']).toBe(false);
  });
});
