/**
 * Bad input through the bundled CLI: one line on stderr naming the file or flag, exit 2, no
 * stack, and nothing left behind (no server, no temp dir, no scratch database). A migration name
 * with spaces and unicode is not bad input: it must verify cleanly.
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { buildBundle } from '../e2e/harness.js';
import { usePostgres } from '../helpers/postgres.js';
import { caseTempDir, expectNoLeftovers } from '../helpers/leftovers.js';
import { errorLines, runCli } from '../helpers/cli-process.js';

const server = usePostgres();
const UP = 'CREATE TABLE t (id int);\n';
const DOWN = 'DROP TABLE t;\n';

/** A project dir under the case's temp dir holding `files` (Buffer for raw bytes). */
function project(tmp: string, files: Record<string, string | Buffer>): string {
  const root = join(tmp, 'project');
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  mkdirSync(join(root, 'm'), { recursive: true });
  return root;
}

/** Runs the CLI on the project's `m` dir and asserts the one-line exit-2 contract and cleanup. */
async function expectBadInput(tmp: string, cwd: string, args: string[], message: RegExp, opts: { user?: { uid: number; gid: number }; oneLineOnly?: boolean } = {}) {
  // The project lives inside the case dir; the leftovers check looks at what the run added.
  const runTmp = join(tmp, 'run');
  mkdirSync(runTmp, { mode: 0o777 });
  chmodSync(runTmp, 0o777);
  const r = await runCli({ args, cwd, tmpDir: runTmp, user: opts.user, hangAfterMs: 60_000 });
  expect(r.hung).toBe(false);
  expect(r.code).toBe(2);
  expect(errorLines(r.stderr)).toEqual([expect.stringMatching(message)]);
  if (opts.oneLineOnly !== false) expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stdout).toBe('');
  await expectNoLeftovers({ tempDir: runTmp, databaseUrl: server.server().adminUrl });
  return r;
}

beforeAll(() => buildBundle(), 180_000);

