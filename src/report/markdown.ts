/**
 * The Markdown report: one renderer for the PR comment, the job summary and `--markdown FILE`.
 * Pure: a VerifyResult in, a string out. Reading order follows what a reviewer needs: the verdict
 * and what was (not) verified, one row per new migration saying which phase failed and why, each
 * root problem with what to do and a link to its explanation, then what matters about locks, the
 * timing chart where a phase comes near its limit, and what the PR changes in the schema (DDL,
 * collapsed). A size budget keeps a PR comment under GitHub's limit, cutting locks and the chart
 * first and the problems last, and says so with a link to the full job summary.
 */
import type { MigrationResult, PhaseResult, Problem, Severity, VerifyResult } from '../result/types.js';
import { docsUrl, problemReason } from '../result/messages.js';
import { fenceFor, fitBlocks, type MarkdownBlock } from './markdown-budget.js';
import { lockBlocks } from './markdown-locks.js';
import { predictionBlocks } from './markdown-predictions.js';
import { schemaChangeBlocks } from './markdown-schema.js';
import { baseName, code, escapeHtml, escapeMarkdown, fileLink, inlineMarkdown, keepTogether, type ReportLinks } from './markdown-text.js';
import { rowView, type PhaseMark } from './rows.js';
import { countResult, formatMs, plural, problemCountParts, ran, verifiedParts, visibleNotes } from './summary.js';
import { renderTimingChart } from './timing-chart.js';
import { suggestionBlocks } from './fixes.js';

export { code, escapeHtml, escapeMarkdown, fileUrl, type ReportLinks } from './markdown-text.js';

export interface MarkdownOptions {
  links?: ReportLinks;
  /** Character budget; the default keeps a PR comment well under GitHub's 65,536 limit. */
  maxChars?: number;
}

/** What a PR comment may hold, leaving room for the hidden marker. */
export const COMMENT_MAX_CHARS = 60_000;
/** Up to this many migrations, the table lists them all openly; beyond, the ones that need a look. */
export const OPEN_TABLE_ROWS = 12;

const SEVERITY_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };
/** Cut orders (markdown-budget.ts): lower goes first. */
const CHART_ORDER = 0;
const SEEDED_ORDER = 10;
const DIFF_ORDER = 30;
const FULL_TABLE_ORDER = 40;

function headlineBlock(result: VerifyResult): string {
  const dir = code(result.migrationsDir);
  const title =
    result.status === 'pass' ? `## ✅ Rollback check passed · ${dir}`
    : result.status === 'error' ? `## ⚠️ Rollback check could not finish · ${dir}`
    : `## ❌ Rollback check failed · ${dir}`;
  const verified = verifiedPartsMarkdown(result);
  const counts = problemCountParts(result).map((p) => (/error/.test(p) ? `**${p}**` : p));
  const named = result.base && !result.base.sha.startsWith(result.base.ref);
  const base = result.base
    ? `baseline: ${plural(result.baselineCount, 'migration')} from ${named ? `${code(result.base.ref)} (${code(result.base.sha.slice(0, 7))})` : code(result.base.sha.slice(0, 7))}`
    : `baseline: ${plural(result.baselineCount, 'migration')}`;
  // Without new migrations no server ran: the server and the mode say nothing then.
  const context = result.migrations.length
    ? [escapeMarkdown(result.format), `PostgreSQL ${escapeMarkdown(result.postgres)}`, result.mode === 'chain' ? 'chain mode' : 'step-wise', formatMs(result.totalMs), base]
    : [escapeMarkdown(result.format), base];
  return `${title}\n\n${[...verified, ...counts].join(' · ')}  \n${context.join(' · ')}\n`;
}

/** The verified/failed/not-run parts, with the stop reason escaped and the migration as code. */
function verifiedPartsMarkdown(result: VerifyResult): string[] {
  const escaped: VerifyResult = result.stopped ? { ...result, stopped: { migration: result.stopped.migration, reason: '\u0000' } } : result;
  return verifiedParts(escaped, (s) => code(s), (s) => `**${s}**`).map((p) =>
    result.stopped ? p.replace('\u0000', escapeMarkdown(result.stopped.reason)) : p,
  );
}

