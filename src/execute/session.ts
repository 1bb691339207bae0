/**
 * One reused server session for the SQL phases of a run, reset between phases so that a phase
 * sees what a new connection would see. Opening a connection costs ~20 ms (a new backend, then
 * cold catalog caches for every statement of the phase); a step-wise run opens three per migration.
 *
 * What makes reuse equivalent to a new connection:
 * - After every phase, `ROLLBACK` (a script may leave a transaction open: a new connection's close
 *   would have rolled it back, and its locks must not outlive the phase) and `DISCARD ALL`
 *   (cursors, SET SESSION AUTHORIZATION DEFAULT, RESET ALL — back to the startup values, our
 *   `-c statement_timeout=` included —, prepared statements, LISTEN, session advisory locks,
 *   cached plans, temp tables, sequence state: PostgreSQL's own list in its DISCARD page).
 * - What DISCARD ALL does not undo forces a new connection instead (`needsFreshSession`): loaded
 *   libraries (`LOAD`, `CREATE EXTENSION`: a library stays loaded with the settings it defines),
 *   custom settings (`SET app.x` leaves a placeholder: `current_setting('app.x')` then returns ''
 *   where a new session errors), per-database/per-role settings changed by ALTER DATABASE/ROLE
 *   (read only at connection start), dblink's named connections; and a phase that lost its
 *   connection, timed out, or failed with a COPY in flight.
 * - Before a phase, pending socket events are let in (a session the server ended says so), and
 *   after a tool ran as a process (it may have terminated other sessions, ours included, and we
 *   may not have heard yet) one round trip checks the session is still the one we reset; any
 *   doubt opens a new one. Nothing else on the scratch database ends other sessions: our own SQL
 *   phases run on this session, and the checks only read.
 *
 * Not covered, accepted: a library loaded on demand by a function call (an extension's C function,
 * plpgsql on first use) stays loaded; a later phase can tell only by that library's settings
 * being defined before it uses them. (Counting pg_settings per phase would catch it, at ~2-6 ms a
 * phase, a third of what the reuse saves.)
 *
 * Sessions are opt-in (ExecuteContext.sessions): the protocol owns one pool, closes it at the end,
 * before the scratch database is recreated (restore.ts) and before it is copied as a template
 * (CREATE DATABASE … TEMPLATE needs it idle); the pool is also registered with the cleanup registry.
 */
import pg from 'pg';
import { registerCleanup } from '../cleanup.js';

/** A connected client for one phase; `done` hands it back (reset for the next phase, or closed). */
export interface PhaseLease {
  readonly client: pg.Client;
  /** The backend's pid (known for a pooled session; asked once otherwise). */
  pid(): Promise<number>;
  /**
   * Ends the phase. `fresh` says the session must not be reused (what the phase did is not
   * undone by DISCARD ALL, or it lost its connection / timed out).
   */
  done(fresh?: boolean): Promise<void>;
}

interface Session {
  client: pg.Client;
  pid: number;
  alive: boolean;
  busy: boolean;
  /** Something that may have ended it ran since it was reset: ask before using it. */
  suspect: boolean;
}

/** The session's backend: asked when it opens, and before every phase (still alive, still it). */
const PROBE_SQL = 'SELECT pg_catalog.pg_backend_pid() AS pid';

/** Phase connections by (URL, statement timeout), reused with a reset between phases. */
export class PhaseSessions {
  private readonly sessions = new Map<string, Session>();
  private unregister?: () => Promise<void>;
  /** Connections opened, for tests and the profile (a reused phase opens none). */
  opened = 0;

  /** A connected client for a phase. Throws what `connect()` throws when the server refuses. */
  async acquire(url: string, statementTimeoutMs: number): Promise<PhaseLease> {
    const key = `${statementTimeoutMs}\u0000${url}`;
    // A session the server ended while idle says so in an event not yet handled: let it in.
    await new Promise((r) => setImmediate(r));
    let s = this.sessions.get(key);
    if (s && !s.busy) {
      let ok = s.alive;
      if (ok && s.suspect) {
        // Still alive and still the one we reset? Any doubt: a new one.
        s.suspect = false;
        const pid = s.pid;
        ok = await s.client
          .query<{ pid: number }>(PROBE_SQL)
          .then((r) => r.rows[0]!.pid === pid)
          .catch(() => false);
      }
      if (!ok) {
        await this.drop(key, s);
        s = undefined;
      }
    }
    if (s?.busy) return this.unpooled(url, statementTimeoutMs);
    if (!s) {
      s = await this.open(url, statementTimeoutMs);
      this.sessions.set(key, s);
      this.unregister ??= registerCleanup(() => this.closeAll());
    }
    const session = s;
    session.busy = true;
    return {
      client: session.client,
      pid: async () => session.pid,
      done: async (fresh = false) => {
        session.busy = false;
        // Awaited: a transaction the reset could not end holds its locks until the backend exits.
        if (fresh || !session.alive || !(await reset(session.client))) await this.drop(key, session);
      },
    };
  }

  /** A tool ran as a process (it may end other sessions): check each session before its next use. */
  markSuspect(): void {
    for (const s of this.sessions.values()) s.suspect = true;
  }

