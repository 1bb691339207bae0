/**
 * The job summary: the same Markdown as the comment (one renderer), with the larger budget a
 * summary has (1 MiB per step), so it never shows less than the comment.
 */
import { appendFileSync } from 'node:fs';
import { renderMarkdownReport, type ReportLinks } from '../report/markdown.js';
import type { VerifyResult } from '../result/types.js';

/** GitHub's per-step summary limit, in bytes. */
export const SUMMARY_MAX_BYTES = 1024 * 1024;

/** The summary's Markdown within SUMMARY_MAX_BYTES; `extra` is appended (e.g. annotation overflow). */
export function renderSummary(result: VerifyResult, links: ReportLinks | undefined, extra = ''): string {
  // Characters are not bytes (emoji, non-Latin names): shrink the character budget until it fits.
  let maxChars = SUMMARY_MAX_BYTES - Buffer.byteLength(extra) - 1024;
  for (;;) {
    const text = renderMarkdownReport(result, { links, maxChars }) + extra;
    const bytes = Buffer.byteLength(text);
    if (bytes <= SUMMARY_MAX_BYTES || maxChars < 10_000) return text;
    maxChars = Math.floor(maxChars * (SUMMARY_MAX_BYTES / bytes) * 0.95);
  }
}

/** Appends to GITHUB_STEP_SUMMARY; false when there is no summary file (a local run). */
export function writeJobSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return true;
}
