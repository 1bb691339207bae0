/**
 * No scratch database outlives a SIGKILLed run on a shared (`--database-url`) server: three CLI
 * runs on one real server — A alive (held inside its migration until the test opens a gate), B
 * killed with SIGKILL inside its migration, C a quick run. C drops B's database and not A's; at the end only A's existed, and A then passes. The rule itself (whose run is gone) is
 * checked case by case with the machine replaced by probes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { processIdentity } from '../../src/postgres/owner.js';
import { createdFromName, parseScratchComment, SCRATCH_MAX_AGE_MS, scratchComment, scratchName, staleReason, type ScratchOwner, type SweepProbes } from '../../src/postgres/scratch.js';
import { buildBundle } from '../e2e/harness.js';
import { CLI } from '../helpers/cli-process.js';
import { caseTempDir, scratchDatabasesOn } from '../helpers/leftovers.js';
import { usePostgres } from '../helpers/postgres.js';

const server = usePostgres();
/**
 * The gate: a role the test creates to let the held runs go on. Roles are cluster-wide (an
 * advisory lock is not: it lives in one database, and each run has its own).
 */
const GATE = `rv_gate_${process.pid}`;

/** A migration that waits at the gate: the run stays alive inside it. */
const HELD = {
  'm/1_wait.up.sql': `DO $$ BEGIN WHILE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${GATE}') LOOP PERFORM pg_sleep(0.1); END LOOP; END $$;\nCREATE TABLE waited (id int);\n`,
  'm/1_wait.down.sql': 'DROP TABLE waited;\n',
};
const QUICK = {
  'm/1_quick.up.sql': 'CREATE TABLE quick (id int);\n',
  'm/1_quick.down.sql': 'DROP TABLE quick;\n',
};

function project(dir: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function start(cwd: string, tmp: string): Run {
  const child = spawn(process.execPath, [CLI, 'm', '--database-url', server.server().adminUrl, '--seed-rows', '0', '--max-up-seconds', '0'], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Awaited<Run['done']>>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: server.server().adminUrl });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Waits until the run's scratch database exists and a session in it waits at the gate. */
async function waitUntilHeld(run: Run): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const rows = await query<{ datname: string; comment: string | null; waiting: boolean }>(
      `SELECT d.datname, shobj_description(d.oid, 'pg_database') AS comment,
              EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname AND a.wait_event = 'PgSleep') AS waiting
         FROM pg_database d WHERE starts_with(d.datname, 'rollback_verify_')`,
    );
    const mine = rows.find((r) => parseScratchComment(r.comment)?.pid === run.child.pid);
    if (mine?.waiting) return mine.datname;
    if (run.child.exitCode !== null) throw new Error(`the run ended early: ${(await run.done).stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the run never reached its migration');
}

beforeAll(() => buildBundle(), 180_000);

test('one run alive, one SIGKILLed, a third run: only the live run’s database is left, and it passes', async () => {
  const tmp = caseTempDir();
  await query(`DROP ROLE IF EXISTS ${GATE}`);
  let a: Run | undefined;
  try {
    const before = await scratchDatabasesOn(server.server().adminUrl);
    a = start(project(join(tmp, 'a'), HELD), tmp);
    const aDb = await waitUntilHeld(a);
    const b = start(project(join(tmp, 'b'), HELD), tmp);
    const bDb = await waitUntilHeld(b);
    b.child.kill('SIGKILL');
    expect((await b.done).signal).toBe('SIGKILL');
    expect((await scratchDatabasesOn(server.server().adminUrl)).filter((d) => !before.includes(d)).sort()).toEqual([aDb, bDb].sort());

    const c = await start(project(join(tmp, 'c'), QUICK), tmp).done;
    expect([c.code, c.stderr]).toEqual([0, expect.stringContaining(`Dropped the scratch database ${bDb} left behind on this server: its run (pid ${b.child.pid} on `)]);
    expect(c.stderr).not.toContain(aDb);
    // At the end of the third run: the live run's database, and nothing else of these runs.
    expect((await scratchDatabasesOn(server.server().adminUrl)).filter((d) => !before.includes(d))).toEqual([aDb]);

    await query(`CREATE ROLE ${GATE}`);
    const aDone = await a.done;
    expect([aDone.code, aDone.stdout]).toEqual([0, expect.stringMatching(/^PASS: 1 new migration verified/)]);
    expect((await scratchDatabasesOn(server.server().adminUrl)).filter((d) => !before.includes(d))).toEqual([]);
  } finally {
    if (a && a.child.exitCode === null) a.child.kill('SIGKILL');
    await query(`DROP ROLE IF EXISTS ${GATE}`);
  }
}, 240_000);

describe('whose scratch database is left over', () => {
  const self = { host: 'runner-1', scope: 'boot/pidns', pid: 100, started: '5000' };
  const now = Date.parse('2025-06-01T12:00:00Z');
  const probes = (alive: Record<number, string>): SweepProbes => ({ self, now, isAlive: (pid) => pid in alive, startOf: (pid) => alive[pid] });
  const owner = (over: Partial<ScratchOwner> = {}): ScratchOwner => ({ ...self, pid: 200, started: '6000', created: new Date(now - 60_000).toISOString(), ...over });
  const name = scratchName(now - 60_000, 200);

  test('a live run on this host: kept', () => {
    expect(staleReason(name, owner(), probes({ 200: '6000' }))).toBeUndefined();
  });
  test('this run: kept', () => {
    expect(staleReason(name, owner({ pid: 100, started: '5000' }), probes({ 100: '5000' }))).toBeUndefined();
  });
  test('a run whose process is gone: dropped', () => {
    expect(staleReason(name, owner(), probes({}))).toBe('its run (pid 200 on runner-1) is gone');
  });
  test('the pid reused by another process (another start time): dropped', () => {
    expect(staleReason(name, owner(), probes({ 200: '9999' }))).toMatch(/the pid now belongs to another process/);
  });
  test('another host, or another pid namespace on this one: kept while young (its pid means nothing here)', () => {
    expect(staleReason(name, owner({ host: 'runner-2' }), probes({}))).toBeUndefined();
    expect(staleReason(name, owner({ scope: 'boot/other-container' }), probes({}))).toBeUndefined();
  });
  test('older than a day, whoever made it: dropped', () => {
    const old = new Date(now - SCRATCH_MAX_AGE_MS - 3_600_000).toISOString();
    expect(staleReason(name, owner({ host: 'runner-2', created: old }), probes({}))).toBe('created 25 h ago');
  });
  test('no owner yet (a database being created) or a name from before owners: only age counts', () => {
    expect(staleReason(name, undefined, probes({}))).toBeUndefined();
    const legacy = `rollback_verify_${(now - 2 * SCRATCH_MAX_AGE_MS).toString(36)}_0a1b2c3d`;
    expect(createdFromName(legacy)).toBe(now - 2 * SCRATCH_MAX_AGE_MS);
    expect(staleReason(legacy, undefined, probes({}))).toBe('created 48 h ago');
  });
  test('comments: ours round-trip, anything else is not an owner', () => {
    const o = owner();
    expect(parseScratchComment(scratchComment(o))).toEqual(o);
    expect(parseScratchComment('{"pid":1,"host":"x","created":"y"}')).toBeUndefined();
    expect(parseScratchComment('hand-made database')).toBeUndefined();
    expect(processIdentity()).toMatchObject({ pid: process.pid, started: expect.stringMatching(/\d+/) });
  });
});
