/**
 * Verified fixes in the reports (src/report/fixes.ts): the SQL shows once, under the first problem
 * it fixes, in Markdown and the terminal; another problem it fixes points at it; a problem without
 * one says why; nothing is shown for a problem no suggestion is about.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { renderTerminalReport } from '../../src/report/terminal.js';
import { suggestionBlocks } from '../../src/report/fixes.js';
import type { Problem, VerifyResult } from '../../src/result/types.js';

const base = JSON.parse(readFileSync(join(process.cwd(), '__fixtures__', 'reports', 'fail.json'), 'utf8')) as VerifyResult;
const drift: Problem = { kind: 'reapply-drift', severity: 'error', migration: '000013', object: 'view public.v', message: 'view public.v differs when re-applying 000013' };

function withSuggestion(fixes: string[]): VerifyResult {
  return {
    ...base,
    problems: [...base.problems, drift],
    suggestions: [{ migration: '000013', file: 'db/migrations/000013_orders_status_idx.down.sql', sql: 'DROP INDEX public.orders_status_idx;\nDROP VIEW public.v;\n', verified: true, fixes }],
  };
}

test('Markdown: one SQL block under the first problem it fixes, a pointer under the other', () => {
  const md = renderMarkdownReport(withSuggestion(['rollback-residue:index public.orders_status_idx', 'reapply-drift:view public.v']));
  expect(md.match(/```sql\nDROP INDEX public\.orders_status_idx;\nDROP VIEW public\.v;\n```/g)).toHaveLength(1);
  expect(md).toMatch(/add to \S*000013_orders_status_idx\.down\.sql\S*: It fixes 2 problems of `000013`\./);
  const residueAt = md.indexOf('down leaves index orders_status_idx');
  expect(md.indexOf('```sql')).toBeGreaterThan(residueAt);
  expect(md.indexOf('```sql')).toBeLessThan(md.indexOf('re-up changes'));
  expect(md.slice(md.indexOf('re-up changes'))).toContain('_The suggested fix for `000013` above fixes this too._');
});

test('terminal: the SQL under the problem, short, with the file and --fix', () => {
  const out = renderTerminalReport(withSuggestion(['rollback-residue:index public.orders_status_idx']), { color: false });
  expect(out).toContain('    suggested fix (verified), add to db/migrations/000013_orders_status_idx.down.sql — or run again with --fix:\n      DROP INDEX public.orders_status_idx;\n      DROP VIEW public.v;\n');
  expect(out).not.toContain('fixes this too');
});

test('a suggestion for other problems is not shown under this one; a problem without one says why', () => {
  const r = withSuggestion(['reapply-drift:view public.v']);
  r.problems = r.problems.map((p) => (p.kind === 'missing-down' ? { ...p, noFix: 'PostgreSQL offers no faithful way back for x' } : p));
  const md = renderMarkdownReport(r);
  const residue = md.slice(md.indexOf('down leaves index'), md.indexOf('####', md.indexOf('down leaves index')));
  expect(residue).not.toContain('```sql');
  expect(md).toContain('_No suggested fix: PostgreSQL offers no faithful way back for x._');
  expect(renderTerminalReport(r, { color: false })).toContain('    no suggested fix: PostgreSQL offers no faithful way back for x');
  expect(renderMarkdownReport(base)).not.toMatch(/suggested fix/i);
});

test('a copy of the problem (as the job summary hands over) still gets the SQL block', () => {
  const r = withSuggestion(['rollback-residue:index public.orders_status_idx']);
  const copy = { ...r.problems.find((p) => p.kind === 'rollback-residue')! };
  const blocks = suggestionBlocks(copy, r, undefined);
  expect(blocks.map((b) => (b.kind === 'text' ? b.text : '')).join('')).toContain('```sql\nDROP INDEX public.orders_status_idx;');
});
