/**
 * The lock section of every report (pure): which blocking locks the new migrations would take on
 * tables production already has. Three rules keep it to what matters:
 * - only relations that existed before the PR's new migrations: nothing in production can wait
 *   on a table the same PR creates (the baseline → head "added" objects, and per migration the
 *   relations earlier new migrations, or its own up, created);
 * - one row per relation and phase (the strongest mode, the longest hold), and owned sequences,
 *   indexes and views locked along with their table are not rows of their own;
 * - one hint per kind per migration.
 * The JSON keeps every traced lock (`phases.*.locks`), and the max-lock-ms and
 * require-lock-timeout verdicts judge the full traces (src/locks/verdicts.ts).
 */
import { blockingLocks } from '../locks/verdicts.js';
import { LOCK_STRENGTH, MODE_BLOCKS, type LockHold, type LockMode, type StatementTrace } from '../locks/types.js';
import type { MigrationResult, VerifyResult } from '../result/types.js';
import { formatMs, plural } from './summary.js';

/** One relation locked in one phase of one migration. */
export interface LockRow {
  migration: MigrationResult;
  phase: 'up' | 'down';
  relation: string;
  relkind: string;
  mode: LockMode;
  heldMs: number;
  rows?: number;
  /** The statement that held it longest. */
  file: string;
  line: number;
  tag: string;
  /** rewrite, validation scan, index build (what made the lock long). */
  work: string[];
  sampled: boolean;
  /** Other statements of the phase that locked it too. */
  more: number;
}

/** One safer pattern and every statement (one per migration) it applies to. */
export interface LockHint {
  hint: string;
  at: Array<{ migration: MigrationResult; phase: 'up' | 'down'; file: string; line: number }>;
}

export interface LockReport {
  /** At least one phase was traced: without traces there is nothing to say. */
  traced: boolean;
  rows: LockRow[];
  hints: LockHint[];
  /** Destructive statements of an up on relations that existed before the PR. */
  destructive: Array<{ migration: MigrationResult; file: string; line: number; what: string }>;
  /** Blocking locks left out because the PR itself creates the relation. */
  onNewRelations: number;
  partial: Array<{ migration: MigrationResult; text: string }>;
}

const PHASES: ReadonlyArray<'up' | 'down'> = ['up', 'down'];
const TABLE_KINDS = new Set(['table', 'partitioned table', 'foreign table']);
const DEPENDENT_KINDS = new Set(['index', 'partitioned index', 'sequence', 'view', 'materialized view', 'toast table']);

/** The lock findings that matter, from the traces in the result. */
export function lockReport(result: VerifyResult): LockReport {
  const report: LockReport = { traced: false, rows: [], hints: [], destructive: [], onNewRelations: 0, partial: [] };
  const addedByPr = new Set(
    result.schemaChanges
      .filter((c) => c.change === 'added' && /^(table|view|materialized view|sequence|index) /.test(c.object))
      .map((c) => relationKey(c.object.replace(/^(materialized view|\w+) /, ''))),
  );
  const createdEarlier = new Set<string>();
  for (const m of result.migrations) {
    const created = new Set([...createdEarlier, ...createdBy(m)]);
    const isNew = (relation: string) => addedByPr.has(relationKey(relation)) || created.has(relationKey(relation)) || created.has(bareKey(relation));
    const hinted = new Set<string>();
    for (const phase of PHASES) {
      const trace = m.phases[phase]?.locks;
      if (!trace) continue;
      report.traced = true;
      const file = phase === 'down' ? (m.files.down ?? m.files.up) : m.files.up;
      const byRelation = new Map<string, LockRow>();
      for (const stmt of trace.statements) {
        const locks = relevant(stmt);
        let kept = 0;
        for (const lock of locks) {
          if (isNew(lock.relation)) {
            report.onNewRelations++;
            continue;
          }
          kept++;
          const row = byRelation.get(lock.relation);
          if (!row) {
            byRelation.set(lock.relation, toRow(m, phase, file, stmt, lock));
            continue;
          }
          row.more++;
          // The row names the statement with the strongest lock (the longest hold among equals).
          const stronger = LOCK_STRENGTH.indexOf(lock.mode) - LOCK_STRENGTH.indexOf(row.mode);
          const heldMs = Math.max(row.heldMs, lock.heldMs);
          if (stronger > 0 || (stronger === 0 && lock.heldMs > row.heldMs)) {
            Object.assign(row, { mode: lock.mode, line: stmt.line, tag: stmt.tag, work: work(stmt, lock.relation), sampled: Boolean(stmt.sampled) });
          }
          row.heldMs = heldMs;
          if (lock.rows !== undefined) row.rows = Math.max(row.rows ?? 0, lock.rows);
        }
        if (kept && stmt.hint && !hinted.has(stmt.hint)) {
          hinted.add(stmt.hint);
          const same = report.hints.find((h) => h.hint === stmt.hint);
          const at = { migration: m, phase, file, line: stmt.line };
          if (same) same.at.push(at);
          else report.hints.push({ hint: stmt.hint, at: [at] });
        }
        if (phase === 'up' && stmt.destructive && (stmt.locks.length === 0 || stmt.locks.some((l) => !isNew(l.relation)))) {
          report.destructive.push({ migration: m, file, line: stmt.line, what: stmt.destructive });
        }
      }
      report.rows.push(...byRelation.values());
      if (trace.partial && (byRelation.size || phase === 'up')) report.partial.push({ migration: m, text: `${phase}: ${trace.partial}` });
    }
    for (const r of createdBy(m)) createdEarlier.add(r);
  }
  return report;
}

