/**
 * Splits SQL text into statements the way psql does (src/bin/psql/psqlscan.l): a `;` ends a
 * statement only outside strings, comments, quoted identifiers, dollar quotes, parentheses and
 * the BEGIN … END body of a `CREATE [OR REPLACE] FUNCTION|PROCEDURE … BEGIN ATOMIC` (SQL-standard
 * function bodies, PostgreSQL 14+).
 *
 * Every non-whitespace character of the input lands in exactly one statement: comments before a
 * statement belong to it, a comment on the same line after its `;` too, and pieces without any
 * SQL (only comments or stray `;`) join a neighbouring statement. PostgreSQL drops empty
 * statements, so a stray `;` never turns one statement into a multi-statement message.
 */
import type { SqlStatement } from '../formats/types.js';
import { isTrivia, lineLocator, tokenizeSql, type SqlToken } from './lexer.js';

interface Piece {
  start: number;
  end: number;
  hasCode: boolean;
}

/**
 * Splits `text` into statements with the 1-based line each starts on, where the text's first
 * line is line `startLine` of its file. Statements keep their terminating `;`.
 */
export function splitStatements(text: string, startLine = 1): SqlStatement[] {
  const pieces = mergeCodelessPieces(cutPieces(text, tokenizeSql(text)));
  const lineOf = lineLocator(text, startLine);
  const statements: SqlStatement[] = [];
  for (const piece of pieces) {
    const raw = text.slice(piece.start, piece.end);
    const lead = raw.length - raw.trimStart().length;
    const sql = raw.trim();
    if (sql === '') continue;
    statements.push({ sql, line: lineOf(piece.start + lead) });
  }
  return statements;
}

/** True when `sql` holds nothing PostgreSQL would execute: only whitespace, comments and `;`. */
export function isEffectivelyEmpty(sql: string): boolean {
  return tokenizeSql(sql).every((t) => isTrivia(t.kind) || t.kind === 'semicolon');
}

/** Cuts the text at statement-ending semicolons; each piece records whether it holds SQL. */
function cutPieces(text: string, tokens: SqlToken[]): Piece[] {
  const pieces: Piece[] = [];
  let pieceStart = 0;
  let hasCode = false;
  let parenDepth = 0;
  const routine = new RoutineBodyTracker();
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (token.kind === 'open-paren') parenDepth++;
    if (token.kind === 'close-paren' && parenDepth > 0) parenDepth--;
    if (token.kind === 'word') routine.see(text.slice(token.start, token.end), parenDepth);
    if (token.kind !== 'semicolon') {
      if (!isTrivia(token.kind)) hasCode = true;
      continue;
    }
    if (parenDepth > 0 || routine.insideBody()) continue;
    // A comment on the same line as the `;` describes this statement, not the next one.
    let end = token.end;
    let next = t + 1;
    const gap = tokens[next];
    if (gap?.kind === 'space' && !text.slice(gap.start, gap.end).includes('\n')) next++;
    const comment = tokens[next];
    if (comment && (comment.kind === 'line-comment' || comment.kind === 'block-comment')) {
      end = comment.end;
      t = next;
    }
    pieces.push({ start: pieceStart, end, hasCode });
    pieceStart = end;
    hasCode = false;
    parenDepth = 0;
    routine.reset();
  }
  if (pieceStart < text.length) pieces.push({ start: pieceStart, end: text.length, hasCode });
  return pieces;
}

/** Joins pieces without SQL to the statement before them, or, at the start, the one after. */
function mergeCodelessPieces(pieces: Piece[]): Piece[] {
  const merged: Piece[] = [];
  let pendingStart: number | undefined;
  for (const piece of pieces) {
    if (piece.hasCode) {
      merged.push({ ...piece, start: pendingStart ?? piece.start });
      pendingStart = undefined;
    } else if (merged.length > 0) {
      merged[merged.length - 1]!.end = piece.end;
    } else {
      pendingStart ??= piece.start;
    }
  }
  if (pendingStart !== undefined) {
    // Only comments and semicolons: keep them as one piece so nothing is lost.
    merged.push({ start: pendingStart, end: pieces[pieces.length - 1]!.end, hasCode: false });
  }
  return merged;
}

/**
 * psqlscan.l's heuristic for SQL-standard routine bodies: in a statement that starts with
 * CREATE [OR REPLACE] FUNCTION|PROCEDURE, BEGIN opens a block, CASE inside a block opens one
 * too (it also ends with END), and END closes one; semicolons inside a block do not split.
 */
class RoutineBodyTracker {
  private words: string[] = [];
  private depth = 0;

  see(word: string, parenDepth: number): void {
    const w = word.toLowerCase();
    if (this.words.length < 4) this.words.push(w);
    if (!this.isRoutine() || parenDepth !== 0) return;
    if (w === 'begin') this.depth++;
    else if (w === 'case' && this.depth >= 1) this.depth++;
    else if (w === 'end' && this.depth > 0) this.depth--;
  }

  insideBody(): boolean {
    return this.depth > 0;
  }

  reset(): void {
    this.words = [];
    this.depth = 0;
  }

  private isRoutine(): boolean {
    const [a, b, c, d] = this.words;
    const routine = (w: string | undefined) => w === 'function' || w === 'procedure';
    return a === 'create' && (routine(b) || (b === 'or' && c === 'replace' && routine(d)));
  }
}
