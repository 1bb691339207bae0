/**
 * The Markdown report: one renderer for the PR comment, the job summary and `--markdown FILE`.
 * Pure: a VerifyResult in, a string out. Reading order follows what a reviewer needs: the verdict
 * first, then one row per new migration, then each problem with the object it concerns and its
 * diff (collapsed), then what the PR changes in the schema (collapsed). A size budget keeps a PR
 * comment under GitHub's limit by cutting the largest collapsed sections first, and says so.
 */
import type { MigrationResult, PhaseResult, Problem, Severity, VerifyResult } from '../result/types.js';
import { fenceFor, fitBlocks, type MarkdownBlock } from './markdown-budget.js';
import { countResult, formatMs } from './summary.js';
import { renderTimingChart } from './timing-chart.js';
import { lockMarkdownBlocks } from './locks.js';

/** Where the migration files can be read at the head commit (github.com/owner/repo/blob/sha/…). */
export interface ReportLinks {
  /** `https://github.com/owner/repo`. */
  repoUrl: string;
  /** Commit the links point at: the PR's head. */
  sha: string;
  /** Prefix from the repository root to the paths in the result (the working directory). */
  pathPrefix?: string;
}

export interface MarkdownOptions {
  links?: ReportLinks;
  /** Character budget; the default keeps a PR comment well under GitHub's 65,536 limit. */
  maxChars?: number;
}

/** What a PR comment may hold, leaving room for the hidden marker. */
export const COMMENT_MAX_CHARS = 60_000;

const SEVERITY_ICON: Record<Severity, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };
const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const STATUS_TEXT: Record<MigrationResult['status'], string> = {
  ok: '✅ ok',
  failed: '❌ failed',
  irreversible: '⚠️ irreversible',
  skipped: '⏭️ skipped',
  'not-run': '⏸️ not run',
};

