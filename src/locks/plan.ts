/**
 * How the tracer sends a script without changing what it means. It must run the same statements,
 * in the same order, in the same transactions as the real tool, yet stop after each statement to
 * read pg_locks and pg_class inside the transaction (locks are only visible until it ends).
 *
 * - `wrap` (BEGIN … COMMIT around the script or its statements): BEGIN, each statement on its own,
 *   COMMIT. Statements of one explicit transaction behave the same whether they arrive in one
 *   message or several.
 * - `implicit` (the whole text as one simple-query message, one implicit transaction): BEGIN, each
 *   statement, COMMIT. PostgreSQL treats a multi-statement message as a transaction block, so
 *   statements that refuse one (CREATE INDEX CONCURRENTLY, VACUUM) fail the same way with the
 *   same SQLSTATE; a syntax error anywhere fails the message before anything runs, so a script
 *   the parser rejects is sent as it is. A file holding one such statement runs outside any
 *   block under the real tool: it is sent alone and its locks are sampled (see sampler.ts).
 * - `none` (each statement its own message, autocommit): each statement in its own BEGIN …
 *   COMMIT, which is what an autocommitted statement is; statements that refuse a block are sent
 *   alone and sampled.
 * - A script that is one BEGIN … COMMIT of its own (common with golang-migrate) is one transaction
 *   whichever way it is sent (a BEGIN inside the tool's BEGIN only warns, and so does the tool's
 *   COMMIT after it): sent as BEGIN, each statement, COMMIT, using the script's own BEGIN/COMMIT.
 * - Any other script with its own transaction control (BEGIN, COMMIT, SAVEPOINT — SAVEPOINT even errors in
 *   an implicit block) is sent exactly as the tool sends it, watched from a second connection, and
 *   its trace is marked partial. So are tool-driven steps (Alembic, Knex, commands).
 */
import type { Script, SqlScript } from '../formats/types.js';
import { classifyStatement, type StatementInfo } from './classify.js';
import { loadParser, parseScript, parseStatement, type ParsedStatement, type ParserName } from './parser.js';
import { leadingTriviaLength } from '../sql/lexer.js';

export interface TracedStatement extends ParsedStatement {
  info: StatementInfo;
}

/** Statements sent in one transaction of ours, or one statement sent alone. */
export interface SendGroup {
  transaction: boolean;
  statements: TracedStatement[];
  /** The script's own BEGIN … and COMMIT, sent instead of ours (they may carry options). */
  begin?: string;
  commit?: string;
}

export type TracePlan =
  | { kind: 'statements'; parser: ParserName; groups: SendGroup[]; script: SqlScript }
  /** Sent as the tool sends it; `why` says why the trace is partial. */
  | { kind: 'as-is'; parser: ParserName; why: string; statements: TracedStatement[] };

/** Decides how to send a script so it can be traced statement by statement, or why it cannot be. */
export async function planTrace(script: Script): Promise<TracePlan> {
  const parser: ParserName = (await loadParser()) ? 'libpg-query' : 'splitter';
  if (script.kind === 'command') {
    // A tool that runs a SQL file (psql for Sqitch, node-pg-migrate's .sql migrations): its
    // statements are known, so the sampled locks can be placed at the statement that took them.
    let statements: TracedStatement[] = [];
    if (script.source !== undefined && /\.sql$/i.test(script.file)) {
      statements = await parseScript(script.source, 1).then((p) => p.statements.map((st) => ({ ...st, info: classifyStatement(st) })), () => []);
    }
    return { kind: 'as-is', parser, why: 'run by the tool as a program: locks sampled from a second connection', statements };
  }
  let parsed: ParsedStatement[];
  if (script.statements) {
    parsed = await Promise.all(script.statements.map(parseStatement));
  } else {
    try {
      parsed = (await parseScript(script.text, script.line)).statements;
    } catch (err) {
      const why = `the SQL parser could not read the script (${(err as Error).message}): sent as it is, locks sampled`;
      return { kind: 'as-is', parser, why, statements: [] };
    }
  }
  const statements = parsed.map((s) => ({ ...s, info: classifyStatement(s) }));
  const own = ownTransaction(statements);
  if (own) return { kind: 'statements', parser, groups: [own], script: { ...script, statements } };
  if (statements.some((s) => s.info.transactionControl)) {
    return { kind: 'as-is', parser, why: 'the script controls its own transactions: sent as it is, locks sampled from a second connection', statements };
  }
  const mode = script.transaction === 'none' && !script.statements ? 'implicit' : script.transaction;
  let groups: SendGroup[];
  if (mode === 'wrap') groups = [{ transaction: true, statements }];
  else if (mode === 'implicit') groups = statements.length === 1 && statements[0]!.info.sendAlone ? [{ transaction: false, statements }] : [{ transaction: true, statements }];
  else groups = statements.map((s) => ({ transaction: !s.info.sendAlone, statements: [s] }));
  return { kind: 'statements', parser, groups: groups.filter((g) => g.statements.length), script: { ...script, statements } };
}

/** The script is `BEGIN; …; COMMIT;` with no other transaction control: one transaction of its own. */
function ownTransaction(statements: TracedStatement[]): SendGroup | undefined {
  const first = statements[0];
  const last = statements[statements.length - 1];
  if (!first || !last || statements.length < 2 || txWord(first) !== 'begin' || txWord(last) !== 'commit') return undefined;
  const inner = statements.slice(1, -1);
  if (inner.some((s) => s.info.transactionControl)) return undefined;
  return { transaction: true, statements: inner, begin: first.sql, commit: last.sql };
}

function txWord(s: TracedStatement): 'begin' | 'commit' | undefined {
  if (!s.info.transactionControl) return undefined;
  const kind = (s.tree?.TransactionStmt as { kind?: string } | undefined)?.kind;
  const text = kind ?? s.sql.slice(leadingTriviaLength(s.sql)).toUpperCase();
  if (/^(TRANS_STMT_BEGIN|TRANS_STMT_START|BEGIN|START TRANSACTION)\b/.test(text)) return 'begin';
  if (/^(TRANS_STMT_COMMIT|COMMIT|END)\b/.test(text)) return 'commit';
  return undefined;
}
