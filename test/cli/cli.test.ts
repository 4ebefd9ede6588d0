import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliCommand, type CliIo, EXIT } from '../../shared/cli/command.ts';
import { COMMANDS } from '../../shared/cli/commands.ts';
import { runCli } from '../../shared/cli/run-cli.ts';

const MAIN = new URL('../../shared/cli/main.ts', import.meta.url).pathname;
const FIXTURE = new URL('../fixtures/workflows/contacts-lead-nurture.json', import.meta.url).pathname;

let directory: string;
const file = (name: string, content: string): string => {
  const path = join(directory, name);
  writeFileSync(path, content);
  return path;
};

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'crm-workflows-cli-'));
});
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const BROKEN = {
  name: 'Broken',
  objectType: 'contacts',
  enrollment: {
    trigger: 'criteria',
    criteria: [{ filters: [{ property: 'contry', operator: 'eq', value: 'FR' }] }],
  },
  startActionId: 'a1',
  actions: [{ id: 'a1', type: 'delay', duration: 'P1D', next: 'a9' }],
};

/** Runs the CLI in-process and collects what it prints. */
const run = async (argv: string[], commands: readonly CliCommand[] = COMMANDS) => {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readFile: async (path) => (await import('node:fs/promises')).readFile(path, 'utf8'),
  };
  const code = await runCli(argv, io, commands);
  return { code, out, err };
};

