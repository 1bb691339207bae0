/**
 * An environment error part-way (an extension the server lacks) does not lose the run: the
 * terminal, JSON and Markdown reports are written with what was verified, the environment problem
 * shown as such (status `error`), one stderr line names the way out, and the exit code is 2.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle } from '../e2e/harness.js';
import { caseTempDir, expectNoLeftovers } from '../helpers/leftovers.js';
import { errorLines, runCli } from '../helpers/cli-process.js';
import { usePostgres } from '../helpers/postgres.js';
import type { VerifyResult } from '../../src/result/types.js';

const server = usePostgres();

function project(tmp: string, files: Record<string, string>): string {
  const root = join(tmp, 'project');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

beforeAll(() => buildBundle(), 180_000);

describe('an environment error part-way', () => {
  test('reports are written with what was verified; exit 2 with one line naming the way out', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, {
      'db/000001_users.up.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
      'db/000001_users.down.sql': 'DROP TABLE users;\n',
      'db/000002_vec.up.sql': 'CREATE EXTENSION IF NOT EXISTS vector_that_does_not_exist;\n',
      'db/000002_vec.down.sql': 'DROP EXTENSION vector_that_does_not_exist;\n',
      'db/000003_more.up.sql': 'CREATE TABLE more (id int);\n',
      'db/000003_more.down.sql': 'DROP TABLE more;\n',
    });
    const runTmp = join(tmp, 'run');
    mkdirSync(runTmp, { mode: 0o777 });
    const r = await runCli({ args: ['--database-url', server.server().adminUrl, '--json', 'out.json', '--markdown', 'out.md', 'db'], cwd, tmpDir: runTmp, hangAfterMs: 120_000 });
    expect(r.hung).toBe(false);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^rollback-verify: db\/000002_vec\.up\.sql: .*vector_that_does_not_exist.*--database-url .*postgres-image/)]);
    const json = JSON.parse(readFileSync(join(cwd, 'out.json'), 'utf8')) as VerifyResult;
    expect(json.status).toBe('error');
    expect(json.migrations.map((m) => [m.id, m.status])).toEqual([['000001', 'ok'], ['000002', 'failed'], ['000003', 'not-run']]);
    expect(json.problems).toEqual([expect.objectContaining({ kind: 'environment', severity: 'error', migration: '000002' })]);
    expect(existsSync(join(cwd, 'out.md'))).toBe(true);
    expect(readFileSync(join(cwd, 'out.md'), 'utf8')).toContain('000001');
    expect(r.stdout).toContain('000001');
    await expectNoLeftovers({ tempDir: runTmp, databaseUrl: server.server().adminUrl });
  }, 150_000);

  test('near miss: the same project without the extension passes, exit 0', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, {
      'db/000001_users.up.sql': 'CREATE TABLE users (id int PRIMARY KEY);\n',
      'db/000001_users.down.sql': 'DROP TABLE users;\n',
    });
    const runTmp = join(tmp, 'run');
    mkdirSync(runTmp, { mode: 0o777 });
    const r = await runCli({ args: ['--database-url', server.server().adminUrl, '--json', 'out.json', 'db'], cwd, tmpDir: runTmp, hangAfterMs: 120_000 });
    expect(r.code).toBe(0);
    expect((JSON.parse(readFileSync(join(cwd, 'out.json'), 'utf8')) as VerifyResult).status).toBe('pass');
  }, 150_000);
});
