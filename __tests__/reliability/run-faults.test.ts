/**
 * Faults during a run, through the bundled CLI: a migration that never ends, a tool that hangs, a
 * migration that ends its own connection, everyone's connections, or the server itself. Each run
 * must end (a verdict, or one clear environment error), keep every migration's outcome so far in
 * the JSON report, and leave nothing behind. Runs that attack the server use their own embedded
 * cluster (in the case's TMPDIR); the rest share this file's server through --database-url.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle } from '../e2e/harness.js';
import { usePostgres } from '../helpers/postgres.js';
import { caseTempDir, expectNoLeftovers } from '../helpers/leftovers.js';
import { errorLines, runCli } from '../helpers/cli-process.js';

const server = usePostgres();

interface Report {
  status: string;
  migrations: Array<{ id: string; status: string; phases: Record<string, { ok: boolean; error?: string } | undefined> }>;
  problems: Array<{ kind: string; migration?: string; message: string }>;
  notes: string[];
}

/** Migrations 1 (fine), 2 (`up2`), 3 (fine), golang-migrate style, in a project under the case dir. */
function project(tmp: string, up2: string, extra: Record<string, string> = {}): string {
  const root = join(tmp, 'project');
  const files: Record<string, string> = {
    'm/1_one.up.sql': 'CREATE TABLE one (id int PRIMARY KEY);\n',
    'm/1_one.down.sql': 'DROP TABLE one;\n',
    'm/2_two.up.sql': up2,
    'm/2_two.down.sql': 'DROP TABLE IF EXISTS two;\n',
    'm/3_three.up.sql': 'CREATE TABLE three (id int);\n',
    'm/3_three.down.sql': 'DROP TABLE three;\n',
    ...extra,
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Runs the CLI on `m` with a JSON report; returns the run and the report (if written). */
async function verifyFaulty(tmp: string, cwd: string, args: string[], hangAfterMs = 90_000) {
  const runTmp = join(tmp, 'run');
  mkdirSync(runTmp, { mode: 0o777 });
  const json = join(tmp, 'report.json');
  const started = Date.now();
  const r = await runCli({ args: ['m', '--seed-rows', '5', '--json', json, ...args], cwd, tmpDir: runTmp, hangAfterMs });
  const report = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as Report) : undefined;
  return { r, report, runTmp, seconds: (Date.now() - started) / 1000 };
}

beforeAll(() => buildBundle(), 180_000);

describe('faults during a run end with a verdict and the outcomes so far', () => {
  test('a migration that sleeps forever: statement timeout → timeout problem, later migrations not run', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, 'CREATE TABLE two (id int);\nSELECT pg_sleep(100000);\n');
    const { r, report, runTmp, seconds } = await verifyFaulty(tmp, cwd, ['--statement-timeout', '2', '--database-url', server.server().adminUrl]);
    expect(r.hung).toBe(false);
    expect(r.code).toBe(1);
    expect(seconds).toBeLessThan(60);
    expect(report!.migrations.map((m) => [m.id, m.status])).toEqual([['1', 'ok'], ['2', 'failed'], ['3', 'not-run']]);
    const timeout = report!.problems.find((p) => p.kind === 'timeout');
    expect(timeout).toMatchObject({ migration: '2', message: expect.stringMatching(/statement timeout/) });
    expect(r.stdout).toMatch(/timeout/);
    expect(report!.notes.join('\n')).toMatch(/not run: 3/);
    await expectNoLeftovers({ tempDir: runTmp, databaseUrl: server.server().adminUrl });
  });

  test('a tool command that hangs (--format commands): killed at the time limit → timeout problem', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, '');
    // Plain shell-script "migrations": the second one's up never ends (a unique sleep to look for).
    const m = join(cwd, 'm');
    for (const f of readdirSync(m)) rmSync(join(m, f));
    writeFileSync(join(m, '1_one.sh'), 'exit 0\n');
    writeFileSync(join(m, '2_hang.sh'), 'if [ "$1" = up ]; then sleep 4242; fi\n');
    writeFileSync(join(m, '3_three.sh'), 'exit 0\n');
    const { r, report, runTmp, seconds } = await verifyFaulty(tmp, cwd, [
      '--format', 'commands', '--up-command', 'sh {file} up', '--down-command', 'sh {file} down',
      '--statement-timeout', '2', '--database-url', server.server().adminUrl,
    ]);
    expect(r.hung).toBe(false);
    expect(r.code).toBe(1);
    expect(seconds).toBeLessThan(60);
    expect(report!.migrations.map((x) => [x.id, x.status])).toEqual([['1', 'ok'], ['2', 'failed'], ['3', 'not-run']]);
    expect(report!.problems.find((p) => p.kind === 'timeout')).toMatchObject({ migration: '2', message: expect.stringMatching(/did not finish within 2 s; its process group was killed/) });
    // The hung tool and its children are gone, not orphaned.
    expect(processesMatching('sleep 4242')).toEqual([]);
    await expectNoLeftovers({ tempDir: runTmp, databaseUrl: server.server().adminUrl });
  });

  test('a migration that terminates its own connection: up-failed, connection lost, the run stops cleanly', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, 'CREATE TABLE two (id int);\nSELECT pg_terminate_backend(pg_backend_pid());\n');
    const { r, report, runTmp } = await verifyFaulty(tmp, cwd, ['--database-url', server.server().adminUrl]);
    expect(r.hung).toBe(false);
    expect(r.code).toBe(1);
    expect(report!.migrations.map((m) => [m.id, m.status])).toEqual([['1', 'ok'], ['2', 'failed'], ['3', 'not-run']]);
    expect(report!.problems.find((p) => p.migration === '2')).toMatchObject({ kind: 'up-failed', message: expect.stringMatching(/terminating connection|Connection terminated/) });
    await expectNoLeftovers({ tempDir: runTmp, databaseUrl: server.server().adminUrl });
  });

  test("a migration that terminates everyone's connections (its own server)", async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, "CREATE TABLE two (id int);\nSELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid();\nSELECT pg_terminate_backend(pg_backend_pid());\n");
    const { r, report, runTmp } = await verifyFaulty(tmp, cwd, ['--postgres', 'embedded']);
    expect(r.hung).toBe(false);
    expect([1, 2]).toContain(r.code);
    expect(errorLines(r.stderr).filter((l) => /^\s+at /.test(l))).toEqual([]);
    expect(report).toBeDefined();
    expect(report!.migrations.map((m) => [m.id, m.status])).toEqual([['1', 'ok'], ['2', 'failed'], ['3', 'not-run']]);
    await expectNoLeftovers({ tempDir: runTmp });
  });

  // The superuser of a local cluster can run programs as the server's OS user: kill the postmaster
  // (its pid is the first line of postmaster.pid in the data directory) underneath the run.
  const postmasterPid = "split_part(pg_read_file(current_setting('data_directory') || '/postmaster.pid'), E'\\n', 1)";
  const runProgram = (program: string) => `DO $$ BEGIN EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', ${program}); END $$;`;
  /** Kills the server at once; the sleep makes sure the up is still running when it goes. */
  const killServerNow = `CREATE TABLE two (id int);\n${runProgram(`'kill -QUIT ' || ${postmasterPid}`)}\nSELECT pg_sleep(5);\n`;
  /**
   * The up commits, then the server dies between phases: it ends every other session (the
   * protocol's inspection connection) and installs a login trigger (PostgreSQL 17) that kills
   * the server when that connection is reopened.
   */
  const killServerOnNextLogin = [
    'CREATE TABLE two (id int);',
    `CREATE FUNCTION kill_on_login() RETURNS event_trigger LANGUAGE plpgsql AS $f$ BEGIN ${runProgram(`'kill -QUIT ' || ${postmasterPid}`).replace(/^DO \$\$ BEGIN |; END \$\$;$/g, '')}; END $f$;`,
    'CREATE EVENT TRIGGER kill_on_login ON login EXECUTE FUNCTION kill_on_login();',
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid();",
  ].join('\n');

  test('a migration that kills the server during its up: a verdict with the outcomes so far, nothing left', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, killServerNow);
    const { r, report, runTmp, seconds } = await verifyFaulty(tmp, cwd, ['--postgres', 'embedded']);
    expect(r.hung).toBe(false);
    expect(r.code).toBe(1);
    expect(seconds).toBeLessThan(60);
    expect(report!.migrations.map((m) => [m.id, m.status])).toEqual([['1', 'ok'], ['2', 'failed'], ['3', 'not-run']]);
    expect(report!.problems.find((p) => p.migration === '2')?.kind).toBe('up-failed');
    await expectNoLeftovers({ tempDir: runTmp, waitMs: 5000 });
  });

  test('the server dies after an up succeeded (between phases): a verdict with the outcomes so far, nothing left', async () => {
    const tmp = caseTempDir();
    const cwd = project(tmp, killServerOnNextLogin);
    const { r, report, runTmp, seconds } = await verifyFaulty(tmp, cwd, ['--postgres', 'embedded']);
    expect(r.hung).toBe(false);
    expect(seconds).toBeLessThan(60);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([]);
    expect(report!.migrations.map((m) => [m.id, m.status])).toEqual([['1', 'ok'], ['2', 'failed'], ['3', 'not-run']]);
    expect(report!.migrations[1]!.phases.up?.ok).toBe(true);
    expect(report!.problems.find((p) => p.migration === '2')).toMatchObject({ kind: 'up-failed', message: expect.stringMatching(/after the up of 2_two the scratch database could not be reached/) });
    expect(report!.notes.join('\n')).toMatch(/not run: 3/);
    await expectNoLeftovers({ tempDir: runTmp, waitMs: 5000 });
  });
});

/** Processes whose command line contains `needle` (Linux /proc). */
function processesMatching(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').includes(needle)) out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}