  /**
   * Closes the sessions on `url` (every session without one): before that database is dropped,
   * recreated or copied as a template, and at the end of the run.
   */
  async close(url?: string): Promise<void> {
    const ends: Promise<void>[] = [];
    for (const [key, s] of [...this.sessions]) {
      if (url !== undefined && !key.endsWith(`\u0000${url}`)) continue;
      this.sessions.delete(key);
      ends.push(s.client.end().catch(() => {}));
    }
    await Promise.all(ends);
    if (this.sessions.size === 0 && this.unregister) {
      const unregister = this.unregister;
      this.unregister = undefined;
      await unregister();
    }
  }

  private async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.unregister = undefined;
    await Promise.all(all.map((s) => s.client.end().catch(() => {})));
  }

  private async drop(key: string, s: Session): Promise<void> {
    if (this.sessions.get(key) === s) this.sessions.delete(key);
    // A client whose socket is already gone may never report its end: do not wait long for it.
    await Promise.race([s.client.end().catch(() => {}), new Promise((r) => setTimeout(r, 1000).unref())]);
  }

  private async open(url: string, statementTimeoutMs: number): Promise<Session> {
    const client = newClient(url, statementTimeoutMs);
    await client.connect();
    this.opened++;
    const session: Session = { client, pid: 0, alive: true, busy: false, suspect: false };
    // A session the server ends while idle says so here; the next acquire opens a new one.
    const gone = () => {
      session.alive = false;
    };
    client.on('error', gone);
    client.on('end', gone);
    try {
      const r = await client.query<{ pid: number }>(PROBE_SQL);
      session.pid = r.rows[0]!.pid;
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    return session;
  }

  /** A phase while the pooled session is in use (not done by the protocol): a connection of its own. */
  private async unpooled(url: string, statementTimeoutMs: number): Promise<PhaseLease> {
    return freshLease(url, statementTimeoutMs);
  }
}

/** A new connection for one phase, closed when it is done (no pool: how every phase ran before). */
export async function freshLease(url: string, statementTimeoutMs: number): Promise<PhaseLease> {
  const client = newClient(url, statementTimeoutMs);
  await client.connect();
  let pid: number | undefined;
  return {
    client,
    pid: async () => (pid ??= (await client.query<{ pid: number }>('SELECT pg_catalog.pg_backend_pid() AS pid')).rows[0]!.pid),
    done: async () => {
      await client.end().catch(() => {});
    },
  };
}

/** A phase's lease: from the pool when the context has one, else a new connection. */
export function acquirePhase(ctx: { url: string; statementTimeoutMs: number; sessions?: PhaseSessions }): Promise<PhaseLease> {
  return ctx.sessions ? ctx.sessions.acquire(ctx.url, ctx.statementTimeoutMs) : freshLease(ctx.url, ctx.statementTimeoutMs);
}

function newClient(url: string, statementTimeoutMs: number): pg.Client {
  const client = new pg.Client({
    connectionString: url,
    // statement_timeout as a startup option, so the migration's own SETs still win (and RESET ALL
    // in DISCARD ALL returns to it).
    options: `-c statement_timeout=${Math.max(0, Math.round(statementTimeoutMs))}`,
  });
  // An error event on an idle client (the server went away) must not crash the process.
  client.on('error', () => {});
  return client;
}

/**
 * DISCARD ALL deallocated the server's prepared statements, but node-postgres remembers the names
 * it prepared on this connection and would send them unprepared (the tracer's probe is one):
 * forget them too, so the next use prepares again.
 */
function forgetPreparedStatements(client: pg.Client): void {
  const connection = (client as unknown as { connection?: { parsedStatements?: Record<string, string> } }).connection;
  if (connection?.parsedStatements) connection.parsedStatements = {};
}

/** Back to a new connection's state; false when that failed (the session is then closed). */
async function reset(client: pg.Client): Promise<boolean> {
  try {
    // A transaction the script left open (or aborted) is rolled back, as on disconnect.
    if (client.getTransactionStatus() !== 'I') await client.query('ROLLBACK');
    await client.query('DISCARD ALL');
    forgetPreparedStatements(client);
    return client.getTransactionStatus() === 'I';
  } catch {
    return false;
  }
}

/**
 * True when what `sql` does is not undone by DISCARD ALL, so the next phase needs a new
 * connection: LOAD and CREATE EXTENSION (loaded libraries), custom (dotted) settings,
 * per-database/role settings, dblink connections.
 */
export function needsFreshSession(sql: string): boolean {
  return (
    /\bLOAD\s+'/i.test(sql) ||
    /\bCREATE\s+EXTENSION\b/i.test(sql) ||
    /\bset_config\s*\(\s*(E?'[^']*\.|[^'\s)])/i.test(sql) ||
    /\bSET\s+(?:SESSION\s+|LOCAL\s+)?"?[A-Za-z_][\w$]*"?\s*\.\s*"?[A-Za-z_]/i.test(sql) ||
    /\bALTER\s+(?:DATABASE|ROLE|USER)\b/i.test(sql) ||
    /\bdblink_connect(?:_u)?\s*\(/i.test(sql)
  );
}
