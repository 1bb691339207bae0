/**
 * A reused phase session must look like a new connection to every phase: state one phase leaves
 * in its session (temp tables, settings, role, prepared statements, cursors, advisory locks,
 * LISTEN, sequence state, an open transaction) is gone for the next. Each case runs both ways —
 * phase 2 asserts the state is absent (passes only without the leak) and asserts it is present
 * (fails only without the leak) — and its outcome is compared with phase 2 on a new connection.
 * Real PostgreSQL, through both runners (executeScript and the lock tracer).
 */
import pg from 'pg';
import { usePostgres } from '../helpers/postgres.js';
import { executeScript, type ExecuteContext } from '../../src/execute/script.js';
import { needsFreshSession, PhaseSessions } from '../../src/execute/session.js';
import { traceScript } from '../../src/locks/tracer.js';
import { registerCleanup, runAllCleanups } from '../../src/cleanup.js';
import type { SqlScript } from '../../src/formats/types.js';
import type { ScriptOutcome } from '../../src/result/outcome.js';

const server = usePostgres();
const TIMEOUT_MS = 5000;

const sql = (text: string, transaction: SqlScript['transaction'] = 'implicit'): SqlScript => ({ kind: 'sql', file: 'm.sql', text, line: 1, transaction });

type Runner = (script: SqlScript, ctx: ExecuteContext) => Promise<ScriptOutcome>;
const runners: Array<[string, Runner]> = [
  ['executeScript', executeScript],
  ['lock tracer', traceScript],
];

/** Raises when `cond` (a boolean SQL expression) is true / false. */
const assertNot = (cond: string) => sql(`DO $$ BEGIN IF ${cond} THEN RAISE EXCEPTION 'leaked'; END IF; END $$;`);
const assertIs = (cond: string) => sql(`DO $$ BEGIN IF NOT (${cond}) THEN RAISE EXCEPTION 'absent'; END IF; END $$;`);

interface Leak {
  name: string;
  /** Phase 1: leaves the state in its session. */
  leave: string;
  /** True in a session that still has the state. */
  present: string;
  /** The state needs a new connection (DISCARD ALL does not undo it). */
  fresh?: boolean;
}

const leaks: Leak[] = [
  { name: 'a temp table', leave: 'CREATE TEMP TABLE rv_tmp (a int);', present: `EXISTS (SELECT 1 FROM pg_class WHERE relname = 'rv_tmp' AND relpersistence = 't')` },
  { name: 'SET search_path', leave: 'SET search_path = other, public;', present: `current_setting('search_path') = 'other, public'` },
  { name: 'SET ROLE', leave: 'SET ROLE rv_weak;', present: `current_user = 'rv_weak'` },
  { name: 'SET SESSION AUTHORIZATION', leave: 'SET SESSION AUTHORIZATION rv_weak;', present: `session_user = 'rv_weak'` },
  // The startup value (-c statement_timeout=5000) is what a new connection has, and what RESET ALL returns to.
  { name: 'SET statement_timeout', leave: `SET statement_timeout = '1234ms';`, present: `current_setting('statement_timeout') <> '5s'` },
  { name: 'SET SESSION CHARACTERISTICS', leave: 'SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE;', present: `current_setting('default_transaction_isolation') = 'serializable'` },
  { name: 'a prepared statement', leave: 'PREPARE rv_p AS SELECT 1;', present: `EXISTS (SELECT 1 FROM pg_prepared_statements WHERE name = 'rv_p')` },
  { name: 'a held cursor', leave: 'DECLARE rv_cur CURSOR WITH HOLD FOR SELECT 1;', present: `EXISTS (SELECT 1 FROM pg_cursors WHERE name = 'rv_cur')` },
  { name: 'a session advisory lock', leave: 'SELECT pg_advisory_lock(4242);', present: `EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND pid = pg_backend_pid())` },
  { name: 'LISTEN', leave: 'LISTEN rv_chan;', present: `'rv_chan' = ANY (ARRAY(SELECT pg_listening_channels()))` },
  { name: "a sequence's currval", leave: `SELECT nextval('rv_seq');`, present: 'has_currval()' },
  // As on disconnect: the open transaction's changes are rolled back.
  { name: 'an open transaction', leave: 'BEGIN;\nCREATE TABLE rv_left_open (a int);\n', present: `to_regclass('public.rv_left_open') IS NOT NULL` },
  // DISCARD ALL leaves these: the session is replaced.
  { name: 'a custom setting', leave: `SET app.tenant = 'x';`, present: `current_setting('app.tenant', true) IS NOT NULL`, fresh: true },
  { name: 'a custom setting by set_config', leave: `SELECT set_config('app.tenant', 'x', false);`, present: `current_setting('app.tenant', true) IS NOT NULL`, fresh: true },
  { name: 'a loaded library', leave: `LOAD 'auto_explain';`, present: `current_setting('auto_explain.log_min_duration', true) IS NOT NULL`, fresh: true },
];

