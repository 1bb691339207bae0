/**
 * The lock section of the Markdown report: one compact table (five columns, file links) of the
 * blocking locks the new migrations take on tables that existed before the PR, one hint per kind
 * per migration under it, or one line saying there are none. What is left out and why is in
 * src/report/locks.ts. Pure.
 */
import type { MarkdownBlock } from './markdown-budget.js';
import { baseName, code, escapeHtml, escapeMarkdown, fileLink, type ReportLinks } from './markdown-text.js';
import { lockReport, modeText, noLocksLine, relationText } from './locks.js';
import { formatMs, plural } from './summary.js';
import type { VerifyResult } from '../result/types.js';

/** Rows shown open; more go behind a <details>. */
const OPEN_ROWS = 8;
/** Cut first when a comment is over its budget. */
export const LOCKS_ORDER = 0;
/** What stays of the section when it is cut. */
const DROPPED = '_Locks on existing tables: cut to fit; the job summary has them._\n';

/** `ACCESS EXCLUSIVE: reads and writes wait`, short enough for a narrow cell. */
function lockCell(mode: string): string {
  const blocks = modeText(mode).split(' · ')[1];
  return blocks ? `${mode}: ${blocks.replace(/^blocks /, '')} wait` : mode;
}

/** The lock section's blocks: a table (collapsed past OPEN_ROWS), the hints, or one line; none without traces. */
export function lockBlocks(result: VerifyResult, links: ReportLinks | undefined): MarkdownBlock[] {
  const report = lockReport(result);
  if (!report.traced) return [];
  if (report.rows.length === 0 && report.destructive.length === 0) {
    return [{ kind: 'text', text: `**Locks:** ${escapeMarkdown(noLocksLine(report).replace(/^No /, 'no '))}\n`, order: LOCKS_ORDER }];
  }
  // Rows in the table are the seeded rows; when every locked table had as many, say it once.
  const counts = new Set(report.rows.map((r) => r.rows));
  const uniform = counts.size === 1 ? [...counts][0] : undefined;
  const table = report.rows.length
    ? [
        '| Migration | Table | Lock | Held | Statement |',
        '| :-- | :-- | :-- | --: | :-- |',
        ...report.rows.map((r) => {
          const table = `${code(relationText(r.relation), true)}${r.rows !== undefined && uniform === undefined ? ` (${plural(r.rows, 'row')})` : ''}`;
          const what = `${fileLink(links, r.file, r.line, links ? `line ${r.line}` : baseName(r.file, r.line))} ${escapeMarkdown(r.tag)}${r.work.length ? ` · ${escapeMarkdown(r.work.join(', '))}` : ''}${r.more ? ` (+${r.more} more)` : ''}`;
          return `| ${code(r.migration.id, true)} ${r.phase} | ${table} | ${escapeMarkdown(lockCell(r.mode))} | ${formatMs(r.heldMs)}${r.sampled ? ' ≈' : ''} | ${what} |`;
        }),
      ].join('\n')
    : '';
  const destructive = report.destructive.map((d) => `- ⚠️ ${code(d.migration.id)} destructive: ${fileLink(links, d.file, d.line, baseName(d.file, d.line))} ${escapeMarkdown(d.what)}`);
  const hints = report.hints.map((h) => {
    const at = h.at.slice(0, 6).map((a) => `${fileLink(links, a.file, a.line, `${a.migration.id} ${a.phase}`)}`);
    return `- ${escapeMarkdown(h.hint)}: ${at.join(', ')}${h.at.length > 6 ? ` and ${h.at.length - 6} more` : ''}`;
  });
  const partial = report.partial.map((p) => `_${code(p.migration.id)} ${escapeMarkdown(p.text)}_`);
  const below = [
    destructive.join('\n'),
    hints.length ? `**Safer:**\n${hints.join('\n')}` : '',
    partial.join('  \n'),
  ].filter(Boolean).join('\n\n');
  const measured = uniform !== undefined ? `with ${plural(uniform, 'seeded row')} per table` : 'on the seeded data';
  const heading = `### Locks on existing tables\n\nBlocking locks the new migrations take on tables production already has, measured ${measured}.\n`;
  const longest = [...report.rows].sort((a, b) => b.heldMs - a.heldMs)[0];
  if (report.rows.length <= OPEN_ROWS) {
    return [{ kind: 'text', text: `${heading}\n${[table, below].filter(Boolean).join('\n\n')}\n`, order: LOCKS_ORDER, dropped: DROPPED }];
  }
  return [
    { kind: 'text', text: heading, order: LOCKS_ORDER, dropped: DROPPED },
    {
      kind: 'details',
      summary: escapeHtml(`${plural(report.rows.length, 'blocking lock')}${longest ? `, longest ${longest.mode} on ${relationText(longest.relation)} for ${formatMs(longest.heldMs)}` : ''}`),
      body: [table, below].filter(Boolean).join('\n\n'),
      cut: 'lines',
      order: LOCKS_ORDER,
    },
  ];
}
