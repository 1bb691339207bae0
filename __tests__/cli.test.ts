/**
 * The bundled CLI (dist/cli.js) as a user runs it: exit codes, one-line errors without stacks,
 * reports written, secrets never printed.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usePostgres } from './helpers/postgres.js';
import { writeProject } from './helpers/migrations.js';
import { buildBundle, REPO_ROOT } from './e2e/harness.js';
import { VERSION } from '../src/version.js';

const pg = usePostgres();
const CLI = join(REPO_ROOT, 'dist', 'cli.js');

function cli(args: string[], cwd = REPO_ROOT, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => buildBundle());

describe('rollback-verify CLI', () => {
  test('--help and --version', () => {
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: rollback-verify \[options\] <migrations-dir>\n/);
    expect(cli(['--version']).stdout.trim()).toBe(`rollback-verify ${VERSION}`);
    expect(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version).toBe(VERSION);
  });

  test.each([
    [['no/such/dir'], /migrations directory 'no\/such\/dir' does not exist/],
    [['examples/golang-migrate', '--format', 'liquibase'], /--format must be one of .*golang-migrate/],
    [['examples/golang-migrate', '--bogus'], /^rollback-verify: unknown option --bogus \(rollback-verify \[options\] <migrations-dir>; see --help\)$/m],
    // A typo gets the closest flag, in our words (not Node's parser message).
    [['examples/golang-migrate', '--markdwn', 'r.md'], /^rollback-verify: unknown option --markdwn; did you mean --markdown\? \(rollback-verify \[options\] <migrations-dir>; see --help\)$/m],
    [['examples/golang-migrate', '--seed-row=5'], /unknown option --seed-row; did you mean --seed-rows\?/],
    [['examples/golang-migrate', '--base-ref', 'main'], /unknown option --base-ref: base-ref is an input of the action; the CLI flag is --base/],
    [['examples/golang-migrate', '--format'], /--format needs a value: --format <name>/],
    [['examples/golang-migrate', '--database-url', 'postgres://u:p@127.0.0.1:1/x', '--postgres', 'docker'], /--database-url cannot be combined with --postgres docker/],
    [['examples/golang-migrate', '--postgres-image', 'pgvector/pgvector:pg17', '--postgres', 'embedded'], /--postgres-image needs --postgres docker or auto \(got 'embedded'\)/],
    [['examples/golang-migrate', '--no-trace-locks', '--max-lock-ms', '100'], /--max-lock-ms judges the lock traces, and lock tracing is off; remove --no-trace-locks/],
    [['examples/golang-migrate', '--up-command', 'make up'], /--up-command applies to --format commands only \(the format is auto\)/],
    [['examples/golang-migrate', '--seed-rows', 'many'], /--seed-rows must be a whole number/],
    [['examples/golang-migrate', '--database-url', 'mysql://x@y/z'], /--database-url must start with postgres:\/\//],
    [[], /missing the migrations directory/],
    [['examples/golang-migrate', '--from', '000001', '--base', 'HEAD'], /--from and --base cannot be used together/],
    // Before any file is read: the directory does not exist, and that is not what is reported.
    [['no/such/dir', '--from', '000001', '--base', 'HEAD'], /--from and --base cannot be used together: --base decides which migrations are new/],
    // Checked before any server: the URL would not connect, and that error must not come first.
    [['examples/golang-migrate', '--seed-file', 'no/such.sql', '--database-url', 'postgres://u:p@127.0.0.1:1/x'], /seed file 'no\/such\.sql' does not exist/],
  ])('bad input %j: one line, exit 2, no stack', (args, message) => {
    const r = cli(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('rollback-verify:') || l.includes('    at '));
    expect(lines).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('a directory in no known format names the formats expected', () => {
    const dir = writeProject({ 'm/readme.txt': 'hello\n', 'm/data.csv': 'a,b\n' });
    const r = cli(['m'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no migration format recognised/);
  });

  test('pass: exit 0, the JSON and Markdown reports, and the password nowhere', () => {
    const out = mkdtempSync(join(tmpdir(), 'rv-cli-'));
    const url = pg.server().adminUrl;
    const password = decodeURIComponent(new URL(url).password);
    const r = cli(['examples/dbmate', '--database-url', url, '--json', join(out, 'r.json'), '--markdown', join(out, 'r.md')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nPASS: 4 new migrations verified up → down → up; no problems \(dbmate, .*\)\n$/);
    const json = JSON.parse(readFileSync(join(out, 'r.json'), 'utf8'));
    expect(json).toMatchObject({ version: 1, status: 'pass', format: 'dbmate' });
    expect(json.migrations).toHaveLength(4);
    const md = readFileSync(join(out, 'r.md'), 'utf8');
    expect(md).toContain('20240105093000');
    for (const text of [r.stdout, r.stderr, JSON.stringify(json), md]) expect(text).not.toContain(password);
  });

  test('fail: exit 1 and the object named on stdout', () => {
    const r = cli(['__fixtures__/formats/goose-broken', '--database-url', pg.server().adminUrl]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/error rollback-residue · \S+ down leaves index orders_status_idx/);
  });

  test('a database URL that does not connect: exit 2, password masked, no scratch left', () => {
    const r = cli(['examples/golang-migrate', '--database-url', 'postgres://me:hunter2secret@127.0.0.1:1/x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot connect to postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/x/);
    expect(r.stderr).not.toContain('hunter2secret');
  });

  test('the embedded default leaves no temp dir behind', () => {
    // A private TMPDIR: other test files start servers in the shared one at the same time.
    const own = mkdtempSync(join(tmpdir(), 'rv-cli-tmp-'));
    chmodSync(own, 0o777);
    const r = cli(['examples/rollback-sql', '--seed-rows', '0'], REPO_ROOT, { TMPDIR: own });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('embedded PostgreSQL');
    expect(readdirSync(own)).toEqual([]);
    rmSync(own, { recursive: true, force: true });
  });
});