let url = '';
let admin: pg.Client;
let adminPid = 0;

beforeAll(async () => {
  const db = await server.scratch();
  url = db.url;
  admin = new pg.Client({ connectionString: url });
  // The last test stops the server under it.
  admin.on('error', () => {});
  await admin.connect();
  adminPid = (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  await admin.query(`
    DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rv_weak') THEN CREATE ROLE rv_weak NOLOGIN; END IF; END $$;
    CREATE SCHEMA other;
    CREATE SEQUENCE rv_seq;
    GRANT USAGE ON SEQUENCE rv_seq TO rv_weak;
    CREATE FUNCTION has_currval() RETURNS boolean LANGUAGE plpgsql AS $f$
      BEGIN PERFORM currval('rv_seq'); RETURN true; EXCEPTION WHEN OTHERS THEN RETURN false; END $f$;`);
});

afterAll(async () => {
  await admin.end().catch(() => {});
});

/** Phase 2's outcome after phase 1 on the same reused sessions, and on a new connection. */
async function twoPhases(run: Runner, leave: string, check: SqlScript) {
  const sessions = new PhaseSessions();
  const ctx: ExecuteContext = { url, statementTimeoutMs: TIMEOUT_MS, sessions };
  try {
    const first = await run(sql(leave), ctx);
    const second = await run(check, ctx);
    const onNew = await run(check, { url, statementTimeoutMs: TIMEOUT_MS });
    return { first, second, onNew, opened: sessions.opened };
  } finally {
    await sessions.close();
  }
}

const errorOf = (o: ScriptOutcome) => o.failure?.message;

describe.each(runners)('phases on a reused session (%s)', (_name, run) => {
  test.each(leaks)('$name does not reach the next phase', async (leak) => {
    // The state is there in the phase that made it (else the case proves nothing).
    const own = new pg.Client({ connectionString: url });
    await own.connect();
    try {
      await own.query(leak.leave);
      expect((await own.query<{ p: boolean }>(`SELECT (${leak.present}) AS p`)).rows[0]!.p).toBe(true);
    } finally {
      await own.end();
    }

    const absent = await twoPhases(run, leak.leave, assertNot(leak.present));
    expect(errorOf(absent.first)).toBeUndefined();
    expect(errorOf(absent.second)).toBeUndefined();
    expect(errorOf(absent.second)).toEqual(errorOf(absent.onNew));

    const present = await twoPhases(run, leak.leave, assertIs(leak.present));
    expect(errorOf(present.second)).toBe('absent');
    expect(errorOf(present.second)).toEqual(errorOf(present.onNew));

    // Reused unless DISCARD ALL cannot undo it.
    expect(present.opened).toBe(leak.fresh ? 2 : 1);
  });

  test('a session advisory lock is released for other sessions right after the phase', async () => {
    const sessions = new PhaseSessions();
    try {
      const r = await run(sql('SELECT pg_advisory_lock(777);'), { url, statementTimeoutMs: TIMEOUT_MS, sessions });
      expect(r.failure).toBeUndefined();
      const got = await admin.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(777) AS ok');
      expect(got.rows[0]!.ok).toBe(true);
      await admin.query('SELECT pg_advisory_unlock(777)');
    } finally {
      await sessions.close();
    }
  });

  test('an open transaction is rolled back and its locks released right after the phase', async () => {
    const sessions = new PhaseSessions();
    try {
      await admin.query('CREATE TABLE IF NOT EXISTS rv_locked (a int)');
      const r = await run(sql('BEGIN;\nINSERT INTO rv_locked VALUES (1);\nLOCK TABLE rv_locked IN ACCESS EXCLUSIVE MODE;\n'), { url, statementTimeoutMs: TIMEOUT_MS, sessions });
      expect(r.failure).toBeUndefined();
      await admin.query(`SET lock_timeout = '2s'`);
      const rows = await admin.query('SELECT count(*)::int AS n FROM rv_locked');
      expect(rows.rows[0].n).toBe(0);
    } finally {
      await admin.query('RESET lock_timeout');
      await sessions.close();
    }
  });

  test('a script that terminates its own backend: the next phase runs on a new session', async () => {
    const sessions = new PhaseSessions();
    const ctx = { url, statementTimeoutMs: TIMEOUT_MS, sessions };
    try {
      const killed = await run(sql('SELECT pg_terminate_backend(pg_backend_pid());'), ctx);
      expect(killed.failure?.connectionLost).toBe(true);
      const next = await run(sql('SELECT 1;'), ctx);
      expect(next.failure).toBeUndefined();
      expect(sessions.opened).toBe(2);
    } finally {
      await sessions.close();
    }
  });

  test('a session a tool process terminated while idle: the next phase runs on a new session', async () => {
    const sessions = new PhaseSessions();
    const ctx: ExecuteContext = {
      url, statementTimeoutMs: TIMEOUT_MS, sessions,
      // A tool run as a process that ends every other session on the database.
      runCommand: async () => {
        const killer = new pg.Client({ connectionString: url });
        await killer.connect();
        await killer.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> $1', [adminPid]);
        await killer.end();
        return { ms: 0 };
      },
    };
    try {
      const first = await run(sql('CREATE TABLE IF NOT EXISTS rv_idle (a int);'), ctx);
      expect(first.failure).toBeUndefined();
      const tool = await executeScript({ kind: 'command', file: 'tool', argv: ['tool'], cwd: '.' }, ctx);
      expect(tool.failure).toBeUndefined();
      const next = await run(sql('SELECT 1;'), ctx);
      expect(next.failure).toBeUndefined();
      expect(sessions.opened).toBe(2);
    } finally {
      await sessions.close();
    }
  });

  test('a phase that timed out: the next phase runs on a new session with the startup timeout', async () => {
    const sessions = new PhaseSessions();
    const ctx = { url, statementTimeoutMs: 300, sessions };
    try {
      const slow = await run(sql('SELECT pg_sleep(5);'), ctx);
      expect(slow.failure?.timeout).toBe(true);
      const next = await run(assertIs(`current_setting('statement_timeout') = '300ms'`), ctx);
      expect(next.failure).toBeUndefined();
      expect(sessions.opened).toBe(2);
    } finally {
      await sessions.close();
    }
  });
});

test('a failing statement is still located on the reused session, and the session serves the next phase', async () => {
  const sessions = new PhaseSessions();
  const ctx = { url, statementTimeoutMs: TIMEOUT_MS, sessions };
  try {
    const failed = await executeScript(sql('CREATE TABLE rv_loc (a int);\nINSERT INTO rv_loc VALUES (1);\nINSERT INTO rv_loc VALUES (1/0);\n'), ctx);
    expect(failed.failure?.sqlstate).toBe('22012');
    expect(failed.failure?.line).toBe(3);
    const next = await executeScript(assertNot(`to_regclass('public.rv_loc') IS NOT NULL`), ctx);
    expect(next.failure).toBeUndefined();
    expect(sessions.opened).toBe(1);
  } finally {
    await sessions.close();
  }
});

test('close(url) leaves the database idle: a plain DROP DATABASE succeeds', async () => {
  const db = await server.scratch();
  const sessions = new PhaseSessions();
  const r = await executeScript(sql('SELECT 1;'), { url: db.url, statementTimeoutMs: TIMEOUT_MS, sessions });
  expect(r.failure).toBeUndefined();
  const serverAdmin = new pg.Client({ connectionString: server.server().adminUrl });
  await serverAdmin.connect();
  try {
    const busy = await serverAdmin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [db.name]);
    expect(busy.rows[0]!.n).toBe(1);
    await sessions.close(db.url);
    await serverAdmin.query(`DROP DATABASE "${db.name}"`);
  } finally {
    await serverAdmin.end();
  }
});

