/**
 * Plain facts every renderer states the same way (headline counts, phase times), so terminal,
 * Markdown and JSON never disagree on what happened.
 */
import type { Problem, VerifyResult } from '../result/types.js';

export interface Counts {
  migrations: number;
  ok: number;
  failed: number;
  errors: number;
  warnings: number;
}

export function countResult(result: VerifyResult): Counts {
  return {
    migrations: result.migrations.length,
    ok: result.migrations.filter((m) => m.status === 'ok').length,
    failed: result.migrations.filter((m) => m.status === 'failed').length,
    errors: result.problems.filter((p) => p.severity === 'error').length,
    warnings: result.problems.filter((p) => p.severity === 'warning').length,
  };
}

export function headline(result: VerifyResult): string {
  const c = countResult(result);
  const verdict = result.status === 'pass' ? 'PASS' : 'FAIL';
  const parts = [`${c.migrations} new migration${c.migrations === 1 ? '' : 's'} verified`];
  if (c.errors) parts.push(`${c.errors} error${c.errors === 1 ? '' : 's'}`);
  if (c.warnings) parts.push(`${c.warnings} warning${c.warnings === 1 ? '' : 's'}`);
  return `${verdict}: ${parts.join(', ')} (${result.format}, PostgreSQL ${result.postgres}, ${result.mode === 'chain' ? 'chain' : 'step-wise'})`;
}

/** `12.3 ms`, `1.24 s`: short enough for a table cell. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '–';
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

export function problemLocation(p: Problem): string {
  if (!p.file) return '';
  return p.line ? `${p.file}:${p.line}` : p.file;
}

