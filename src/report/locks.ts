/**
 * The per-migration lock section of every report (pure): for each new migration, the statements of
 * its up and down that took a lock blocking reads or writes — table, mode, how long it was held on
 * the seeded data, rows, and the safer pattern — and the destructive statements of its up, so a
 * reviewer sees them even when the rollback is correct. The terminal and Markdown reports call
 * these with one line each; JSON carries the full traces in `phases.*.locks`.
 */
import { blockingLocks } from '../locks/verdicts.js';
import { MODE_BLOCKS, type PhaseLocks, type StatementTrace } from '../locks/types.js';
import type { MigrationResult, PhaseName, VerifyResult } from '../result/types.js';
import type { MarkdownBlock } from './markdown-budget.js';
import { formatMs } from './summary.js';

/** One row of the section: a blocking lock and the statement that took it. */
export interface LockRow {
  phase: 'up' | 'down';
  file: string;
  line: number;
  tag: string;
  relation: string;
  mode: string;
  heldMs: number;
  rows?: number;
  /** rewrite, validation scan, index build (what made the lock long). */
  work: string[];
  hint?: string;
  sampled: boolean;
}

export interface MigrationLocks {
  migration: MigrationResult;
  rows: LockRow[];
  destructive: Array<{ file: string; line: number; what: string }>;
  partial: string[];
}

const PHASES: ReadonlyArray<'up' | 'down'> = ['up', 'down'];

/** The lock findings per migration, only for migrations that have any. */
export function lockFindings(result: VerifyResult): MigrationLocks[] {
  const out: MigrationLocks[] = [];
  for (const m of result.migrations) {
    const found: MigrationLocks = { migration: m, rows: [], destructive: [], partial: [] };
    for (const phase of PHASES) {
      const trace: PhaseLocks | undefined = m.phases[phase as PhaseName]?.locks;
      if (!trace) continue;
      const file = phase === 'down' ? (m.files.down ?? m.files.up) : m.files.up;
      for (const { stmt, lock } of blockingLocks(trace.statements)) {
        found.rows.push({
          phase, file, line: stmt.line, tag: stmt.tag, relation: lock.relation, mode: lock.mode, heldMs: lock.heldMs,
          ...(lock.rows !== undefined ? { rows: lock.rows } : {}), work: work(stmt, lock.relation), ...(stmt.hint ? { hint: stmt.hint } : {}), sampled: Boolean(stmt.sampled),
        });
      }
      if (phase === 'up') {
        for (const s of trace.statements) if (s.destructive) found.destructive.push({ file, line: s.line, what: s.destructive });
      }
      if (trace.partial && (found.rows.length || phase === 'up')) found.partial.push(`${phase}: ${trace.partial}`);
    }
    if (found.rows.length || found.destructive.length) out.push(found);
  }
  return out;
}

function work(stmt: StatementTrace, relation: string): string[] {
  const w: string[] = [];
  if (stmt.rewrites.includes(relation)) w.push('rewrite');
  if (stmt.validations.includes(relation)) w.push('validation scan');
  if (stmt.indexBuilds.some((b) => b.table === relation && !b.concurrent)) w.push('index build');
  return w;
}

function rowsText(n: number | undefined): string {
  return n === undefined ? '–' : n.toLocaleString('en-US');
}

function modeText(mode: string): string {
  const blocks = MODE_BLOCKS[mode as keyof typeof MODE_BLOCKS];
  return blocks ? `${mode} (${blocks})` : mode;
}

/** Plain-text lines for the terminal report; empty when nothing was found. */
export function renderLockLines(result: VerifyResult, dim: (s: string) => string = (s) => s): string[] {
  const findings = lockFindings(result);
  if (findings.length === 0) return [];
  const lines = ['', 'Locks (blocking reads or writes, on the seeded data)'];
  for (const f of findings) {
    lines.push(`  ${f.migration.id} ${f.migration.name}`.trimEnd());
    for (const r of f.rows) {
      const extra = [r.rows !== undefined ? `${rowsText(r.rows)} rows` : '', ...r.work].filter(Boolean).join(', ');
      lines.push(`    ${r.phase.padEnd(4)} ${r.file}:${r.line}  ${r.tag} → ${r.relation} ${modeText(r.mode)} held ${formatMs(r.heldMs)}${r.sampled ? ' (sampled)' : ''}${extra ? `, ${extra}` : ''}`);
      if (r.hint) lines.push(dim(`         hint: ${r.hint}`));
    }
    for (const d of f.destructive) lines.push(`    destructive ${d.file}:${d.line}  ${d.what}`);
  }
  return lines;
}

/** The Markdown report's escapers, passed in so this module does not import the renderer. */
export interface MarkdownEscapes {
  escape: (text: string) => string;
  code: (text: string) => string;
  escapeHtml: (text: string) => string;
}

/**
 * Markdown blocks for the PR comment: a heading, then one collapsed table per migration (the
 * verdict and problems above already say what fails; this is the detail a reviewer opens).
 */
export function lockMarkdownBlocks(result: VerifyResult, fmt: MarkdownEscapes): MarkdownBlock[] {
  const { escape, code, escapeHtml } = fmt;
  const findings = lockFindings(result);
  if (findings.length === 0) return [];
  const blocks: MarkdownBlock[] = [{ kind: 'text', text: '### Locks\n\nWhat each new migration and its rollback would lock in production, measured on the seeded data.\n' }];
  for (const f of findings) {
    const longest = Math.max(0, ...f.rows.map((r) => r.heldMs));
    const facts = [
      f.rows.length ? `${f.rows.length} blocking lock${f.rows.length === 1 ? '' : 's'}, longest ${formatMs(longest)}` : 'no blocking locks',
      f.destructive.length ? `${f.destructive.length} destructive statement${f.destructive.length === 1 ? '' : 's'}` : '',
    ].filter(Boolean);
    const table = f.rows.length
      ? [
          '| Phase | Statement | Table | Lock | Held | Rows | Hint |',
          '| :-- | :-- | :-- | :-- | --: | --: | :-- |',
          ...f.rows.map((r) => {
            const what = `${code(`${r.file}:${r.line}`)} ${escape(r.tag)}${r.work.length ? ` (${escape(r.work.join(', '))})` : ''}`;
            return `| ${r.phase} | ${what} | ${code(r.relation)} | ${escape(modeText(r.mode))} | ${formatMs(r.heldMs)}${r.sampled ? ' ≈' : ''} | ${rowsText(r.rows)} | ${r.hint ? escape(r.hint) : ''} |`;
          }),
        ].join('\n')
      : '';
    const destructive = f.destructive.length
      ? `**Destructive in the up:**\n${f.destructive.map((d) => `- ${code(`${d.file}:${d.line}`)} ${escape(d.what)}`).join('\n')}`
      : '';
    const partial = f.partial.length ? f.partial.map((p) => `_${escape(p)}_`).join('  \n') : '';
    blocks.push({
      kind: 'details',
      summary: escapeHtml(`${f.migration.id} ${f.migration.name}: ${facts.join(' · ')}`),
      body: [table, destructive, partial].filter(Boolean).join('\n\n'),
      cut: 'lines',
    });
  }
  return blocks;
}
