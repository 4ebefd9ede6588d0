import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

  it('exports the embedded runtime and the CDK construct behind their subpaths', () => {
    // Act
    const result = node(`
      const runtime = await import('crm-workflows/runtime');
      const infra = await import('crm-workflows/infra');
      console.log(JSON.stringify({ run: typeof runtime.startRuntime, construct: typeof infra.CrmWorkflows }));
    `);
    // Assess
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ run: 'function', construct: 'function' });
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

// Static imports and re-exports (`import … from '…'`, `export … from '…'`, `import '…'`) and dynamic `import('…')`.
const IMPORT =
  /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]/gm;

/** Every module the file at `entry` loads, followed through relative imports: the bare specifiers it reaches. */
const bareImportsOf = (entry: string): Set<string> => {
  const bare = new Set<string>();
  const seen = new Set<string>();
  const pending = [resolve(entry)];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, fromStatement, bareStatement, fromCall] of source.matchAll(IMPORT)) {
      const specifier = fromStatement ?? bareStatement ?? fromCall;
      if (specifier!.startsWith('.')) pending.push(resolve(dirname(file), specifier!));
      else bare.add(specifier!);
    }
  }
  return bare;
};

describe("the main entry's import graph", () => {
  const ROOT = new URL('..', import.meta.url).pathname;

  it('reaches zod and luxon only: no AWS SDK, no Node built-in, no runtime package', () => {
    // Act
    const bare = bareImportsOf(join(ROOT, 'shared/core/index.ts'));

    // Assess
    expect([...bare].filter((specifier) => specifier.startsWith('@aws-sdk/'))).toEqual([]);
    expect([...bare].sort()).toEqual(['luxon', 'zod']);
  });

  it('is the built main entry the package exports', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.exports['.'].default).toBe('./dist/shared/core/index.js');
    expect(bareImportsOf(join(ROOT, 'dist/shared/core/index.js'))).toEqual(new Set(['luxon', 'zod']));
  });

  it('keeps aws-local-stepfunctions to the runtime entry', () => {
    expect(bareImportsOf(join(ROOT, 'shared/runtime/index.ts'))).toContain('aws-local-stepfunctions');
  });
});

describe('the packed package (what a team installs from a tarball or from git)', () => {
  const ROOT = new URL('..', import.meta.url).pathname;
  const packed = () => {
    const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(result.status, result.stderr).toBe(0);
    const [pack] = JSON.parse(result.stdout) as [{ files: { path: string }[] }];
    return new Set(pack.files.map((file) => file.path));
  };

  it('holds every export and the command, built, and what the construct bundles and publishes', () => {
    // Arrange
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    // Each adapter with an index is an `./adapters/*` export.
    const adapters = readdirSync(join(ROOT, 'shared', 'adapters'), { withFileTypes: true })
      .filter(
        (entry) =>
          entry.isDirectory() && existsSync(join(ROOT, 'shared', 'adapters', entry.name, 'index.ts')),
      )
      .map((entry) => entry.name);
    const targets = Object.values(pkg.exports as Record<string, Record<string, string>>)
      .flatMap((conditions) => Object.values(conditions))
      .flatMap((target) =>
        target.includes('*') ? adapters.map((name) => target.replace('*', name)) : [target],
      );
    const handlers = readdirSync(join(ROOT, 'functions'))
      .filter((name) => name !== 'commons')
      .map((name) => `functions/${name}/handler.ts`);
    const schemas = readdirSync(join(ROOT, 'events', 'schemas')).map((file) => `events/schemas/${file}`);

    // Act
    const files = packed();

    // Assess
    expect(handlers).toHaveLength(7);
    expect(adapters.length).toBeGreaterThanOrEqual(7);
    for (const file of [...targets, pkg.bin['crm-workflows'], ...handlers, ...schemas]) {
      expect(files, file).toContain(file.replace(/^\.\//, ''));
    }
    expect(files).toContain('functions/commons/builtins/http.cjs');
    expect(files).toContain('infra/crm-workflows.construct.ts');
  });

  it('leaves out the tests, the CI and local data', () => {
    const files = [...packed()];
    expect(files.filter((file) => /^(test|\.ci|\.data|cdk\.out|node_modules)\//.test(file))).toEqual([]);
  });
});
