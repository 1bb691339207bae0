/**
 * Where in a down the data was lost: the statement that touches the table (and column) a
 * data-loss problem names. The data check sees only fingerprints; the down's text says which
 * statement dropped, re-added, retyped or rewrote what. Pure, over the migration's SQL; a down
 * run by a tool (no SQL text) gets its file without a line.
 */
import type { Script } from '../formats/types.js';
import { leadingTriviaLength, tokenizeSql } from '../sql/lexer.js';
import { splitStatements } from '../sql/split.js';
import { bareName, nameParts, splitObject } from './objects.js';

/** Words that make a statement the likely culprit, strongest first. */
const CULPRITS = ['DROP', 'TRUNCATE', 'DELETE', 'TYPE', 'ADD', 'UPDATE', 'ALTER', 'RENAME', 'CREATE', 'INSERT'];

/**
 * The file and line of the down statement responsible for losing the data of `object`
 * (`column public.customers.name`, `table public.orders`): the statement naming the table (and
 * the column) with the strongest culprit word; the down's file alone when none names them.
 */
export function locateDataLoss(object: string, down: Script): { file: string; line?: number } {
  if (down.kind !== 'sql') return { file: down.file, ...(down.line ? { line: down.line } : {}) };
  const { kind, name } = splitObject(object);
  const parts = nameParts(name).map(bareName);
  const column = kind === 'column' ? parts.pop() : undefined;
  const table = parts[parts.length - 1];
  if (!table) return { file: down.file };
  let best: { line: number; rank: number } | undefined;
  for (const s of splitStatements(down.text, down.line)) {
    const { names, keywords } = identifiers(s.sql);
    if (!names.has(table) || (column !== undefined && !names.has(column))) continue;
    const rank = CULPRITS.findIndex((c) => keywords.has(c));
    const score = rank < 0 ? CULPRITS.length : rank;
    if (!best || score < best.rank) {
      const lead = leadingTriviaLength(s.sql);
      best = { line: s.line + (s.sql.slice(0, lead).match(/\n/g)?.length ?? 0), rank: score };
    }
  }
  return best ? { file: down.file, line: best.line } : { file: down.file, line: down.line };
}

/** Identifiers and keywords of a statement as PostgreSQL reads them (unquoted folded to lower case). */
function identifiers(sql: string): { names: Set<string>; keywords: Set<string> } {
  const names = new Set<string>();
  const keywords = new Set<string>();
  for (const t of tokenizeSql(sql)) {
    const text = sql.slice(t.start, t.end);
    if (t.kind === 'word') {
      names.add(text.toLowerCase());
      keywords.add(text.toUpperCase());
    } else if (t.kind === 'quoted-ident') names.add(text.slice(1, -1).replace(/""/g, '"'));
  }
  return { names, keywords };
}