test('what DISCARD ALL does not undo is recognised in the script text', () => {
  for (const s of [`LOAD 'auto_explain';`, `SET app.x = 1;`, `SET LOCAL "app"."x" TO 'y';`, `SELECT set_config('app.x', 'y', false);`, `SELECT set_config(name, 'y', false) FROM t;`, `ALTER DATABASE current SET search_path = a;`, `ALTER ROLE r SET work_mem = '1MB';`, `SELECT dblink_connect('c', 'dbname=x');`, `CREATE EXTENSION IF NOT EXISTS pg_trgm;`]) {
    expect([s, needsFreshSession(s)]).toEqual([s, true]);
  }
  for (const s of [`SET search_path = a, public;`, `SELECT set_config('search_path', 'a', false);`, `UPDATE t SET a = b.c FROM b;`, `ALTER TABLE a.t SET SCHEMA b;`, `ALTER TABLE t ALTER c SET DEFAULT public.f();`, `CREATE TABLE loads (a int);`]) {
    expect([s, needsFreshSession(s)]).toEqual([s, false]);
  }
});

// Last: it runs every cleanup (the scratch databases and the server go too).
test('the cleanup registry closes open sessions (SIGINT/SIGTERM leave no connection)', async () => {
  // Registered before the session: cleanups run newest first, so this looks after the session's
  // own cleanup and before the server stops.
  let left = -1;
  registerCleanup(async () => {
    for (let i = 0; i < 100; i++) {
      left = (await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0]!.n;
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  const sessions = new PhaseSessions();
  const r = await executeScript(sql('SELECT 1;'), { url, statementTimeoutMs: TIMEOUT_MS, sessions });
  expect(r.failure).toBeUndefined();
  const lease = await sessions.acquire(url, TIMEOUT_MS);
  const pid = await lease.pid();
  await lease.done();
  await runAllCleanups();
  expect(left).toBe(0);
});
