/**
 * Runs one migration script the way its tool sends it (one message, wrapped in BEGIN/COMMIT, or
 * statement by statement), times it, and maps a failure to PostgreSQL's message, SQLSTATE, file
 * and line. Each phase sees what a new connection sees: either a new connection, or the run's
 * reused session reset between phases (session.ts), so session state (temp tables, SET, prepared
 * statements) left by one phase cannot make the next one pass.
 */
import pg from 'pg';
import type { Script, SqlScript, SqlStatement } from '../formats/types.js';
import { splitStatements } from '../sql/split.js';
import { isTransactionControl, leadingTriviaLength } from '../sql/lexer.js';
import { isConnectionLoss, isMissingExtension } from '../postgres/failures.js';
import { runCommandScript } from '../tools/run-command.js';
import type { ScriptFailure, ScriptOutcome } from '../result/outcome.js';
import { acquirePhase, needsFreshSession, type PhaseLease, type PhaseSessions } from './session.js';

export interface ExecuteContext {
  url: string;
  statementTimeoutMs: number;
  /** Runs a non-SQL script (a tool's command); provided by the tool-driven formats. */
  runCommand?: (script: Extract<Script, { kind: 'command' }>, url: string) => Promise<ScriptOutcome>;
  /** The run's reused phase sessions (session.ts); without it every phase opens a new connection. */
  sessions?: PhaseSessions;
}

/**
 * Whether the session a SQL phase ran on may serve the next phase after DISCARD ALL: not when the
 * phase lost its connection or timed out, left a COPY in doubt, or did what DISCARD ALL does not
 * undo (session.ts). Used by the lock tracer too.
 */
export function sessionSpent(script: SqlScript, failure: ScriptFailure | undefined): boolean {
  if (failure && (failure.connectionLost || failure.timeout || /\bCOPY\b[\s\S]*\b(STDIN|STDOUT)\b/i.test(script.text))) return true;
  return needsFreshSession(script.text);
}

/** Executes a script and reports how long it took and how it failed, never throwing for SQL errors. */
export async function executeScript(script: Script, ctx: ExecuteContext): Promise<ScriptOutcome> {
  if (script.kind === 'command') {
    // It may end other sessions, the reused one included (checked before its next use).
    ctx.sessions?.markSuspect();
    // The team's own tool runs as a process; the whole step gets the statement timeout as its limit.
    if (ctx.runCommand) return ctx.runCommand(script, ctx.url);
    return runCommandScript(script, { url: ctx.url, timeoutMs: ctx.statementTimeoutMs });
  }
  let lease: PhaseLease;
  try {
    lease = await acquirePhase(ctx);
  } catch (err) {
    return { ms: 0, failure: { ...describeError(err, script, undefined), connectionLost: true } };
  }
  const client = lease.client;
  let failed: ScriptFailure | undefined;
  const started = performance.now();
  let current: SqlStatement | undefined;
  let inTransaction = false;
  try {
    const statements = script.statements;
    if (script.transaction === 'wrap') {
      await client.query('BEGIN');
      inTransaction = true;
    }
    if (statements) {
      for (const stmt of statements) {
        current = stmt;
        await client.query(stmt.sql);
      }
    } else {
      current = { sql: script.text, line: script.line };
      await client.query(script.text);
    }
    current = undefined;
    if (inTransaction) await client.query('COMMIT');
    return { ms: performance.now() - started };
  } catch (err) {
    const ms = performance.now() - started;
    if (inTransaction) await client.query('ROLLBACK').catch(() => {});
    const failure = describeError(err, script, current);
    failed = failure;
    if (!script.statements && failure.line === undefined) {
      const located = await locateFailingStatement(client, script, failure);
      if (located) failure.line = located;
    }
    return { ms, failure };
  } finally {
    await lease.done(sessionSpent(script, failed));
  }
}

