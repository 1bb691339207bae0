/**
 * Plain facts every renderer states the same way (headline counts, phase times, plurals), so
 * terminal, Markdown and JSON never disagree on what happened.
 */
import type { MigrationResult, Problem, VerifyResult } from '../result/types.js';

export interface Counts {
  /** New migrations. */
  migrations: number;
  /** Ran up → down → up and came out without a failing problem. */
  verified: number;
  /** Ran, and something about them fails the run. */
  failed: number;
  /** Ran up; declared irreversible, so their down was not run. */
  irreversible: number;
  /** Never reached (the run stopped before them); some may still carry server-free problems. */
  notRun: number;
  errors: number;
  warnings: number;
}

/** True when at least one phase of the migration ran. */
export function ran(m: MigrationResult): boolean {
  return Object.keys(m.phases).length > 0;
}

/** How many migrations were verified, failed, irreversible or not run, and how many errors and warnings. */
export function countResult(result: VerifyResult): Counts {
  const ranMigrations = result.migrations.filter(ran);
  return {
    migrations: result.migrations.length,
    verified: ranMigrations.filter((m) => m.status === 'ok').length,
    failed: ranMigrations.filter((m) => m.status === 'failed').length,
    irreversible: ranMigrations.filter((m) => m.status === 'irreversible').length,
    notRun: result.migrations.length - ranMigrations.length,
    errors: result.problems.filter((p) => p.severity === 'error').length,
    warnings: result.problems.filter((p) => p.severity === 'warning').length,
  };
}

/** `1 table`, `2 tables`, `1,000 rows`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}

/**
 * What was verified, as parts of one sentence: `4 of 30 new migrations verified up → down → up`,
 * `1 failed`, `25 not run (stopped at 000005: down leaves index orders_status_idx)`. A headline
 * never counts a migration as verified that did not run. `code` formats a migration id.
 */
export function verifiedParts(result: VerifyResult, code: (s: string) => string = (s) => s, strong: (s: string) => string = (s) => s): string[] {
  const c = countResult(result);
  if (c.migrations === 0) return ['no new migrations'];
  const noun = c.migrations === 1 ? 'new migration' : 'new migrations';
  const parts = [
    c.verified === c.migrations
      ? `${strong(`${c.migrations.toLocaleString('en-US')} ${noun}`)} verified up → down → up`
      : `${strong(`${c.verified.toLocaleString('en-US')} of ${c.migrations.toLocaleString('en-US')} ${noun}`)} verified up → down → up`,
  ];
  if (c.failed) parts.push(`${c.failed.toLocaleString('en-US')} failed`);
  if (c.irreversible) parts.push(`${c.irreversible.toLocaleString('en-US')} irreversible (down not run)`);
  if (c.notRun) {
    const stop = result.stopped ? ` (stopped at ${code(result.stopped.migration)}: ${result.stopped.reason})` : '';
    parts.push(`${c.notRun.toLocaleString('en-US')} not run${stop}`);
  }
  return parts;
}

/** `3 errors`, `1 warning`: only the ones there are, or `no problems`. */
export function problemCountParts(result: VerifyResult): string[] {
  const c = countResult(result);
  const parts = [c.errors ? plural(c.errors, 'error') : '', c.warnings ? plural(c.warnings, 'warning') : ''].filter(Boolean);
  return parts.length ? parts : ['no problems'];
}

/** The terminal's verdict line, its last line. */
export function headline(result: VerifyResult): string {
  const verdict = result.status === 'pass' ? 'PASS' : result.status === 'error' ? 'ERROR' : 'FAIL';
  const context = [result.format, `PostgreSQL ${result.postgres}`, result.mode === 'chain' ? 'chain' : 'step-wise', formatMs(result.totalMs)];
  return `${verdict}: ${verifiedParts(result).join(', ')}; ${problemCountParts(result).join(', ')} (${context.join(', ')})`;
}

/** `12.3 ms`, `1.24 s`: short enough for a table cell. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '–';
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

/** `file:line`, `file`, or '' for a problem without a file. */
export function problemLocation(p: Pick<Problem, 'file' | 'line'>): string {
  if (!p.file) return '';
  return p.line ? `${p.file}:${p.line}` : p.file;
}

/** The notes worth showing: the protocol's "Stopped after …" is said better by the headline. */
export function visibleNotes(result: VerifyResult): string[] {
  return result.stopped ? result.notes.filter((n) => !/^Stopped after /.test(n)) : result.notes;
}