function phaseCell(p: PhaseResult | undefined, mark: PhaseMark, link: (text: string) => string): string {
  const time = p ? link(keepTogether(formatMs(p.ms))) : '';
  switch (mark) {
    case 'culprit':
      return time ? `❌\u00a0${time}` : '❌';
    case 'consequence':
      return time ? `↳\u00a0${time}` : '↳';
    case 'absent':
      return '—';
    default:
      return time;
  }
}

function tableRows(migrations: readonly MigrationResult[], result: VerifyResult, links: ReportLinks | undefined): string {
  const rows = migrations.map((m) => {
    const view = rowView(m, result);
    const id = links ? fileLink(links, m.files.up, undefined, m.id) : code(m.id, true);
    // The id links the up; the down's time links the down when it is a file of its own.
    const downFile = m.files.down && m.files.down !== m.files.up ? m.files.down : undefined;
    const plain = (t: string) => t;
    const downLink = links && downFile ? (t: string) => fileLink(links, downFile, undefined, t) : plain;
    const cells = [
      `${id} ${escapeMarkdown(m.name)}`.trim(),
      phaseCell(m.phases.up, view.phases.up, plain),
      phaseCell(m.phases.down, view.phases.down, downLink),
      phaseCell(m.phases.reup, view.phases.reup, plain),
      `${view.icon} ${escapeMarkdown(view.text)}`,
    ];
    return `| ${cells.join(' | ')} |`;
  });
  return ['| Migration | Up | Down | Re-up | Result |', '| :-- | --: | --: | --: | :-- |', ...rows].join('\n');
}

/** The migrations table; past OPEN_TABLE_ROWS, the rows that need a look open and all of them collapsed. */
function migrationTableBlocks(result: VerifyResult, links: ReportLinks | undefined): MarkdownBlock[] {
  if (result.migrations.length === 0) return [{ kind: 'text', text: '_This change adds no migrations: nothing to roll back._\n' }];
  if (result.migrations.length <= OPEN_TABLE_ROWS) return [{ kind: 'text', text: `${tableRows(result.migrations, result, links)}\n` }];
  const attention = result.migrations.filter((m) => {
    const view = rowView(m, result);
    return view.icon !== '✅' && (view.icon !== '⏸️' || m.reason !== undefined);
  });
  const c = countResult(result);
  const summary = [
    `All ${plural(c.migrations, 'migration')}`,
    c.verified ? `${c.verified} verified` : '',
    c.failed ? `${c.failed} failed` : '',
    c.irreversible ? `${c.irreversible} irreversible` : '',
    c.notRun ? `${c.notRun} not run` : '',
  ].filter(Boolean);
  const blocks: MarkdownBlock[] = [];
  if (attention.length) blocks.push({ kind: 'text', text: `${tableRows(attention, result, links)}\n` });
  else blocks.push({ kind: 'text', text: `_Every one of the ${c.migrations} new migrations was verified._\n` });
  blocks.push({ kind: 'details', summary: escapeHtml(summary.join(' · ')), body: tableRows(result.migrations, result, links), cut: 'lines', order: FULL_TABLE_ORDER });
  return blocks;
}

function problemBlocks(result: VerifyResult, links: ReportLinks | undefined): MarkdownBlock[] {
  const problems = result.problems;
  if (problems.length === 0) return [];
  const blocks: MarkdownBlock[] = [{ kind: 'text', text: `### Problems (${problems.length})\n` }];
  for (const p of problems) blocks.push(...problemBlock(p, result, links));
  return blocks;
}

