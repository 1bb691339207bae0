/**
 * The terminal rendering of a result: colour on a TTY unless NO_COLOR, plain otherwise. The
 * verdict is the last line, where a reader's eye lands when the command returns; above it, one
 * row per migration (which phase failed and why), the root problems with what to do, the locks
 * that matter, and a compact account of the schema changes.
 */
import type { Problem, VerifyResult } from '../result/types.js';
import { docsUrl, problemReason } from '../result/messages.js';
import { shortObject } from '../result/objects.js';
import { renderLockLines } from './locks.js';
import { renderPredictionLines } from './predictions.js';
import { suggestionLines } from './fixes.js';
import { rowView, type PhaseMark } from './rows.js';
import { namedChanges } from './schema-sql.js';
import { formatMs, headline, plural, problemLocation, visibleNotes } from './summary.js';

export interface TerminalStyle {
  color: boolean;
}

const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1, cyan: 36 } as const;
/** Lines of one problem's diff shown in the terminal; the JSON and Markdown reports have them all. */
const DIFF_LINES = 20;
/** Objects named per kind of schema change. */
const NAMED_CHANGES = 8;

/** The terminal report, ending with the verdict line. */
export function renderTerminalReport(result: VerifyResult, style: TerminalStyle): string {
  const paint = (c: keyof typeof codes, s: string) => (style.color ? `\u001b[${codes[c]}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  lines.push(...migrationRows(result, paint));
  lines.push(...problemLines(result, paint));
  lines.push(...renderPredictionLines(result, (s) => paint('dim', s)));
  lines.push(...renderLockLines(result, (s) => paint('dim', s)));
  lines.push(...schemaChangeLines(result));
  if (result.seeded.length) {
    const rowsSeeded = result.seeded.reduce((a, s) => a + s.rows, 0);
    lines.push('', paint('dim', `Seeded ${plural(rowsSeeded, 'row')} into ${plural(result.seeded.length, 'table')}.`));
    for (const s of result.seeded.filter((s) => s.note)) lines.push(paint('dim', `  ${s.table}: ${s.note}`));
  }
  const context = [
    ...(result.base ? [`base ${result.base.ref} (${result.base.sha.slice(0, 7)}), ${plural(result.baselineCount, 'baseline migration')}`] : []),
    ...visibleNotes(result),
  ];
  if (context.length) lines.push('');
  for (const n of context) lines.push(paint('dim', n));
  lines.push('', paint(result.status === 'pass' ? 'green' : 'red', paint('bold', headline(result))));
  return lines.join('\n') + '\n';
}

type Paint = (c: keyof typeof codes, s: string) => string;

function migrationRows(result: VerifyResult, paint: Paint): string[] {
  if (result.migrations.length === 0) return ['No new migrations: nothing to roll back.'];
  const mark = (m: PhaseMark, time: string) => (m === 'culprit' ? `✗ ${time}` : m === 'consequence' ? `↳ ${time}` : time);
  const rows: TerminalRow[] = result.migrations.map((m) => {
    const view = rowView(m, result);
    const detail = view.word === 'ok' ? 'ok' : view.word === 'not run' && !m.reason ? 'not run' : `${view.word}: ${view.text}`;
    return {
      cells: [m.id, m.name, mark(view.phases.up, formatMs(m.phases.up?.ms)), mark(view.phases.down, formatMs(m.phases.down?.ms)), mark(view.phases.reup, formatMs(m.phases.reup?.ms))],
      detail,
      colour: (view.icon === '✅' ? 'green' : view.icon === '❌' ? 'red' : view.icon === '⚠️' ? 'yellow' : 'dim') as keyof typeof codes,
    };
  });
  const shown = collapseNotRun(rows, result);
  const header = ['migration', 'name', 'up', 'down', 're-up'];
  const widths = header.map((h, i) => Math.max(h.length, ...shown.map((r) => r.cells[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [paint('dim', `${fmt(header)}  result`), ...shown.map((r) => `${fmt(r.cells)}  ${paint(r.colour, r.detail)}`)];
}

interface TerminalRow {
  cells: string[];
  detail: string;
  colour: keyof typeof codes;
}

/** Runs of this many plain `not run` rows or more are one line: a stopped 30-migration run stays on a screen. */
const COLLAPSE_NOT_RUN = 3;

/**
 * Consecutive migrations that did not run and have nothing found about them become one line
 * (`000016 … 000032  15 migrations  –  –  –  not run`); a not-run row with a problem stays its own.
 */
function collapseNotRun(rows: TerminalRow[], result: VerifyResult): TerminalRow[] {
  const plain = (i: number) => rows[i]!.detail === 'not run' && !result.migrations[i]!.reason;
  const out: TerminalRow[] = [];
  for (let i = 0; i < rows.length; ) {
    let j = i;
    while (j < rows.length && plain(j)) j++;
    if (j - i >= COLLAPSE_NOT_RUN) {
      const first = result.migrations[i]!.id;
      const last = result.migrations[j - 1]!.id;
      out.push({ cells: [`${first} … ${last}`, plural(j - i, 'migration'), '–', '–', '–'], detail: 'not run', colour: 'dim' });
      i = j;
    } else {
      out.push(rows[i]!);
      i++;
    }
  }
  return out;
}

function problemLines(result: VerifyResult, paint: Paint): string[] {
  if (result.problems.length === 0) return [];
  const lines = ['', paint('bold', `Problems (${result.problems.length})`)];
  for (const p of result.problems) lines.push(...oneProblem(p, result, paint));
  const kinds = [...new Set(result.problems.map((p) => p.kind))];
  lines.push(paint('dim', `  What each kind means and how to fix it: ${kinds.map((k) => docsUrl(k)).join(' ')}`));
  return lines;
}

function oneProblem(p: Problem, result: VerifyResult, paint: Paint): string[] {
  const sev = p.severity === 'error' ? paint('red', 'error') : p.severity === 'warning' ? paint('yellow', 'warning') : paint('cyan', 'info');
  const where = problemLocation(p);
  const m = result.migrations.find((x) => x.id === p.migration);
  const about = [p.migration, problemReason(p), m && Object.keys(m.phases).length === 0 ? '(not run; found from the files)' : ''].filter(Boolean).join(' ');
  const lines = [`  ${sev} ${p.kind} · ${about}${where ? paint('dim', `  ${where}`) : ''}`];
  lines.push(...p.message.split('\n').map((l) => `    ${l}`));
  for (const c of p.consequences ?? []) lines.push(paint('dim', `    ↳ because of it, ${c.message}${c.file ? ` (${problemLocation(c)})` : ''}; same cause, not counted again`));
  if (p.help) lines.push(`    fix: ${p.help}`);
  lines.push(...suggestionLines(p, result, (s) => paint('dim', s)));
  if (p.diff) {
    const diff = p.diff.split('\n').filter((d) => d && !d.startsWith('===') && !d.startsWith('Index:'));
    for (const d of diff.slice(0, DIFF_LINES)) {
      const c = d.startsWith('+') && !d.startsWith('+++') ? 'green' : d.startsWith('-') && !d.startsWith('---') ? 'red' : 'dim';
      lines.push('      ' + paint(c, d));
    }
    if (diff.length > DIFF_LINES) lines.push(paint('dim', `      … ${plural(diff.length - DIFF_LINES, 'more line')} (see --json or --markdown)`));
  }
  return lines;
}

function schemaChangeLines(result: VerifyResult): string[] {
  const changes = namedChanges(result.schemaChanges);
  if (changes.length === 0) return [];
  const lines = ['', `Schema changes (baseline → head): ${plural(changes.length, 'object')}`];
  for (const change of ['added', 'changed', 'removed'] as const) {
    const items = changes.filter((c) => c.change === change).map((c) => shortObject(c.object));
    if (!items.length) continue;
    const more = items.length - NAMED_CHANGES;
    lines.push(`  ${change.padEnd(7)} ${items.slice(0, NAMED_CHANGES).join(', ')}${more > 0 ? `, ${more} more` : ''}`);
  }
  return lines;
}

