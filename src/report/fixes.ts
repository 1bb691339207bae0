/**
 * Verified fixes in the reports (issue 13): which suggestion belongs under which problem, and how
 * it reads — a ready-to-paste SQL block in Markdown (PR comment, job summary), a few lines in the
 * terminal. A suggestion is shown once, under the first problem it fixes (the reading order puts
 * the root cause first); a problem for which none is offered says why (`Problem.noFix`). Pure.
 */
import type { Problem, Suggestion, VerifyResult } from '../result/types.js';
import { fenceFor, type MarkdownBlock } from './markdown-budget.js';
import { code, escapeMarkdown, fileLink, type ReportLinks } from './markdown-text.js';

/** Cut order of a suggestion block (markdown-budget.ts): after the diffs, before the problems. */
const SUGGESTION_ORDER = 35;
/** SQL lines a terminal shows; --markdown, --json and --fix have the whole SQL. */
const TERMINAL_SQL_LINES = 12;

/** The reference `Suggestion.fixes` uses for a problem (as src/verify/suggest.ts writes it). */
function refOf(p: Problem): string {
  return `${p.kind}:${p.object ?? p.migration ?? ''}`;
}

/** The suggestion to show under `p`: one that fixes it, when `p` is the first problem it fixes. */
export function suggestionUnder(p: Problem, result: VerifyResult): Suggestion | undefined {
  const s = result.suggestions?.find((x) => x.migration === p.migration && x.fixes.includes(refOf(p)));
  if (!s) return undefined;
  const first = result.problems.find((q) => q.migration === s.migration && s.fixes.includes(refOf(q)));
  // By reference, not identity: a renderer may hand over copies of the problems.
  return first && refOf(first) === refOf(p) && first.kind === p.kind ? s : undefined;
}

/** True when a suggestion shown elsewhere fixes `p` too. */
function fixedElsewhere(p: Problem, result: VerifyResult): boolean {
  return Boolean(result.suggestions?.some((x) => x.migration === p.migration && x.fixes.includes(refOf(p))));
}

/** The Markdown under a problem: the verified SQL to paste, or why there is none. */
export function suggestionBlocks(p: Problem, result: VerifyResult, links: ReportLinks | undefined): MarkdownBlock[] {
  const s = suggestionUnder(p, result);
  if (s) {
    const sql = s.sql.replace(/\n+$/, '');
    const fence = fenceFor(sql);
    const also = s.fixes.length > 1 ? ` It fixes ${s.fixes.length} problems of ${code(s.migration)}.` : '';
    return [{
      kind: 'text',
      text: `**Suggested fix** (verified: up → down → up ran again with it, on the same data, and left nothing behind) — add to ${fileLink(links, s.file, undefined, s.file)}:${also}\n\n${fence}sql\n${sql}\n${fence}\n`,
      order: SUGGESTION_ORDER,
      dropped: `_The suggested fix for ${code(s.migration)} was cut to fit; the job summary has it._\n`,
    }];
  }
  if (fixedElsewhere(p, result)) return [{ kind: 'text', text: `_The suggested fix for ${code(p.migration ?? '')} above fixes this too._\n` }];
  if (p.noFix) return [{ kind: 'text', text: `_No suggested fix: ${escapeMarkdown(p.noFix)}._\n` }];
  return [];
}

/** The terminal lines under a problem (indented like the problem's own). */
export function suggestionLines(p: Problem, result: VerifyResult, dim: (s: string) => string): string[] {
  const s = suggestionUnder(p, result);
  if (s) {
    const sql = s.sql.replace(/\n+$/, '').split('\n');
    const shown = sql.slice(0, TERMINAL_SQL_LINES).map((l) => `      ${l}`);
    const more = sql.length > TERMINAL_SQL_LINES ? [dim(`      … ${sql.length - TERMINAL_SQL_LINES} more lines (--fix writes them all)`)] : [];
    return [`    suggested fix (verified), add to ${s.file} — or run again with --fix:`, ...shown, ...more];
  }
  if (fixedElsewhere(p, result)) return [dim('    the suggested fix above fixes this too')];
  if (p.noFix) return [dim(`    no suggested fix: ${p.noFix}`)];
  return [];
}
