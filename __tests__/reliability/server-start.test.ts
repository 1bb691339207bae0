/**
 * The embedded server at the start of a run: a port already taken costs a retry, not the run; a
 * temp dir that cannot hold a cluster (a file, or a full disk) is one environment line with
 * nothing left behind — in process, and through the bundled CLI (TMPDIR).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { EnvironmentError } from '../../src/errors.js';
import { requireEmbeddedBinaries } from '../../src/postgres/embedded.js';
import { freePort, startLocalCluster } from '../../src/postgres/local-cluster.js';
import { buildBundle } from '../e2e/harness.js';
import { errorLines, runCli } from '../helpers/cli-process.js';
import { caseTempDir, expectNoLeftovers } from '../helpers/leftovers.js';

const cluster = (tempRoot: string, firstPort?: number) =>
  startLocalCluster({ provider: 'embedded', binaries: requireEmbeddedBinaries(), description: 'embedded PostgreSQL (test)', tempRoot, firstPort });

beforeAll(() => buildBundle(), 180_000);

test('a port already in use at start: retried on another port', async () => {
  const tmp = caseTempDir();
  const port = await freePort();
  // It accepts the startup probes and never answers; they are destroyed at the end.
  const sockets: Socket[] = [];
  const squatter: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', () => r()));
  try {
    const server = await cluster(tmp, port);
    const used = Number(new URL(server.adminUrl).port);
    expect(used).not.toBe(port);
    const c = new pg.Client({ connectionString: server.adminUrl });
    await c.connect();
    expect((await c.query('SELECT 1 AS one')).rows[0].one).toBe(1);
    await c.end();
    await server.stop();
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => squatter.close(r));
  }
  await expectNoLeftovers({ tempDir: tmp });
});

test('a temp root that is a file: one environment error, nothing left', async () => {
  const tmp = caseTempDir();
  const file = join(tmp, 'not-a-dir');
  writeFileSync(file, 'x');
  const err = await cluster(file).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(EnvironmentError);
  expect((err as Error).message).toMatch(/cannot create a temp dir for PostgreSQL in .*not-a-dir: ENOTDIR/);

  // Through the CLI: TMPDIR pointing at a file.
  const cwd = join(tmp, 'project');
  mkdirSync(join(cwd, 'm'), { recursive: true });
  writeFileSync(join(cwd, 'm', '1_t.up.sql'), 'CREATE TABLE t (id int);\n');
  writeFileSync(join(cwd, 'm', '1_t.down.sql'), 'DROP TABLE t;\n');
  const r = await runCli({ args: ['m', '--postgres', 'embedded'], cwd, tmpDir: file, hangAfterMs: 60_000 });
  expect(r.code).toBe(2);
  expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^rollback-verify: cannot create a temp dir for PostgreSQL in .*not-a-dir: ENOTDIR/)]);
  expect(r.stdout).toBe('');
  expect(readdirSync(tmp).sort()).toEqual(['not-a-dir', 'project']);
});

// A 1 MB tmpfs: initdb cannot fit a cluster. Needs CAP_SYS_ADMIN (root in CI containers).
const canMount = (() => {
  if (process.getuid?.() !== 0) return false;
  const probe = caseTempDir('rv-mount-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

(canMount ? test : test.skip)('no space in the temp dir: initdb fails with one environment line, nothing left', async () => {
  const tiny = caseTempDir('rv-tiny-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0777', 'tmpfs', tiny]);
  try {
    const cwd = join(caseTempDir(), 'project');
    mkdirSync(join(cwd, 'm'), { recursive: true });
    writeFileSync(join(cwd, 'm', '1_t.up.sql'), 'CREATE TABLE t (id int);\n');
    writeFileSync(join(cwd, 'm', '1_t.down.sql'), 'DROP TABLE t;\n');
    const r = await runCli({ args: ['m', '--postgres', 'embedded'], cwd, tmpDir: tiny, hangAfterMs: 60_000 });
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^rollback-verify: initdb failed \(embedded PostgreSQL.*\): .*No space left on device/)]);
    await expectNoLeftovers({ tempDir: tiny });
  } finally {
    execFileSync('umount', [tiny]);
  }
});
