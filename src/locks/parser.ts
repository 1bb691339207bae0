/**
 * Statement boundaries and parse trees from PostgreSQL's own parser (libpg-query, compiled to
 * WebAssembly). The tracer needs the exact statements the server would see, with their text and
 * line, and a tree to classify each one (CONCURRENTLY, NOT VALID, DROP COLUMN, SET lock_timeout):
 * a regex cannot tell a `NOT VALID` in a comment from one in the statement.
 *
 * The module is loaded lazily and only once. When it cannot load (the .wasm file missing next to a
 * bundle), the psql-like splitter (src/sql/split.ts) gives the boundaries and a light keyword
 * classification stands in; the trace then says which parser it used.
 */
import type { SqlStatement } from '../formats/types.js';
import { leadingTriviaLength, lineLocator } from '../sql/lexer.js';
import { splitStatements } from '../sql/split.js';

/** A statement of a script: its text as sent, its line, and its parse tree when the parser read it. */
export interface ParsedStatement extends SqlStatement {
  /** `{ AlterTableStmt: {...} }`; undefined when the fallback splitter produced the statement. */
  tree?: Record<string, unknown>;
}

/** Which parser produced the statements. */
export type ParserName = 'libpg-query' | 'splitter';

export interface ParsedScript {
  parser: ParserName;
  statements: ParsedStatement[];
}

interface LibPgQuery {
  parseSync(sql: string): { stmts?: Array<{ stmt: Record<string, unknown>; stmt_location?: number; stmt_len?: number }> };
}

let loading: Promise<LibPgQuery | undefined> | undefined;
let loadError: string | undefined;

/** Loads libpg-query once; undefined (with loadError set) when it cannot run here. */
export function loadParser(): Promise<LibPgQuery | undefined> {
  loading ??= (async () => {
    try {
      const mod = (await import('libpg-query')) as unknown as LibPgQuery & { loadModule(): Promise<void> };
      await mod.loadModule();
      return mod;
    } catch (err) {
      loadError = (err as Error).message ?? String(err);
      return undefined;
    }
  })();
  return loading;
}

/** Why libpg-query is not in use, when it is not. */
export function parserLoadError(): string | undefined {
  return loadError;
}

/**
 * Splits and parses `text` (line `startLine` of its file). Throws the parser's syntax error when
 * libpg-query is loaded and rejects the text: the caller then keeps the original sending, since
 * PostgreSQL would reject the whole message before running any of it.
 */
export async function parseScript(text: string, startLine: number): Promise<ParsedScript> {
  const lib = await loadParser();
  if (!lib) return { parser: 'splitter', statements: splitStatements(text, startLine) };
  const result = lib.parseSync(text);
  // libpg-query reports byte offsets into the UTF-8 text; JavaScript strings index UTF-16 units.
  const bytes = Buffer.from(text, 'utf8');
  const lineOf = lineLocator(text, startLine);
  const statements: ParsedStatement[] = [];
  for (const s of result.stmts ?? []) {
    const from = s.stmt_location ?? 0;
    const to = s.stmt_len ? from + s.stmt_len : bytes.length;
    const raw = bytes.subarray(from, to).toString('utf8');
    const start = bytes.subarray(0, from).toString('utf8').length;
    const lead = leadingTriviaLength(raw);
    const sql = raw.slice(lead).trim();
    if (!sql) continue;
    statements.push({ sql, line: lineOf(start + lead), tree: s.stmt });
  }
  return { parser: 'libpg-query', statements };
}

/** Parses one statement the tool sends on its own (goose, Flyway), keeping the tool's text and line. */
export async function parseStatement(stmt: SqlStatement): Promise<ParsedStatement> {
  const lib = await loadParser();
  if (!lib) return stmt;
  try {
    const trees = lib.parseSync(stmt.sql).stmts ?? [];
    // A tool's statement is one statement; if it is not, classify by the first and run it as sent.
    return trees[0] ? { ...stmt, tree: trees[0].stmt } : stmt;
  } catch {
    return stmt;
  }
}

