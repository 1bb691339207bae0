/**
 * Cancellation mid-run: SIGINT (Ctrl-C) and SIGTERM (what a runner sends a cancelled job) to the
 * bundled CLI and the bundled action while a migration is running end with exit 130/143 and
 * nothing left; SIGKILL, which no handler sees, is cleaned up by the parent-death watchdog.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createPrRepo, type Files, type PrRepo } from '../../__fixtures__/git-repo.js';
import { startFakeGitHub, type FakeGitHub } from '../../__fixtures__/fake-github.js';
import { buildBundle, pullRequestEvent, runAction } from '../e2e/harness.js';
import { runCli } from '../helpers/cli-process.js';
import { caseTempDir, expectNoLeftovers, postgresProcessesUnder } from '../helpers/leftovers.js';

const DIR = 'db/migrations';
/** Migration 1 is quick; migration 2 sleeps long enough to be interrupted. */
const FILES: Record<string, string> = {
  [`${DIR}/1_one.up.sql`]: 'CREATE TABLE one (id int);\n',
  [`${DIR}/1_one.down.sql`]: 'DROP TABLE one;\n',
  [`${DIR}/2_slow.up.sql`]: 'SELECT pg_sleep(120);\nCREATE TABLE slow (id int);\n',
  [`${DIR}/2_slow.down.sql`]: 'DROP TABLE slow;\n',
};
/** The run is inside migration 2's up once migration 1's re-up is logged (per-phase lines need --verbose). */
const IN_SLOW_UP = /1 reup\s+ok/;

let gh: FakeGitHub;
const repos: PrRepo[] = [];
beforeAll(async () => {
  await buildBundle();
  gh = await startFakeGitHub();
}, 180_000);
afterAll(async () => {
  await gh.close();
  for (const r of repos) r.cleanup();
});

function cliProject(tmp: string): string {
  const cwd = join(tmp, 'project');
  for (const [path, content] of Object.entries(FILES)) {
    mkdirSync(join(cwd, path, '..'), { recursive: true });
    writeFileSync(join(cwd, path), content);
  }
  return cwd;
}

/** Sends `signal` once the slow migration runs; records that it did. */
function signalWhenSlow(signal: NodeJS.Signals) {
  const state = { sent: false, serverSeen: false };
  const watch = (all: string, child: ChildProcess, tmp: string) => {
    if (state.sent || !IN_SLOW_UP.test(all)) return;
    state.sent = true;
    // The cluster must be up at the moment of the signal, or "nothing left" proves nothing.
    setTimeout(() => {
      state.serverSeen = postgresProcessesUnder(tmp).length > 0;
      child.kill(signal);
    }, 300);
  };
  return { state, watch };
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s mid-run', (signal, code) => {
  test(`the CLI exits ${code}, no server, dir or scratch database left`, async () => {
    const tmp = caseTempDir();
    const runTmp = join(tmp, 'run');
    mkdirSync(runTmp, { mode: 0o777 });
    const { state, watch } = signalWhenSlow(signal);
    const r = await runCli({ args: [DIR, '--postgres', 'embedded', '--seed-rows', '5', '--verbose'], cwd: cliProject(tmp), tmpDir: runTmp, onStderr: (all, child) => watch(all, child, runTmp), hangAfterMs: 60_000 });
    expect(state.sent).toBe(true);
    expect(state.serverSeen).toBe(true);
    expect(r.hung).toBe(false);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(`rollback-verify: ${signal} received, cleaning up`);
    await expectNoLeftovers({ tempDir: runTmp });
  });

  test(`the action exits ${code}, no server or dir left`, async () => {
    const tmp = caseTempDir();
    const repo = createPrRepo({ 'README.md': 'x\n' }, FILES as Files);
    repos.push(repo);
    const { state, watch } = signalWhenSlow(signal);
    let out = '';
    const run = await runAction({
      checkout: repo.checkout(),
      gh,
      sha: repo.headSha,
      event: pullRequestEvent({ number: 3, baseSha: repo.baseSha, headSha: repo.headSha }),
      inputs: { 'migrations-dir': DIR, postgres: 'embedded', 'postgres-version': '17', 'seed-rows': '5' },
      env: { TMPDIR: tmp },
      onSpawn: (child) => child.stdout!.on('data', (d: Buffer) => watch((out += d.toString()), child, tmp)),
    });
    expect(state.sent).toBe(true);
    expect(state.serverSeen).toBe(true);
    expect(run.code).toBe(code);
    await expectNoLeftovers({ tempDir: tmp });
  });
});

test('SIGKILL: the watchdog stops the server and removes its dir', async () => {
  const tmp = caseTempDir();
  const runTmp = join(tmp, 'run');
  mkdirSync(runTmp, { mode: 0o777 });
  const { state, watch } = signalWhenSlow('SIGKILL');
  const r = await runCli({ args: [DIR, '--postgres', 'embedded', '--seed-rows', '5', '--verbose'], cwd: cliProject(tmp), tmpDir: runTmp, onStderr: (all, child) => watch(all, child, runTmp), hangAfterMs: 60_000 });
  expect(state.serverSeen).toBe(true);
  expect(r.signal).toBe('SIGKILL');
  await expectNoLeftovers({ tempDir: runTmp, waitMs: 15_000 });
});
