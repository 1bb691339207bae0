/**
 * A Node migration tool that is not installed: the bundled CLI says so in one line and exits 2
 * at once, before any server starts; it never hangs on a lock sampler left running. The near
 * miss (the tool installed) verifies normally.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { buildBundle, REPO_ROOT } from '../e2e/harness.js';
import { caseTempDir, expectNoLeftovers } from '../helpers/leftovers.js';
import { errorLines, runCli } from '../helpers/cli-process.js';
import { usePostgres } from '../helpers/postgres.js';
import { traceScript } from '../../src/locks/tracer.js';

const server = usePostgres();

const TOOLS = {
  'node-pg-migrate': {
    'migrations/1700000000000_users.js': "exports.up = (pgm) => { pgm.createTable('users', { id: 'id' }); };\nexports.down = (pgm) => { pgm.dropTable('users'); };\n",
  },
  knex: {
    'migrations/20240101000000_users.js': "exports.up = (knex) => knex.schema.createTable('users', (t) => { t.increments('id'); });\nexports.down = (knex) => knex.schema.dropTable('users');\n",
  },
} as const;

function project(tmp: string, files: Record<string, string>, installed: boolean): string {
  const root = join(tmp, 'project');
  for (const [path, content] of Object.entries({ 'package.json': '{ "name": "p", "private": true }\n', ...files })) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  if (installed) symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

beforeAll(() => buildBundle(), 180_000);

// npx puts this repository's node_modules/.bin on PATH, where knex and node-pg-migrate live.
const PATH = (process.env.PATH ?? '').split(':').filter((d) => !d.includes('node_modules')).join(':');

describe('a Node migration tool that is not installed', () => {
  test.each(Object.keys(TOOLS) as Array<keyof typeof TOOLS>)('%s: one line, exit 2, no server started, no hang', async (tool) => {
    const tmp = caseTempDir();
    const cwd = project(tmp, TOOLS[tool], false);
    const runTmp = join(tmp, 'run');
    mkdirSync(runTmp, { mode: 0o777 });
    const r = await runCli({ args: ['--database-url', server.server().adminUrl, 'migrations'], cwd, tmpDir: runTmp, env: { PATH }, hangAfterMs: 30_000 });
    expect(r.hung).toBe(false);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`'${tool}' was not found in node_modules/\\.bin or on PATH: install the project's packages first \\(npm ci\\)`))]);
    // Found before the server: no "PostgreSQL …" progress line, nothing created.
    expect(r.stderr).not.toMatch(/PostgreSQL \d/);
    await expectNoLeftovers({ tempDir: runTmp, databaseUrl: server.server().adminUrl });
  }, 60_000);

  test('near miss: installed, the same project verifies', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, TOOLS['node-pg-migrate'], true);
    const runTmp = join(tmp, 'run');
    mkdirSync(runTmp, { mode: 0o777 });
    const r = await runCli({ args: ['--database-url', server.server().adminUrl, 'migrations'], cwd, tmpDir: runTmp, hangAfterMs: 60_000 });
    expect(r.hung).toBe(false);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS/);
  }, 90_000);

  test('a traced step whose program is missing closes the sampler and the monitor connection', async () => {
    const db = await server.scratch();
    const script = { kind: 'command' as const, file: 'm/1_x.js', argv: ['no-such-migration-tool-xyz'], cwd: REPO_ROOT };
    await expect(traceScript(script, { url: db.url, statementTimeoutMs: 10_000 })).rejects.toThrow(/no-such-migration-tool-xyz/);
    const admin = new pg.Client({ connectionString: server.server().adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [db.name]);
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      await admin.end();
    }
  });
});