function problemBlock(p: Problem, result: VerifyResult, links: ReportLinks | undefined): MarkdownBlock[] {
  const m = result.migrations.find((x) => x.id === p.migration);
  const head = `#### ${SEVERITY_ICON[p.severity]} ${p.migration ? `${code(p.migration)} ` : ''}${escapeMarkdown(problemReason(p))}`;
  const where = [
    `[${code(p.kind)}](${p.docs ?? docsUrl(p.kind)})`,
    p.file ? fileLink(links, p.file, p.line) : undefined,
    p.sqlstate ? `SQLSTATE ${code(p.sqlstate)}` : undefined,
    m && !ran(m) ? 'found without running it' : undefined,
  ].filter(Boolean);
  const message = p.message.includes('\n') ? `${fenceFor(p.message)}text\n${p.message}\n${fenceFor(p.message)}` : escapeMarkdown(p.message);
  const sample = p.sample && !p.message.includes(' → ') ? `\n\nFor example row ${code(p.sample.row)}: ${show(p.sample.before)} → ${show(p.sample.after)}` : '';
  const help = p.help ? `\n\n**Fix:** ${inlineMarkdown(p.help)}` : '';
  const consequences = (p.consequences ?? []).map((c) => `\n\n↳ Because of it, ${escapeMarkdown(c.message)}${c.file ? ` (${fileLink(links, c.file, c.line, baseName(c.file, c.line))})` : ''}. Same cause, not counted again.`).join('');
  const blocks: MarkdownBlock[] = [{ kind: 'text', text: `${head}\n\n${where.join(' · ')}\n\n${message}${sample}${help}${consequences}\n` }];
  blocks.push(...suggestionBlocks(p, result, links));
  if (p.diff) {
    blocks.push({ kind: 'details', summary: `Diff${p.object ? ` of ${escapeHtml(p.object)}` : ''} (before → after)`, body: p.diff.replace(/\n+$/, ''), fence: 'diff', cut: 'lines', order: DIFF_ORDER });
  }
  return blocks;
}

function show(v: string | null): string {
  return v === null ? '`NULL`' : code(`'${v}'`);
}

/** The timing chart, collapsed, only when a phase comes near its limit. */
function timingChartBlock(result: VerifyResult): MarkdownBlock[] {
  const chart = renderTimingChart(result).trimEnd();
  if (!chart) return [];
  return [{ kind: 'details', summary: 'Timing: the phases at or over half their time limit', body: chart, cut: 'whole', order: CHART_ORDER }];
}

function seededBlock(result: VerifyResult): MarkdownBlock[] {
  if (result.seeded.length === 0) return [];
  const total = result.seeded.reduce((n, s) => n + s.rows, 0);
  const rows = result.seeded.map((s) => `| ${code(s.table, true)} | ${s.rows.toLocaleString('en-US')} | ${s.note ? escapeMarkdown(s.note) : ''} |`);
  return [
    {
      kind: 'details',
      summary: `Seeded data: ${plural(total, 'row')} in ${plural(result.seeded.length, 'table')}`,
      body: ['| Table | Rows | Note |', '| :-- | --: | :-- |', ...rows].join('\n'),
      cut: 'lines',
      order: SEEDED_ORDER,
    },
  ];
}

function footer(result: VerifyResult): string {
  const notes = visibleNotes(result).map((n) => escapeMarkdown(n));
  return `<sub>rollback-verify${notes.length ? ` · ${notes.join(' · ')}` : ''}</sub>\n`;
}

function shortenedNote(links: ReportLinks | undefined): (n: number) => string {
  const summary = links?.summaryUrl ? `[job summary of this run](${links.summaryUrl})` : 'job summary of this run';
  return (n) => `> ✂️ Shortened to fit a PR comment: ${plural(n, 'section')} cut, locks and charts first. The ${summary} has the full report.\n`;
}

/**
 * Renders the Markdown report. `links` turns file paths into links at the head commit; `maxChars`
 * (default COMMENT_MAX_CHARS) is the budget, met by cutting locks and the chart first.
 */
export function renderMarkdownReport(result: VerifyResult, opts: MarkdownOptions = {}): string {
  const blocks: MarkdownBlock[] = [
    { kind: 'text', text: headlineBlock(result) },
    ...migrationTableBlocks(result, opts.links),
    ...problemBlocks(result, opts.links),
    // The lock section leads with the predictions at production size, when table-rows was given.
    ...predictionBlocks(result),
    ...lockBlocks(result, opts.links),
    ...timingChartBlock(result),
    ...schemaChangeBlocks(result),
    ...seededBlock(result),
    { kind: 'text', text: footer(result) },
  ];
  // The shortening note goes right under the verdict, where it is read before anything is missed.
  return fitBlocks(blocks, opts.maxChars ?? COMMENT_MAX_CHARS, 1, shortenedNote(opts.links)).text;
}