describe('bad input through the CLI: one line, exit 2, nothing left', () => {
  test('a missing migrations dir', async () => {
    const tmp = caseTempDir();
    await expectBadInput(tmp, project(tmp, {}), ['no/such/dir'], /migrations directory 'no\/such\/dir' does not exist/);
  });

  test('an empty migrations dir', async () => {
    const tmp = caseTempDir();
    await expectBadInput(tmp, project(tmp, {}), ['m'], /migrations directory 'm' is empty/);
  });

  test('files that match no format', async () => {
    const tmp = caseTempDir();
    await expectBadInput(tmp, project(tmp, { 'm/notes.txt': 'hello\n', 'm/schema.sql': UP }), ['m'], /no migration format recognised in m: expected golang-migrate/);
  });

  test('mixed formats in one dir', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, { 'm/1_t.up.sql': UP, 'm/1_t.down.sql': DOWN, 'm/V2__u.sql': 'CREATE TABLE u (id int);\n' });
    await expectBadInput(tmp, cwd, ['m'], /m looks like more than one migration format \(golang-migrate and flyway\); choose one with --format/);
  });

  test('two migrations with one version', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, { 'm/1_a.up.sql': UP, 'm/1_b.up.sql': UP });
    await expectBadInput(tmp, cwd, ['m'], /two migration files claim version 1 .*m\/1_a\.up\.sql and m\/1_b\.up\.sql/);
  });

  test('a down without an up', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, { 'm/1_t.up.sql': UP, 'm/1_t.down.sql': DOWN, 'm/2_u.down.sql': 'DROP TABLE u;\n' });
    await expectBadInput(tmp, cwd, ['m'], /m\/2_u\.down\.sql is a down migration without an up \(expected 2_u\.up\.sql\)/);
  });

  test('a binary file', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, { 'm/1_t.up.sql': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]), 'm/1_t.down.sql': DOWN });
    await expectBadInput(tmp, cwd, ['m'], /m\/1_t\.up\.sql is a binary file, not a migration/);
  });

  test('a non-UTF-8 file (Latin-1)', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, { 'm/1_t.up.sql': Buffer.from("CREATE TABLE t (id int); -- caf\xe9\n", 'latin1'), 'm/1_t.down.sql': DOWN });
    await expectBadInput(tmp, cwd, ['m'], /m\/1_t\.up\.sql is not valid UTF-8; save it as UTF-8/);
  });

  test('a 50 MB migration is refused before anything starts', async () => {
    const tmp = caseTempDir();
    const line = "INSERT INTO t VALUES (1); -- padding padding padding padding padding padding\n";
    const cwd = project(tmp, { 'm/1_t.up.sql': UP + line.repeat(Math.ceil((50 * 1024 * 1024) / line.length)), 'm/1_t.down.sql': DOWN });
    await expectBadInput(tmp, cwd, ['m'], /m\/1_t\.up\.sql is 50\.0 MB; migrations over 20 MB are refused/);
  });

  test('a symlink loop', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, { 'm/1_t.up.sql': UP, 'm/1_t.down.sql': DOWN });
    symlinkSync('2_u.up.sql', join(cwd, 'm', '2_u.down.sql'));
    symlinkSync('2_u.down.sql', join(cwd, 'm', '2_u.up.sql'));
    await expectBadInput(tmp, cwd, ['m'], /m\/2_u\.down\.sql is a symlink loop; remove the looping link/);
  });

  test('a broken symlink', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, { 'm/1_t.up.sql': UP, 'm/1_t.down.sql': DOWN });
    symlinkSync('../elsewhere/2_u.up.sql', join(cwd, 'm', '2_u.up.sql'));
    await expectBadInput(tmp, cwd, ['m'], /m\/2_u\.up\.sql is a broken symlink; fix or remove it/);
  });

  // The tests run as root, which reads any file; the CLI runs as the `postgres` OS user instead,
  // for whom a root-owned mode-000 file really is unreadable.
  const postgresUser = (() => {
    if (process.getuid?.() !== 0) return undefined;
    try {
      return { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) };
    } catch {
      return undefined;
    }
  })();
  (postgresUser || process.getuid?.() !== 0 ? test : test.skip)('an unreadable file', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, { 'm/1_t.up.sql': UP, 'm/1_t.down.sql': DOWN });
    chmodSync(join(tmp, 'project'), 0o755);
    chmodSync(join(cwd, 'm'), 0o755);
    chmodSync(join(cwd, 'm', '1_t.up.sql'), 0o644);
    chmodSync(join(cwd, 'm', '1_t.down.sql'), 0o000);
    if (postgresUser) chownSync(join(cwd, 'm', '1_t.down.sql'), 0, 0);
    await expectBadInput(tmp, cwd, ['m'], /cannot read m\/1_t\.down\.sql: EACCES; check its permissions/, { user: postgresUser });
  });

  test('an unknown flag value names the flag and the accepted values', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, { 'm/1_t.up.sql': UP, 'm/1_t.down.sql': DOWN });
    await expectBadInput(tmp, cwd, ['m', '--mode', 'sideways'], /--mode must be one of step, chain \(got 'sideways'\)/);
    await expectBadInput(caseTempDir(), cwd, ['m', '--postgres', 'mysql'], /--postgres must be one of auto, url, embedded, system, docker/);
    await expectBadInput(caseTempDir(), cwd, ['m', '--statement-timeout', 'soon'], /--statement-timeout must be a number of seconds/);
  });

  test('an invalid --database-url', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, { 'm/1_t.up.sql': UP, 'm/1_t.down.sql': DOWN });
    await expectBadInput(tmp, cwd, ['m', '--database-url', 'localhost:5432/app'], /--database-url must start with postgres:\/\/ or postgresql:\/\//);
    await expectBadInput(caseTempDir(), cwd, ['m', '--database-url', 'not a url at all'], /--database-url is not a URL/);
  });

  test('a --database-url whose role may not create databases: masked, exit 2, no scratch database', async () => {
    const admin = new pg.Client({ connectionString: server.server().adminUrl });
    await admin.connect();
    const password = 'nocreate-Secret-7731';
    await admin.query(`DROP ROLE IF EXISTS rv_nocreate; CREATE ROLE rv_nocreate LOGIN NOCREATEDB PASSWORD '${password}'`);
    await admin.end();
    const url = new URL(server.server().adminUrl);
    url.username = 'rv_nocreate';
    url.password = password;
    const tmp = caseTempDir();
    const cwd = project(tmp, { 'm/1_t.up.sql': UP, 'm/1_t.down.sql': DOWN });
    const r = await expectBadInput(tmp, cwd, ['m', '--database-url', url.toString()], /the role in postgres:\/\/rv_nocreate:\*\*\*@127\.0\.0\.1:\d+\/postgres may not create databases/, {
      oneLineOnly: false,
    });
    expect(r.stderr).not.toContain(password);
  });
});

test('a migration name and dir with spaces and unicode verify cleanly', async () => {
  const tmp = caseTempDir();
  const dir = 'my migrations/ünïcödé';
  const cwd = project(tmp, {
    [`${dir}/1_add café table.up.sql`]: 'CREATE TABLE "café crème" (id int PRIMARY KEY, note text);\n',
    [`${dir}/1_add café table.down.sql`]: 'DROP TABLE "café crème";\n',
    [`${dir}/2_日本語 テーブル.up.sql`]: 'ALTER TABLE "café crème" ADD COLUMN "überschrift" text;\n',
    [`${dir}/2_日本語 テーブル.down.sql`]: 'ALTER TABLE "café crème" DROP COLUMN "überschrift";\n',
  });
  const runTmp = join(tmp, 'run');
  mkdirSync(runTmp);
  chmodSync(runTmp, 0o777);
  const json = join(tmp, 'r.json');
  const r = await runCli({ args: [dir, '--seed-rows', '5', '--json', json, '--database-url', server.server().adminUrl], cwd, tmpDir: runTmp, hangAfterMs: 120_000 });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/\nPASS: 2 new migrations verified.*\n$/);
  expect(r.stdout).toContain('add café table');
  expect(r.stdout).toContain('日本語 テーブル');
  const report = JSON.parse(readFileSync(json, 'utf8')) as { migrations: Array<{ name: string; status: string; files: { up: string } }> };
  expect(report.migrations.map((m) => [m.name, m.status])).toEqual([
    ['add café table', 'ok'],
    ['日本語 テーブル', 'ok'],
  ]);
  expect(report.migrations[0]!.files.up).toBe(`${dir}/1_add café table.up.sql`);
  await expectNoLeftovers({ tempDir: runTmp, databaseUrl: server.server().adminUrl });
});
