import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLACEHOLDER_FUNCTION_ARN } from '../../shared/cli/compile-command.ts';
import { aslProblems } from '../helpers/asl-checks.ts';

const MAIN = new URL('../../shared/cli/main.ts', import.meta.url).pathname;
const FIXTURE = new URL('../fixtures/workflows/contacts-lead-nurture.json', import.meta.url).pathname;
const spawn = (args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

let directory: string;
beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'crm-workflows-compile-'));
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('crm-workflows compile', () => {
  it('prints the state machine definition, valid ASL, exit 0', () => {
    // Act
    const result = spawn(['compile', FIXTURE]);
    // Assess
    expect(result.status).toBe(0);
    const definition = JSON.parse(result.stdout);
    expect(definition.StartAt).toBe('Resume');
    expect(aslProblems(definition)).toEqual([]);
    expect(JSON.stringify(definition)).toContain(PLACEHOLDER_FUNCTION_ARN);
  });

  it('points the Task states at --function-arn', () => {
    const arn = 'arn:aws:lambda:eu-west-3:111122223333:function:executor';
    const result = spawn(['compile', FIXTURE, '--function-arn', arn]);
    expect(result.status).toBe(0);
    const tasks = Object.values(
      JSON.parse(result.stdout).States as Record<string, { Type: string; Resource?: string }>,
    ).filter((state) => state.Type === 'Task' && !state.Resource?.startsWith('arn:aws:states:'));
    expect(tasks.length).toBeGreaterThan(0);
    expect(new Set(tasks.map((state) => state.Resource))).toEqual(new Set([arn]));
  });

  it('prints each problem of an invalid workflow with its path, exit 1', () => {
    const path = join(directory, 'loop.json');
    writeFileSync(
      path,
      JSON.stringify({
        name: 'Loop',
        objectType: 'contacts',
        enrollment: { trigger: 'manual' },
        startActionId: 'a1',
        actions: [{ id: 'a1', type: 'setProperty', property: 'score', value: 'high', next: null }],
      }),
    );
    const result = spawn(['compile', path]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^actions\[0\]\.value: /);
  });

  it('exits 2 on a missing file', () => {
    const result = spawn(['compile', join(directory, 'nope.json')]);
    expect(result.status).toBe(2);
    expect(result.stderr).not.toBe('');
  });
});
