/**
 * Turns two fingerprints of the same tables (before the up, after the down) into data-loss
 * problems that name the table or column and how many rows or values changed.
 */
import type { Migration } from '../formats/types.js';
import type { DataSample, Problem } from '../result/types.js';
import type { Fingerprints, TableFingerprint } from './fingerprint.js';

/** Compares `before` with `after` over the tables and columns present in both. */
export function dataLossProblems(migration: Migration, before: Fingerprints, after: Fingerprints): Problem[] {
  const declared = migration.markers['down-loses-data'];
  const problems: Problem[] = [];
  const add = (object: string, message: string, sample?: DataSample) =>
    problems.push({
      kind: 'data-loss',
      severity: declared ? 'warning' : 'error',
      migration: migration.id,
      object,
      message: declared ? `${message} (declared by the down-loses-data marker)` : message,
      ...(declared ? { file: declared.file, line: declared.line } : {}),
      ...(sample ? { sample } : {}),
    });
  for (const [name, was] of before) {
    const now = after.get(name);
    if (!now) {
      if (was.rows > 0) add(`table ${name}`, `table ${name}: ${was.rows} rows → table missing after the down`);
      continue;
    }
    if (now.rows !== was.rows) {
      const recreated = was.detail && now.detail && was.detail.oid !== now.detail.oid;
      if (now.rows < was.rows && !recreated && deletesFrom(migration, name)) {
        // The up's own DELETE removed them: no down brings deleted rows back, and on synthetic
        // rows they may be rows production does not have (orphans the seed made).
        problems.push({
          kind: 'data-loss', severity: 'warning', migration: migration.id, object: `table ${name}`,
          message: `table ${name}: ${was.rows} rows → ${now.rows}: the up deletes ${was.rows - now.rows} of the synthetic rows and the down cannot bring them back; if production holds such rows (e.g. orphans whose references point nowhere), a rollback does not restore them either`,
        });
        continue;
      }
      add(`table ${name}`, `table ${name}: ${was.rows} rows → ${now.rows}${recreated ? ' (dropped and recreated by the down)' : ''}`);
      continue;
    }
    for (const column of Object.keys(was.columns)) {
      if (!(column in now.columns) || now.columns[column] === was.columns[column]) continue;
      const sample = changedSample(was, now, column);
      add(`column ${name}.${column}`, `${shortName(name)}.${column}: ${changedValues(was, now, column)}${sample ? `; e.g. ${sampleText(sample)}` : ''}`, sample);
    }
  }
  return problems;
}

/**
 * One value that changed, from the first row by primary key before and after (fingerprint.ts):
 * only when it is the same row (same key values) and its value differs.
 */
export function changedSample(was: TableFingerprint, now: TableFingerprint, column: string): DataSample | undefined {
  const key = was.detail?.key ?? [];
  if (!was.sample || !now.sample || key.length === 0) return undefined;
  if (key.some((k) => was.sample![k] !== now.sample![k])) return undefined;
  const before = was.sample[column] ?? null;
  const after = now.sample[column] ?? null;
  if (before === after) return undefined;
  return { row: key.map((k) => `${k}=${was.sample![k] ?? 'NULL'}`).join(', '), before, after };
}

/** `id=1: 'Ada Lovelace' → NULL`, each value cut to a readable length. */
export function sampleText(s: DataSample): string {
  const show = (v: string | null) => (v === null ? 'NULL' : `'${v.length > 40 ? `${v.slice(0, 39)}…` : v}'`);
  return `${s.row}: ${show(s.before)} → ${show(s.after)}`;
}

/** True when the up's text deletes rows of the table (`DELETE FROM [ONLY] [schema.]table`). */
function deletesFrom(migration: Migration, display: string): boolean {
  const up = migration.up;
  const text = up.kind === 'sql' ? up.text : (up.source ?? '');
  const bare = display.slice(display.lastIndexOf('.') + 1).replace(/^"|"$/g, '');
  for (const m of text.matchAll(/\bDELETE\s+FROM\s+(?:ONLY\s+)?((?:"[^"]+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|[A-Za-z_][\w$]*))?)/gi)) {
    const target = m[1]!.split('.').pop()!.trim().replace(/^"|"$/g, '');
    if (target.toLowerCase() === bare.toLowerCase()) return true;
  }
  return false;
}

/** `users` for `public.users`, as people say it; other schemas stay qualified. */
function shortName(display: string): string {
  return display.startsWith('public.') ? display.slice('public.'.length) : display;
}

/** "N of M values changed", exact where the sketch allows it, else an estimate that says so. */
export function changedValues(was: TableFingerprint, now: TableFingerprint, column: string): string {
  const rows = was.rows;
  const a = was.detail;
  const b = now.detail;
  if (!a || !b) return `values changed (${rows} rows)`;
  const wasNonNull = a.nonNull[column] ?? 0;
  const nowNonNull = b.nonNull[column] ?? 0;
  // Every value that was set is gone: the column came back empty (re-added without a backfill).
  if (wasNonNull > 0 && nowNonNull === 0) return `${wasNonNull} of ${rows} values changed (all NULL after the down)`;
  const keyed = a.key.length > 0 && a.key.join('\0') === b.key.join('\0');
  if (!keyed) {
    const atLeast = Math.abs(wasNonNull - nowNonNull);
    return `values changed${atLeast ? ` (at least ${atLeast} of ${rows})` : ''}; no primary key to count them by`;
  }
  const differing: number[] = [];
  const same: number[] = [];
  a.bucketRows.forEach((n, bucket) => {
    if (n === 0) return;
    (a.buckets[column][bucket] !== b.buckets[column][bucket] ? differing : same).push(n);
  });
  // With one row per bucket, a differing bucket is exactly one changed value.
  if (differing.every((n) => n === 1)) return `${differing.length} of ${rows} values changed`;
  const estimate = Math.max(differing.length, Math.min(rows, Math.round(estimateChangedShare(differing, same) * rows)));
  return `about ${estimate} of ${rows} values changed`;
}

/**
 * Maximum-likelihood share p of changed rows, given bucket sizes of buckets that differ
 * (probability 1 − (1 − p)^n each) and of buckets that do not ((1 − p)^n each).
 */
export function estimateChangedShare(differing: readonly number[], same: readonly number[]): number {
  if (differing.length === 0) return 0;
  if (same.length === 0) return 1;
  const logLikelihood = (p: number) =>
    differing.reduce((s, n) => s + Math.log(1 - Math.pow(1 - p, n)), 0) + same.reduce((s, n) => s + n * Math.log(1 - p), 0);
  let lo = 1e-9;
  let hi = 1 - 1e-9;
  for (let step = 0; step < 100; step++) {
    const m1 = lo + (hi - lo) / 3;
    const m2 = hi - (hi - lo) / 3;
    if (logLikelihood(m1) < logLikelihood(m2)) lo = m1;
    else hi = m2;
  }
  return (lo + hi) / 2;
}
