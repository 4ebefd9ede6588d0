import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs a module script with Node 24 from the project's root, importing the package by its own name. */
const node = (script: string) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: new URL('..', import.meta.url).pathname,
  });

describe('the package entry (built dist/, as teams install it)', () => {
  it('exports validateWorkflow, matchFilters, explainFilters, nextRunAt, compileWorkflow and normalizeDateValue', () => {
    // Act
    const result = node(`
      const lib = await import('crm-workflows');
      const ok = lib.validateWorkflow({ name: 'W', objectType: 'contacts', enrollment: { trigger: 'manual' }, startActionId: null, actions: [] });
      const bad = lib.validateWorkflow({ name: 'W', objectType: 'contacts', enrollment: { trigger: 'manual' }, startActionId: 'x', actions: [] });
      const groups = [{ filters: [{ property: 'country', operator: 'eq', value: 'fr' }] }];
      const input = { objectType: 'contacts', properties: { country: 'FR' } };
      const at = lib.nextRunAt(new Date('2026-11-28T11:00:00Z'), { timeZone: 'Europe/Paris', executionWindows: [{ days: ['mon'], start: '09:00', end: '17:00' }] }, 'k');
      const asl = lib.compileWorkflow(ok.workflow, { actionFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:x' });
      console.log(JSON.stringify({
        ok: ok.ok, badPath: bad.errors[0].path, match: lib.matchFilters(groups, input),
        explained: lib.explainFilters(groups, input).matched, monday: at.toISOString().slice(0, 10), startAt: asl.StartAt,
        stored: lib.normalizeDateValue('2026-03-01 10:00+02:00'),
      }));
    `);
    // Assess
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      ok: true,
      badPath: 'startActionId',
      match: true,
      explained: true,
      monday: '2026-11-30',
      startAt: 'Resume',
      stored: '2026-03-01T08:00:00.000Z',
    });
  });

  it('installs the crm-workflows command', () => {
    const result = spawnSync(
      process.execPath,
      [new URL('../dist/shared/cli/main.js', import.meta.url).pathname, '--help'],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('compile <file.json>');
  });
});