/** Escapes text for Markdown prose: no stray HTML tags, emphasis, links or table breaks. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*[\]<>|]/g, (c) => `\\${c}`)
    // An underscore inside a word never starts emphasis in GFM: leave `users_email_idx` readable.
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
    .replace(/\r?\n/g, ' ');
}

/** Escapes text for inside HTML (a `<summary>` line, where Markdown is not rendered). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r?\n/g, ' ');
}

/** An inline code span that survives backticks in the content. */
export function code(text: string): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const ticks = '`'.repeat(Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** The URL of a file (and line) at the head commit, or undefined without links. */
export function fileUrl(links: ReportLinks | undefined, file: string, line?: number): string | undefined {
  if (!links) return undefined;
  const prefix = links.pathPrefix && links.pathPrefix !== '.' ? `${links.pathPrefix.replace(/\/+$/, '')}/` : '';
  const path = `${prefix}${file.replace(/^\.\//, '')}`.split('/').map(encodeURIComponent).join('/');
  return `${links.repoUrl.replace(/\/+$/, '')}/blob/${links.sha}/${path}${line ? `#L${line}` : ''}`;
}

function fileLink(links: ReportLinks | undefined, file: string, line?: number, label?: string): string {
  const text = label ?? (line ? `${file}:${line}` : file);
  const url = fileUrl(links, file, line);
  return url ? `[${escapeMarkdown(text)}](${url})` : code(text);
}

function headlineBlock(result: VerifyResult): string {
  const c = countResult(result);
  const dir = code(result.migrationsDir);
  const title = result.status === 'pass' ? `## ✅ Rollback check passed · ${dir}` : `## ❌ Rollback check failed · ${dir}`;
  const facts = [
    c.migrations === 0 ? 'no new migrations' : `**${plural(c.migrations, 'new migration')}** verified up → down → up`,
    plural(c.errors, 'error'),
    plural(c.warnings, 'warning'),
  ];
  const context = [
    escapeMarkdown(result.format),
    `PostgreSQL ${escapeMarkdown(result.postgres)}`,
    result.mode === 'chain' ? 'chain mode' : 'step-wise',
    formatMs(result.totalMs),
  ];
  const named = result.base && !result.base.sha.startsWith(result.base.ref);
  const base = result.base
    ? `Baseline: ${plural(result.baselineCount, 'migration')} from ${named ? `${code(result.base.ref)} (${code(result.base.sha.slice(0, 7))})` : code(result.base.sha.slice(0, 7))}.`
    : `Baseline: ${plural(result.baselineCount, 'migration')}.`;
  return `${title}\n\n${facts.join(' · ')}  \n${context.join(' · ')}  \n${base}\n`;
}

function phaseCell(p: PhaseResult | undefined): string {
  if (!p) return '—';
  return p.ok ? formatMs(p.ms) : `❌ ${formatMs(p.ms)}`;
}

function migrationTable(result: VerifyResult, links: ReportLinks | undefined): string {
  if (result.migrations.length === 0) return '_This change adds no migrations: nothing to roll back._\n';
  const rows = result.migrations.map((m) => {
    const name = `${code(m.id)} ${escapeMarkdown(m.name)}`.trim();
    const cells = [name, phaseCell(m.phases.up), phaseCell(m.phases.down), phaseCell(m.phases.reup), STATUS_TEXT[m.status]];
    if (links) {
      // Single-file formats (dbmate, goose) keep up and down in one file: one link, named so.
      const oneFile = !m.files.down || m.files.down === m.files.up;
      const files = [fileLink(links, m.files.up, undefined, oneFile && m.files.down ? 'file' : 'up')];
      if (!oneFile) files.push(fileLink(links, m.files.down!, undefined, 'down'));
      cells.push(files.join(' · '));
    }
    return `| ${cells.join(' | ')} |`;
  });
  // Without links (a local --markdown file) a Files column would only repeat the names.
  const head = links
    ? ['| Migration | Up | Down | Re-up | Result | Files |', '| :-- | --: | --: | --: | :-- | :-- |']
    : ['| Migration | Up | Down | Re-up | Result |', '| :-- | --: | --: | --: | :-- |'];
  return [...head, ...rows, ''].join('\n');
}

function problemBlocks(problems: readonly Problem[], links: ReportLinks | undefined): MarkdownBlock[] {
  if (problems.length === 0) return [];
  const sorted = [...problems].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const blocks: MarkdownBlock[] = [{ kind: 'text', text: `### Problems (${problems.length})\n` }];
  for (const p of sorted) {
    const head = `#### ${SEVERITY_ICON[p.severity]} ${code(p.kind)}${p.object ? ` · ${escapeMarkdown(p.object)}` : ''}`;
    const where = [
      p.migration ? `Migration ${code(p.migration)}` : undefined,
      p.file ? fileLink(links, p.file, p.line) : undefined,
      p.sqlstate ? `SQLSTATE ${code(p.sqlstate)}` : undefined,
    ].filter(Boolean);
    const message = p.message.includes('\n')
      ? `${fenceFor(p.message)}text\n${p.message}\n${fenceFor(p.message)}`
      : escapeMarkdown(p.message);
    blocks.push({ kind: 'text', text: `${head}\n\n${where.length ? `${where.join(' · ')}\n\n` : ''}${message}\n` });
    if (p.diff) {
      blocks.push({
        kind: 'details',
        summary: `Diff${p.object ? ` of ${escapeHtml(p.object)}` : ''} (before → after)`,
        body: p.diff.replace(/\n+$/, ''),
        fence: 'diff',
        cut: 'lines',
      });
    }
  }
  return blocks;
}

/** The Mermaid timing chart, collapsed: the table above already has the numbers. */
function timingChartBlock(result: VerifyResult): MarkdownBlock[] {
  const chart = renderTimingChart(result).trimEnd();
  if (!chart) return [];
  return [{ kind: 'details', summary: 'Timing chart (up / down / re-up per migration)', body: chart, cut: 'whole' }];
}

function seededBlock(result: VerifyResult): MarkdownBlock[] {
  if (result.seeded.length === 0) return [];
  const total = result.seeded.reduce((n, s) => n + s.rows, 0);
  const rows = result.seeded.map((s) => `| ${code(s.table)} | ${s.rows.toLocaleString('en-US')} | ${s.note ? escapeMarkdown(s.note) : ''} |`);
  return [
    {
      kind: 'details',
      summary: `Seeded data: ${plural(total, 'row')} in ${plural(result.seeded.length, 'table')} before the new migrations ran`,
      body: ['| Table | Rows | Note |', '| :-- | --: | :-- |', ...rows].join('\n'),
      cut: 'lines',
    },
  ];
}

function schemaChangeBlocks(result: VerifyResult): MarkdownBlock[] {
  const changes = result.schemaChanges;
  if (changes.length === 0) return [];
  const count = (k: string) => changes.filter((c) => c.change === k).length;
  const parts = [['added', count('added')], ['changed', count('changed')], ['removed', count('removed')]]
    .filter(([, n]) => n)
    .map(([k, n]) => `${n} ${k}`);
  const body = changes.map((c) => `# ${c.change}: ${c.object}\n${c.diff.replace(/\n+$/, '')}`).join('\n\n');
  return [
    { kind: 'text', text: '### Schema changes\n' },
    {
      kind: 'details',
      summary: `What this change does to the schema, baseline → head: ${plural(changes.length, 'object')} (${parts.join(', ')})`,
      body,
      fence: 'diff',
      cut: 'lines',
    },
  ];
}

function footer(result: VerifyResult): string {
  const notes = result.notes.map((n) => escapeMarkdown(n));
  return `<sub>rollback-verify${notes.length ? ` · ${notes.join(' · ')}` : ''}</sub>\n`;
}

function shortenedNote(n: number): string {
  return `> ✂️ Shortened to fit a PR comment: ${plural(n, 'section')} cut, largest first. The job summary of this run has the full report.\n`;
}

/**
 * Renders the Markdown report. `links` turns file paths into links at the head commit; `maxChars`
 * (default COMMENT_MAX_CHARS) is the budget, met by cutting the largest collapsed sections first.
 */
export function renderMarkdownReport(result: VerifyResult, opts: MarkdownOptions = {}): string {
  const blocks: MarkdownBlock[] = [
    { kind: 'text', text: headlineBlock(result) },
    { kind: 'text', text: migrationTable(result, opts.links) },
    ...timingChartBlock(result),
    ...problemBlocks(result.problems, opts.links),
    ...lockMarkdownBlocks(result, { escape: escapeMarkdown, code, escapeHtml }),
    ...seededBlock(result),
    ...schemaChangeBlocks(result),
    { kind: 'text', text: footer(result) },
  ];
  // The shortening note goes right under the verdict, where it is read before anything is missed.
  return fitBlocks(blocks, opts.maxChars ?? COMMENT_MAX_CHARS, 1, shortenedNote).text;
}
