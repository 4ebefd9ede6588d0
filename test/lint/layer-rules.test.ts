import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIOME = join(ROOT, 'node_modules/.bin/biome');

/** A file of a would-be checkout: where it lives and what it imports. */
interface Probe {
  readonly path: string;
  readonly code: string;
  /** The rule it must break, or null when the import is allowed. */
  readonly rule: 'noRestrictedImports' | 'noImportCycles' | null;
}

const probes: Probe[] = [
  // The core imports no outer layer, and nothing outside its own pure world.
  {
    path: 'shared/core/filters/a1.ts',
    code: "import { s } from '../../adapters/dynamodb/store.ts';",
    rule: 'noRestrictedImports',
  },
  {
    path: 'shared/core/a2.ts',
    code: "import { s } from '../runtime/server.ts';",
    rule: 'noRestrictedImports',
  },
  { path: 'shared/core/a3.ts', code: "import { c } from '../cli/run-cli.ts';", rule: 'noRestrictedImports' },
  {
    path: 'shared/core/a4.ts',
    code: "import { h } from '../../functions/api/handler.ts';",
    rule: 'noRestrictedImports',
  },
  {
    path: 'shared/core/a5.ts',
    code: "import { C } from '../../infra/crm-workflows.construct.ts';",
    rule: 'noRestrictedImports',
  },
  {
    path: 'shared/core/a6.ts',
    code: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    rule: 'noRestrictedImports',
  },
  { path: 'shared/core/a7.ts', code: "import { readFileSync } from 'node:fs';", rule: 'noRestrictedImports' },
  {
    path: 'shared/core/a8.ts',
    code: "import { createServer } from 'node:http';",
    rule: 'noRestrictedImports',
  },
  {
    path: 'shared/core/ok1.ts',
    code: "import * as z from 'zod';\nimport { DateTime } from 'luxon';\nimport { f } from './filters/index.ts';",
    rule: null,
  },
  // Adapters implement the core's ports; they know nothing of who calls them.
  {
    path: 'shared/adapters/b1.ts',
    code: "import { s } from '../runtime/server.ts';",
    rule: 'noRestrictedImports',
  },
  {
    path: 'shared/adapters/b2.ts',
    code: "import { h } from '../../functions/api/handler.ts';",
    rule: 'noRestrictedImports',
  },
  {
    path: 'shared/adapters/ok2.ts',
    code: "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { p } from '../core/executor/ports.ts';",
    rule: null,
  },
  // Handlers wire adapters into the core, never the runtime or infra.
  {
    path: 'functions/api/c1.ts',
    code: "import { s } from '../../shared/runtime/server.ts';",
    rule: 'noRestrictedImports',
  },
  {
    path: 'functions/api/c2.ts',
    code: "import { C } from '../../infra/crm-workflows.construct.ts';",
    rule: 'noRestrictedImports',
  },
  { path: 'functions/api/c3.ts', code: "import { Stack } from 'aws-cdk-lib';", rule: 'noRestrictedImports' },
  {
    path: 'functions/api/ok3.ts',
    code: "import { a } from '../../shared/adapters/dynamodb/store.ts';\nimport { c } from '../../shared/core/index.ts';",
    rule: null,
  },
  // The runtime calls the very same handlers; nothing imports infra.
  {
    path: 'shared/runtime/d1.ts',
    code: "import { C } from '../../infra/crm-workflows.construct.ts';",
    rule: 'noRestrictedImports',
  },
  { path: 'shared/runtime/ok4.ts', code: "import { h } from '../../functions/api/handler.ts';", rule: null },
  // A cycle, even through a type-only import, is refused.
  {
    path: 'shared/core/e1.ts',
    code: "import { e2 } from './e2.ts';\nexport const e1 = () => e2;",
    rule: 'noImportCycles',
  },
  {
    path: 'shared/core/e2.ts',
    code: "import type { e1 } from './e1.ts';\nexport const e2 = 1;\nexport type E = typeof e1;",
    rule: 'noImportCycles',
  },
];

interface Diagnostic {
  readonly category: string;
  readonly location: { readonly path: string };
}

let checkout: string;
let diagnostics: Diagnostic[];

describe('the layer rules of biome.json', () => {
  beforeAll(() => {
    // Prepare: a checkout holding the project's biome.json and one file per probe.
    checkout = mkdtempSync(join(tmpdir(), 'layer-rules-'));
    copyFileSync(join(ROOT, 'biome.json'), join(checkout, 'biome.json'));
    for (const probe of probes) {
      mkdirSync(dirname(join(checkout, probe.path)), { recursive: true });
      writeFileSync(join(checkout, probe.path), `${probe.code}\n`);
    }
    // Act
    const run = spawnSync(
      BIOME,
      ['lint', '--vcs-enabled=false', '--reporter=json', '--max-diagnostics=none', 'shared', 'functions'],
      { cwd: checkout, encoding: 'utf8' },
    );
    diagnostics = (JSON.parse(run.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
  });

  afterAll(() => rmSync(checkout, { recursive: true, force: true }));

  it.each(probes)('$path: $rule', ({ path, rule }) => {
    // Assess
    const rules = diagnostics
      .filter((diagnostic) => diagnostic.location.path === path)
      .map((diagnostic) => diagnostic.category.split('/').pop())
      .filter((name) => name === 'noRestrictedImports' || name === 'noImportCycles');
    expect(rules).toEqual(rule ? [rule] : []);
  });
});
