/**
 * What can be said about a new migration without a server: no down at all, a declared
 * irreversible one, an empty down under an up that obviously changes the schema. The protocol
 * finds these for the migrations it runs; for the ones a stopped run never reached, this finds
 * them from the files, so fixing one bug does not reveal the next only on the next push.
 */
import type { Migration, Script } from '../formats/types.js';
import { leadingTriviaLength } from '../sql/lexer.js';
import { isEffectivelyEmpty, splitStatements } from '../sql/split.js';
import type { MigrationResult, Problem } from './types.js';

/** Statements that change the schema, by their first word (DML and SELECT do not). */
const DDL = /^(CREATE|ALTER|DROP|COMMENT|GRANT|REVOKE|TRUNCATE)\b/i;

/** Words that still belong to the statement's kind (`CREATE UNIQUE INDEX`, `CREATE OR REPLACE VIEW`). */
const KIND_WORDS = new Set([
  'OR', 'REPLACE', 'UNIQUE', 'MATERIALIZED', 'TEMP', 'TEMPORARY', 'UNLOGGED', 'TABLE', 'INDEX', 'VIEW', 'SEQUENCE', 'TYPE', 'DOMAIN',
  'FUNCTION', 'PROCEDURE', 'TRIGGER', 'SCHEMA', 'EXTENSION', 'POLICY', 'RULE', 'AGGREGATE', 'COLLATION', 'STATISTICS', 'CONCURRENTLY',
]);

/**
 * Problems for the new migrations that did not run (no phase was timed), skipping what the
 * problems found so far already say about them.
 */
export function notRunProblems(fresh: readonly Migration[], results: readonly MigrationResult[], known: readonly Problem[]): Problem[] {
  const out: Problem[] = [];
  for (const m of fresh) {
    const res = results.find((r) => r.id === m.id);
    if (!res || Object.keys(res.phases).length > 0) continue;
    if (known.some((p) => p.migration === m.id && (p.kind === 'missing-down' || p.kind === 'irreversible'))) continue;
    const found = staticProblem(m);
    if (found) out.push(found);
  }
  return out;
}

function staticProblem(m: Migration): Problem | undefined {
  const who = `${m.id}_${m.name}`;
  const declared = m.markers.irreversible;
  if (declared) {
    return {
      kind: 'irreversible', severity: 'warning', migration: m.id, file: declared.file, line: declared.line, phase: 'down',
      message: `${who} is declared irreversible; its down was not verified`,
    };
  }
  const hint = m.missingDownHint ? `; ${m.missingDownHint}` : '';
  if (!m.down) {
    return {
      kind: 'missing-down', severity: 'error', migration: m.id, file: m.up.file, phase: 'down',
      message: `${who} has no down${hint}`,
    };
  }
  // An empty down may be right (the up only moves data); the protocol judges those by running
  // them. Statically, only an up that plainly changes the schema makes an empty down wrong.
  const ddl = m.down.kind === 'sql' && isEffectivelyEmpty(m.down.text) ? firstDdl(m.up) : undefined;
  if (ddl) {
    return {
      kind: 'missing-down', severity: 'error', migration: m.id, file: m.down.file, line: m.down.kind === 'sql' ? m.down.line : undefined, phase: 'down',
      message: `${who} has an empty down (no statements) while its up changes the schema (${ddl.what} at line ${ddl.line})${hint}`,
    };
  }
  return undefined;
}

/** The first schema-changing statement of a SQL up: its leading words and line. */
function firstDdl(up: Script): { what: string; line: number } | undefined {
  if (up.kind !== 'sql') return undefined;
  for (const s of splitStatements(up.text, up.line)) {
    const lead = leadingTriviaLength(s.sql);
    const code = s.sql.slice(lead);
    if (!DDL.test(code)) continue;
    const line = s.line + (s.sql.slice(0, lead).match(/\n/g)?.length ?? 0);
    const words = code.split(/\s+/);
    let n = 1;
    while (n < words.length && n < 5 && KIND_WORDS.has(words[n]!.toUpperCase())) n++;
    const what = words.slice(0, n).join(' ').toUpperCase();
    return { what, line };
  }
  return undefined;
}