/**
 * A script sent as one message fails as a whole, and PostgreSQL gives no position for run-time
 * errors. When the failure rolled everything back (the script is transactional and has no
 * transaction control of its own), replay its statements one by one inside a transaction that is
 * always rolled back, and report the line of the first one that fails the same way. The database
 * ends as it was; only sequences a statement advanced stay advanced, as after any rollback.
 */
async function locateFailingStatement(client: pg.Client, script: SqlScript, failure: ScriptFailure): Promise<number | undefined> {
  if (failure.connectionLost || failure.timeout || !failure.sqlstate) return undefined;
  let statements = splitStatements(script.text, script.line);
  // A script that is one BEGIN … COMMIT of its own failed inside it and rolled back as a whole,
  // like a script without one: replay what is between (the lock tracer does the same, so the
  // line is the same with and without tracing).
  const first = statements[0];
  const last = statements[statements.length - 1];
  if (statements.length > 2 && first && last && /^(BEGIN|START\s+TRANSACTION)\b/i.test(first.sql.slice(leadingTriviaLength(first.sql))) && /^(COMMIT|END)\b/i.test(last.sql.slice(leadingTriviaLength(last.sql)))) {
    statements = statements.slice(1, -1);
  }
  if (statements.length < 2) return statements[0] ? statements[0].line + leadingBlankLines(statements[0].sql) : undefined;
  if (statements.some((s) => isTransactionControl(s.sql))) return undefined;
  try {
    // The failed message may have left its own transaction block open (aborted): end it first.
    await client.query('ROLLBACK').catch(() => {});
    await client.query('BEGIN');
    for (const stmt of statements) {
      try {
        await client.query(stmt.sql);
      } catch (err) {
        const e = err as pg.DatabaseError;
        if (e.code !== failure.sqlstate) return undefined;
        const pos = Number(e.position);
        return stmt.line + (pos > 0 ? countNewlines(stmt.sql, pos - 1) : leadingBlankLines(stmt.sql));
      }
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
}

/** Maps a pg error to a ScriptFailure with file and line (also used by the lock tracer, src/locks/tracer.ts). */
export function describeError(err: unknown, script: SqlScript | Extract<Script, { kind: 'command' }>, stmt: SqlStatement | undefined): ScriptFailure {
  const e = err as pg.DatabaseError & { code?: string };
  const sqlstate = typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  const failure: ScriptFailure = { message: (e.message ?? String(err)).trim(), sqlstate, file: script.file };
  if (stmt) {
    const pos = Number(e.position);
    // Without a position, a whole-file message cannot say which statement failed: leave the line
    // open for locateFailingStatement rather than pointing at the top of the file.
    if (pos > 0) failure.line = stmt.line + countNewlines(stmt.sql, pos - 1);
    else if (script.kind === 'sql' && script.statements) failure.line = stmt.line + leadingBlankLines(stmt.sql);
  }
  // The objects the error names: what a retry on other synthetic rows needs to reshape them.
  for (const field of ['detail', 'schema', 'table', 'column', 'constraint'] as const) {
    const value = e[field];
    if (typeof value === 'string' && value) failure[field] = value;
  }
  if (sqlstate && isMissingExtension(failure.message, sqlstate)) failure.environment = true;
  if (sqlstate === '57014') failure.timeout = true;
  if (isConnectionLoss(err)) failure.connectionLost = true;
  return failure;
}

function countNewlines(text: string, upTo: number): number {
  // PostgreSQL's position counts characters, not bytes; JS strings index UTF-16 units, so walk code points.
  let lines = 0;
  let i = 0;
  for (const ch of text) {
    if (i++ >= upTo) break;
    if (ch === '\n') lines++;
  }
  return lines;
}

/** A statement's text may start with comments/blank lines; its line is where the SQL starts. */
function leadingBlankLines(sql: string): number {
  const lead = leadingTriviaLength(sql);
  return countNewlines(sql.slice(0, lead), lead);
}