describe('crm-workflows (in-process)', () => {
  it('prints "valid" and exits 0 for a valid workflow', async () => {
    expect(await run(['validate', FIXTURE])).toEqual({ code: 0, out: ['valid'], err: [] });
  });

  it('prints each error as "<path>: <message>" and exits 1', async () => {
    const path = file('broken.json', JSON.stringify(BROKEN));
    expect(await run(['validate', path])).toEqual({
      code: 1,
      out: [
        'enrollment.criteria[0].filters[0].property: unknown property "contry" on contacts — did you mean "country"?',
        'actions[0].next: names "a9", which is not an action of this workflow',
      ],
      err: [],
    });
  });

  it('prints a root-level error as its message alone', async () => {
    const path = file('list.json', '[]');
    expect(await run(['validate', path])).toEqual({
      code: 1,
      out: ['a workflow must be an object, not a list'],
      err: [],
    });
  });

  it('adds custom properties from --properties', async () => {
    const workflow = {
      ...BROKEN,
      enrollment: {
        trigger: 'criteria',
        criteria: [{ filters: [{ property: 'plan', operator: 'eq', value: 'pro' }] }],
      },
      actions: [{ id: 'a1', type: 'delay', duration: 'P1D' }],
    };
    const path = file('plan.json', JSON.stringify(workflow));
    const properties = file(
      'props.json',
      JSON.stringify({ contacts: [{ name: 'plan', type: 'enumeration', options: ['free', 'pro'] }] }),
    );
    expect((await run(['validate', path])).code).toBe(EXIT.invalid);
    expect(await run(['validate', path, '--properties', properties])).toEqual({
      code: 0,
      out: ['valid'],
      err: [],
    });
    expect(await run(['validate', `--properties=${properties}`, path])).toEqual({
      code: 0,
      out: ['valid'],
      err: [],
    });
    expect((await run(['validate', path, '-p', properties])).code).toBe(0);
  });

  it('exits 2 on invalid property definitions, naming each problem', async () => {
    const properties = file(
      'bad-props.json',
      JSON.stringify({ contacts: [{ name: 'plan', type: 'enumeration' }] }),
    );
    expect(await run(['validate', FIXTURE, '--properties', properties])).toEqual({
      code: 2,
      out: [],
      err: [
        `"${properties}" holds invalid property definitions:`,
        '  contacts[0].options: an enumeration property needs its options',
      ],
    });
  });

  it.each([
    [
      'a missing file',
      () => join(directory, 'missing.json'),
      /^cannot read ".*missing\.json": no such file$/,
    ],
    ['a directory', () => directory, /^cannot read ".*": it is a directory$/],
    ['bad JSON', () => file('bad.json', '{ "name": '), /^".*bad\.json" is not valid JSON: /],
    ['an empty file', () => file('empty.json', ''), /^".*empty\.json" is not valid JSON: /],
  ])('exits 2 with a clear message on %s', async (_case, path, message) => {
    const result = await run(['validate', path()]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([expect.stringMatching(message)]);
  });

  it('reads a file that starts with a byte-order mark', async () => {
    const path = file(
      'bom.json',
      `\uFEFF${JSON.stringify({ ...BROKEN, enrollment: { trigger: 'manual' }, actions: [{ id: 'a1', type: 'delay', duration: 'P1D' }] })}`,
    );
    expect(await run(['validate', path])).toEqual({ code: 0, out: ['valid'], err: [] });
  });

  it('prints the usage on --help (exit 0) and without arguments (exit 2, on stderr)', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.out[0]).toBe('Usage: crm-workflows <command> [options]');
    expect(help.out).toContainEqual(
      expect.stringMatching(/^ {2}validate <file\.json> \[--properties <props\.json>\] {2,}check a workflow/),
    );

    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.out).toEqual([]);
    expect(none.err).toEqual(help.out);
  });

  it("prints a command's help", async () => {
    const result = await run(['validate', '--help']);
    expect(result.code).toBe(0);
    expect(result.out.slice(0, 3)).toEqual([
      'Usage: crm-workflows validate <file.json> [--properties <props.json>]',
      '',
      'Check a workflow definition: its shape and every rule of the contract.',
    ]);
  });

  it.each([
    [['valdate', 'x.json'], 'crm-workflows: unknown command "valdate" — did you mean "validate"?'],
    [['validate'], 'crm-workflows: missing <file.json>'],
    [['validate', 'a.json', 'b.json'], 'crm-workflows: unexpected argument "b.json"'],
    [['validate', 'a.json', '--strict'], "crm-workflows: Unknown option '--strict'"],
    [
      ['validate', 'a.json', '--properties'],
      "crm-workflows: Option '-p, --properties <value>' argument missing",
    ],
  ])('exits 2 on the usage error %j', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.err[0]).toContain(message);
  });

  it('runs any command of the table', async () => {
    // Prepare: a new command is a CliCommand listed next to the others.
    const seen: string[] = [];
    const compile: CliCommand = {
      name: 'preview',
      summary: 'print the state machine of a workflow',
      arguments: ['file.json'],
      options: { arn: { type: 'string' } },
      optionsUsage: '[--arn <arn>]',
      help: [],
      run: async ({ positionals, values }, io) => {
        seen.push(positionals[0]!, String(values.arn));
        io.out('{}');
        return EXIT.ok;
      },
    };

    // Act
    const result = await run(['preview', 'wf.json', '--arn', 'arn:aws:lambda:x'], [...COMMANDS, compile]);

    // Assess
    expect(result).toEqual({ code: 0, out: ['{}'], err: [] });
    expect(seen).toEqual(['wf.json', 'arn:aws:lambda:x']);
    expect((await run(['--help'], [...COMMANDS, compile])).out).toContainEqual(
      expect.stringContaining('preview <file.json> [--arn <arn>]'),
    );
  });

  it('reports a crash of a command as an internal error (exit 3)', async () => {
    const crash: CliCommand = {
      name: 'crash',
      summary: 'fails',
      arguments: [],
      options: {},
      optionsUsage: '',
      help: [],
      run: async () => {
        throw new Error('boom');
      },
    };
    const result = await run(['crash'], [crash]);
    expect(result.code).toBe(EXIT.internal);
    expect(result.err[0]).toMatch(/^crm-workflows: internal error: Error: boom/);
  });
});

describe('crm-workflows (spawned with Node 24)', () => {
  const spawn = (args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

  it('runs on Node 24', () => {
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('validates a file: "valid", exit 0', () => {
    const result = spawn(['validate', FIXTURE]);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: 'valid\n',
      stderr: '',
    });
  });

  it('prints the errors, exit 1', () => {
    const result = spawn(['validate', file('broken-spawn.json', JSON.stringify(BROKEN))]);
    expect(result.status).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      'enrollment.criteria[0].filters[0].property: unknown property "contry" on contacts — did you mean "country"?',
      'actions[0].next: names "a9", which is not an action of this workflow',
    ]);
  });

  it('exits 2 on bad JSON and without arguments, 0 on --help', () => {
    const bad = spawn(['validate', file('bad-spawn.json', 'nope')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/is not valid JSON/);
    expect(spawn([]).status).toBe(2);
    const help = spawn(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: crm-workflows <command> \[options\]/);
  });
});
