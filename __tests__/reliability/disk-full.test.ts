/**
 * The disk fills up while the baseline's data is loaded: PostgreSQL PANICs when it cannot write
 * its WAL, the seeding connection dies. The run must end in one clear environment line (exit 2)
 * that points at the disk, never hang, and leave nothing behind; with room, the same run passes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBundle } from '../e2e/harness.js';
import { errorLines, runCli } from '../helpers/cli-process.js';
import { caseTempDir, expectNoLeftovers } from '../helpers/leftovers.js';

beforeAll(() => buildBundle(), 180_000);

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

function project(): string {
  const cwd = join(caseTempDir(), 'project');
  mkdirSync(join(cwd, 'm'), { recursive: true });
  writeFileSync(join(cwd, 'm', '1_t.up.sql'), 'CREATE TABLE t (id bigint PRIMARY KEY, a text NOT NULL, b text NOT NULL, c text);\n');
  writeFileSync(join(cwd, 'm', '1_t.down.sql'), 'DROP TABLE t;\n');
  writeFileSync(join(cwd, 'm', '2_d.up.sql'), 'ALTER TABLE t ADD COLUMN d int;\n');
  writeFileSync(join(cwd, 'm', '2_d.down.sql'), 'ALTER TABLE t DROP COLUMN d;\n');
  return cwd;
}

/** A 60 MB tmpfs: room for a fresh cluster (~39 MB) and a scratch database, not for 400k rows. */
async function withTmpfs(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = caseTempDir('rv-disk-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=60m,mode=0777', 'tmpfs', dir]);
  try {
    await run(dir);
  } finally {
    execFileSync('umount', [dir]);
  }
}

(canMount ? test : test.skip)('disk full while seeding: one environment line naming the disk, exit 2, nothing left', async () => {
  await withTmpfs(async (dir) => {
    const r = await runCli({ args: ['m', '--postgres', 'embedded', '--from', '2', '--seed-rows', '400000'], cwd: project(), tmpDir: dir, hangAfterMs: 120_000 });
    expect(r.hung).toBe(false);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/^rollback-verify: lost the scratch database: .*disk is full, free space in its temp dir \(TMPDIR\) or lower --seed-rows$/)]);
    await expectNoLeftovers({ tempDir: dir });
  });
});

(canMount ? test : test.skip)('near miss: the same disk with a small seed verifies', async () => {
  await withTmpfs(async (dir) => {
    const r = await runCli({ args: ['m', '--postgres', 'embedded', '--from', '2', '--seed-rows', '1000'], cwd: project(), tmpDir: dir, hangAfterMs: 120_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\nPASS: 1 new migration verified.*\n$/);
    await expectNoLeftovers({ tempDir: dir });
  });
});