/** A statement's blocking locks, without the indexes, sequences and views of a table it also locks. */
function relevant(stmt: StatementTrace): LockHold[] {
  const blocking = blockingLocks([stmt]).map((x) => x.lock);
  if (!blocking.some((l) => TABLE_KINDS.has(l.relkind))) return blocking;
  return blocking.filter((l) => !DEPENDENT_KINDS.has(l.relkind));
}

function toRow(m: MigrationResult, phase: 'up' | 'down', file: string, stmt: StatementTrace, lock: LockHold): LockRow {
  return {
    migration: m, phase, relation: lock.relation, relkind: lock.relkind, mode: lock.mode, heldMs: lock.heldMs,
    ...(lock.rows !== undefined ? { rows: lock.rows } : {}),
    file, line: stmt.line, tag: stmt.tag, work: work(stmt, lock.relation), sampled: Boolean(stmt.sampled), more: 0,
  };
}

const CREATES = /\bCREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?(?:TABLE|VIEW|MATERIALIZED\s+VIEW|SEQUENCE|(?:UNIQUE\s+)?INDEX(?:\s+CONCURRENTLY)?)\s+(?:IF\s+NOT\s+EXISTS\s+)?((?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))?)/gi;

/** Relations the migration's up created (from its traced statements; `CREATE OR REPLACE` may not create). */
function createdBy(m: MigrationResult): string[] {
  const out: string[] = [];
  for (const stmt of m.phases.up?.locks?.statements ?? []) {
    for (const match of stmt.sql.matchAll(CREATES)) out.push(relationKey(match[1]!));
  }
  return out;
}

/** A relation name as the lock trace prints it (`schema.name`, raw) or as SQL spells it, made comparable. */
function relationKey(name: string): string {
  const parts = [...name.matchAll(/"((?:[^"]|"")+)"|([^."\s]+)/g)].map((p) => (p[1] !== undefined ? p[1].replace(/""/g, '"') : p[2]!.toLowerCase()));
  return parts.join('.');
}

/** The unqualified name: a CREATE without a schema matches the relation in whatever schema it went to. */
function bareKey(relation: string): string {
  const key = relationKey(relation);
  return key.slice(key.lastIndexOf('.') + 1);
}

function work(stmt: StatementTrace, relation: string): string[] {
  const w: string[] = [];
  if (stmt.rewrites.includes(relation)) w.push('rewrite');
  if (stmt.validations.includes(relation)) w.push('validation scan');
  if (stmt.indexBuilds.some((b) => b.table === relation && !b.concurrent)) w.push('index build');
  return w;
}

/** `SHARE · blocks writes`. */
export function modeText(mode: string): string {
  const blocks = MODE_BLOCKS[mode as LockMode];
  return blocks ? `${mode} · ${blocks}` : mode;
}

/** `public.orders` → `orders`, as the rest of the report names tables. */
export function relationText(relation: string): string {
  return relation.startsWith('public.') ? relation.slice('public.'.length) : relation;
}

/** The one line said when the traces found no blocking lock on a table production has. */
export function noLocksLine(report: LockReport): string {
  return report.onNewRelations
    ? `No blocking locks on tables that existed before this PR (${plural(report.onNewRelations, 'lock')} on relations the PR itself creates left out).`
    : 'No blocking locks on tables that existed before this PR.';
}

/** Plain-text lines for the terminal report; empty without traces. */
export function renderLockLines(result: VerifyResult, dim: (s: string) => string = (s) => s): string[] {
  const report = lockReport(result);
  if (!report.traced) return [];
  if (report.rows.length === 0 && report.destructive.length === 0) return ['', dim(noLocksLine(report))];
  const lines = ['', 'Locks on existing tables (blocking reads or writes, measured on the seeded data)'];
  // The longest holds, in migration order: past TERMINAL_ROWS the rest are counted, not listed.
  const shown = new Set([...report.rows].sort((a, b) => b.heldMs - a.heldMs).slice(0, TERMINAL_ROWS));
  const cells = report.rows.filter((r) => shown.has(r)).map((r) => {
    const facts = [r.rows !== undefined ? plural(r.rows, 'row') : '', ...r.work].filter(Boolean).join(', ');
    return [
      `${r.migration.id} ${r.phase}`,
      relationText(r.relation),
      r.mode,
      `${formatMs(r.heldMs)}${r.sampled ? ' ≈' : ''}`,
      `${r.file}:${r.line} ${r.tag}${r.more ? ` +${r.more} more` : ''}${facts ? ` (${facts})` : ''}`,
    ];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => c[i]!.length)));
  for (const c of cells) lines.push(`  ${c.map((v, i) => (i === 3 ? v.padStart(widths[i]!) : i < 4 ? v.padEnd(widths[i]!) : v)).join('  ')}`);
  const hidden = report.rows.length - shown.size;
  if (hidden > 0) {
    const longestHidden = Math.max(...report.rows.filter((r) => !shown.has(r)).map((r) => r.heldMs));
    lines.push(dim(`  … ${plural(hidden, 'more blocking lock')}, none held longer than ${formatMs(longestHidden)} (--json or --markdown has them all)`));
  }
  for (const d of report.destructive) lines.push(`  ${d.migration.id} destructive  ${d.file}:${d.line}  ${d.what}`);
  for (const h of report.hints) lines.push(dim(`  hint: ${h.hint} (${idList(h.at.map((a) => `${a.migration.id} ${a.phase}`))})`));
  return lines;
}

/** Rows the terminal lists; the Markdown and JSON reports have all of them. */
const TERMINAL_ROWS = 10;

/** `a, b, c` or, past six, the first five and a count. */
export function idList(ids: readonly string[]): string {
  return ids.length <= 6 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;
}
