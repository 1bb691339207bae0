/**
 * Markdown text helpers shared by the sections of the Markdown report: escaping text that comes
 * from migrations (names, error messages) so it can never inject HTML, links or table cells, code
 * spans, and links to files at the PR's head commit. Pure.
 */

/** Where the migration files can be read at the head commit (github.com/owner/repo/blob/sha/…). */
export interface ReportLinks {
  /** `https://github.com/owner/repo`. */
  repoUrl: string;
  /** Commit the links point at: the PR's head. */
  sha: string;
  /** Prefix from the repository root to the paths in the result (the working directory). */
  pathPrefix?: string;
  /** The run's page, where its job summary (the full report) is: …/actions/runs/<id>. */
  summaryUrl?: string;
}

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

/**
 * An inline code span that survives backticks in the content. In a table cell (`inTable`) a `|`
 * must be escaped even inside code, where GFM then shows it plain; elsewhere it must not be.
 */
export function code(text: string, inTable = false): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const ticks = '`'.repeat(Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length)) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${inTable ? flat.replace(/\|/g, '\\|') : flat}${pad}${ticks}`;
}

/**
 * Our own sentences (help texts) with `code` in backticks: the code parts become code spans, the
 * rest is escaped, so an object name inside either cannot break the Markdown.
 */
export function inlineMarkdown(text: string): string {
  return text
    .split(/(`[^`]+`)/)
    .map((part) => (part.startsWith('`') && part.endsWith('`') && part.length > 1 ? code(part.slice(1, -1)) : escapeMarkdown(part)))
    .join('');
}

/** The URL of a file (and line) at the head commit, or undefined without links. */
export function fileUrl(links: ReportLinks | undefined, file: string, line?: number): string | undefined {
  if (!links) return undefined;
  const prefix = links.pathPrefix && links.pathPrefix !== '.' ? `${links.pathPrefix.replace(/\/+$/, '')}/` : '';
  const path = `${prefix}${file.replace(/^\.\//, '')}`.split('/').map(encodeURIComponent).join('/');
  return `${links.repoUrl.replace(/\/+$/, '')}/blob/${links.sha}/${path}${line ? `#L${line}` : ''}`;
}

/** A link to the file (or a code span naming it, without links). */
export function fileLink(links: ReportLinks | undefined, file: string, line?: number, label?: string): string {
  const text = label ?? (line ? `${file}:${line}` : file);
  const url = fileUrl(links, file, line);
  return url ? `[${escapeMarkdown(text)}](${url})` : code(text);
}

/** `000013_add_orders.up.sql:3`: the file's own name, which is what a reviewer recognises. */
export function baseName(file: string, line?: number): string {
  const name = file.slice(file.lastIndexOf('/') + 1);
  return line ? `${name}:${line}` : name;
}
