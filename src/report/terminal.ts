/** The terminal rendering of a result: colour on a TTY unless NO_COLOR, plain otherwise. */
import type { VerifyResult } from '../result/types.js';
import { formatMs, headline, problemLocation } from './summary.js';
import { renderLockLines } from './locks.js';

export interface TerminalStyle {
  color: boolean;
}

const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1, cyan: 36 } as const;

export function renderTerminalReport(result: VerifyResult, style: TerminalStyle): string {
  const paint = (c: keyof typeof codes, s: string) => (style.color ? `\u001b[${codes[c]}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  lines.push(paint(result.status === 'pass' ? 'green' : 'red', paint('bold', headline(result))));
  if (result.base) lines.push(paint('dim', `base ${result.base.ref} (${result.base.sha.slice(0, 7)}), ${result.baselineCount} baseline migration(s)`));
  lines.push('');
  const rows = result.migrations.map((m) => [m.id, m.name, formatMs(m.phases.up?.ms), formatMs(m.phases.down?.ms), formatMs(m.phases.reup?.ms), m.status]);
  const header = ['migration', 'name', 'up', 'down', 're-up', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  lines.push(paint('dim', fmt(header)));
  for (const r of rows) {
    const status = r[5]!;
    const colour = status === 'ok' ? 'green' : status === 'failed' ? 'red' : 'yellow';
    lines.push(`${fmt(r.slice(0, 5))}  ${paint(colour, status)}`);
  }
  if (result.problems.length) {
    lines.push('', paint('bold', 'Problems'));
    for (const p of result.problems) {
      const sev = p.severity === 'error' ? paint('red', 'error') : p.severity === 'warning' ? paint('yellow', 'warning') : paint('cyan', 'info');
      const where = problemLocation(p);
      lines.push(`  ${sev} ${p.kind}${p.object ? ` ${p.object}` : ''}${where ? paint('dim', `  ${where}`) : ''}`);
      lines.push(`    ${p.message}`);
      if (p.diff) {
        for (const d of p.diff.split('\n')) {
          if (!d || d.startsWith('===') || d.startsWith('Index:')) continue;
          const c = d.startsWith('+') && !d.startsWith('+++') ? 'green' : d.startsWith('-') && !d.startsWith('---') ? 'red' : 'dim';
          lines.push('      ' + paint(c, d));
        }
      }
    }
  }
  lines.push(...renderLockLines(result, (s) => paint('dim', s)));
  if (result.schemaChanges.length) {
    lines.push('', paint('bold', `Schema changes (baseline → head): ${result.schemaChanges.length}`));
    for (const c of result.schemaChanges.slice(0, 50)) lines.push(`  ${c.change.padEnd(7)} ${c.object}`);
    if (result.schemaChanges.length > 50) lines.push(paint('dim', `  … ${result.schemaChanges.length - 50} more (see --json/--markdown)`));
  }
  if (result.seeded.length) {
    const rowsSeeded = result.seeded.reduce((a, s) => a + s.rows, 0);
    lines.push('', paint('dim', `Seeded ${rowsSeeded} rows into ${result.seeded.length} table(s).`));
    for (const s of result.seeded.filter((s) => s.note)) lines.push(paint('dim', `  ${s.table}: ${s.note}`));
  }
  for (const n of result.notes) lines.push(paint('dim', n));
  lines.push(paint('dim', `Total ${formatMs(result.totalMs)}`));
  return lines.join('\n') + '\n';
}
