/**
 * The bundled action as root on a runner whose RUNNER_TOOL_CACHE, RUNNER_TEMP and TMPDIR sit below
 * a 0700 directory (a self-hosted runner installed under /root, a container job). PostgreSQL
 * refuses root, so it runs as the `postgres` OS user, who cannot enter that directory: the
 * embedded binaries installed into the tool cache and the data directory must be placed where it
 * can reach them, and the run must pass with nothing left in the private directories.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrRepo, type Files, type PrRepo } from '../../__fixtures__/git-repo.js';
import { startFakeGitHub, type FakeGitHub } from '../../__fixtures__/fake-github.js';
import { postgresProcessesUnder } from '../helpers/leftovers.js';
import { buildBundle, canRunAsRoot, pullRequestEvent, runAction } from './harness.js';

const DIR = 'db/migrations';
const BASE: Files = {
  [`${DIR}/000001_users.up.sql`]: 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);\n',
  [`${DIR}/000001_users.down.sql`]: 'DROP TABLE users;\n',
};
const HEAD: Files = {
  [`${DIR}/000002_email_idx.up.sql`]: 'CREATE INDEX users_email_idx ON users (email);\n',
  [`${DIR}/000002_email_idx.down.sql`]: 'DROP INDEX users_email_idx;\n',
};

const root = canRunAsRoot();
let gh: FakeGitHub;
let repo: PrRepo;
let home: string;
beforeAll(async () => {
  await buildBundle();
  gh = await startFakeGitHub();
  repo = createPrRepo(BASE, HEAD);
}, 180_000);
afterAll(async () => {
  await gh.close();
  repo.cleanup();
  if (home) {
    if (process.getuid?.() === 0) rmSync(home, { recursive: true, force: true });
    else execFileSync('sudo', ['-n', 'rm', '-rf', home]);
  }
});

(root ? test : test.skip)('as root with the tool cache and the temp dirs below a 0700 directory: the action passes', async () => {
  // Like /root on a self-hosted runner: only its owner (root) may enter.
  home = mkdtempSync(join(tmpdir(), 'rv-root-home-'));
  const dirs = { tc: join(home, 'runner', 'tool-cache'), temp: join(home, 'runner', 'temp'), tmp: join(home, 'tmp') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  if (process.getuid?.() !== 0) execFileSync('sudo', ['-n', 'chown', '-R', 'root:root', home]);
  if (process.getuid?.() === 0) chmodSync(home, 0o700);
  else execFileSync('sudo', ['-n', 'chmod', '700', home]);

  const run = await runAction({
    checkout: repo.checkout(),
    gh,
    sha: repo.headSha,
    event: pullRequestEvent({ number: 4, baseSha: repo.baseSha, headSha: repo.headSha }),
    // 16 is not beside the bundle: it is installed into the private tool cache, as on a runner.
    inputs: { 'migrations-dir': DIR, postgres: 'embedded', 'postgres-version': '16', 'seed-rows': '10', comment: 'never' },
    env: { RUNNER_TOOL_CACHE: dirs.tc, RUNNER_TEMP: dirs.temp, TMPDIR: dirs.tmp },
    asRoot: true,
  });
  const explain = `exit ${run.code}\n${run.stdout}\n${run.stderr}`;
  expect([run.code, run.outputs.status]).toEqual([0, 'pass']);
  expect(run.stdout).toMatch(/PostgreSQL 16\.\d+: embedded PostgreSQL/);
  // Both were out of the postgres user's reach, and the log says where they went instead.
  expect(run.stdout).toContain(`who cannot enter ${home} (mode 0700, owner uid 0): its data directory goes to`);
  expect(run.stdout).toContain(`who cannot enter ${home} (mode 0700, owner uid 0): its binaries are linked into`);
  expect(run.summary).toContain('Rollback check passed');
  // Nothing left: no server, no cluster dir in the private temp dir.
  const left = process.getuid?.() === 0 ? readdirSync(dirs.tmp) : execFileSync('sudo', ['-n', 'ls', '-A', dirs.tmp], { encoding: 'utf8' }).split('\n').filter(Boolean);
  expect(left).toEqual([]);
  expect(postgresProcessesUnder(home)).toEqual([]);
  expect(explain).not.toMatch(/EACCES/);
}, 300_000);
