/**
 * Predictions at production size, as a reviewer reads them in ten seconds: per new migration's up
 * and down, the predicted time beside the measured one and the longest predicted blocking lock on
 * each table, e.g. `000002 up: at 40M rows ~3.2 min (measured 45 ms); ACCESS EXCLUSIVE on events
 * ~3.2 min (table rewrite)`. The rows here feed the terminal (below) and the Markdown
 * (markdown-predictions.ts); the JSON has the full values (`predicted` on phases, statements and
 * lock entries). Nothing at all when the result holds no predictions (no table-rows). Pure.
 */
import { approxDuration, compactRows, COST_LABEL, longestPredictedLocks, type PredictedBlockingLock } from '../predict/summary.js';
import type { MigrationResult, PhaseName, VerifyResult } from '../result/types.js';
import { relationText } from './locks.js';
import { formatMs } from './summary.js';

/** One phase's prediction, ready to print. */
export interface PredictionRow {
  migration: MigrationResult;
  phase: PhaseName;
  measuredMs: number;
  predictedMs: number;
  /** The production rows it was predicted at: the largest among its predicted locks' tables. */
  rows?: number;
  /** The longest predicted blocking lock per table, longest first. */
  locks: PredictedBlockingLock[];
  /** What it was extrapolated from (trial sizes, tables), or why it stays as measured. */
  basis: string;
  /** Nothing in the phase scales with a listed table: the prediction is the measurement. */
  asMeasured: boolean;
}

/** Up and down: the re-up repeats the up's statements and would say the same. */
const SHOWN: readonly PhaseName[] = ['up', 'down'];

/** The phases with predictions, in migration order; empty without table-rows. */
export function predictionRows(result: VerifyResult): PredictionRow[] {
  const rows: PredictionRow[] = [];
  for (const m of result.migrations) {
    for (const phase of SHOWN) {
      const p = m.phases[phase];
      if (!p?.predicted) continue;
      const locks = longestPredictedLocks(p);
      const sizes = locks.map((l) => l.rows).filter((n) => n > 0);
      rows.push({
        migration: m,
        phase,
        measuredMs: p.ms,
        predictedMs: p.predicted.ms,
        ...(sizes.length ? { rows: Math.max(...sizes) } : {}),
        locks,
        basis: p.predicted.basis,
        asMeasured: /^no statement scales/.test(p.predicted.basis),
      });
    }
  }
  return rows;
}

/** `at 40M rows ~3.2 min (measured 45 ms)`, or `~12 ms, as measured (nothing scales with a listed table)`. */
export function predictionTimeText(row: PredictionRow): string {
  if (row.asMeasured) return `${approxDuration(row.predictedMs)}, as measured (nothing scales with a listed table)`;
  return `${row.rows !== undefined ? `at ${compactRows(row.rows)} rows ` : ''}${approxDuration(row.predictedMs)} (measured ${formatMs(row.measuredMs)})`;
}

/** `ACCESS EXCLUSIVE on events ~3.2 min (table rewrite)`. */
export function predictedLockText(lock: PredictedBlockingLock): string {
  return `${lock.mode} on ${relationText(lock.relation)} ${approxDuration(lock.heldMs)} (${COST_LABEL[lock.cost]})`;
}

/** Locks shown per phase; the JSON has them all. */
const LOCKS_PER_PHASE = 2;

/** The terminal's lines: a heading and one line per phase; none without predictions. */
export function renderPredictionLines(result: VerifyResult, dim: (s: string) => string = (s) => s): string[] {
  const rows = predictionRows(result);
  if (rows.length === 0) return [];
  const width = Math.max(...rows.map((r) => `${r.migration.id} ${r.phase}`.length));
  const lines = ['', 'Predicted at production size (table-rows; trials on grown copies, extrapolated)'];
  for (const r of rows) {
    const locks = r.asMeasured ? [] : r.locks.slice(0, LOCKS_PER_PHASE).map(predictedLockText);
    const more = r.asMeasured ? 0 : r.locks.length - locks.length;
    lines.push(`  ${`${r.migration.id} ${r.phase}`.padEnd(width)}  ${[predictionTimeText(r), ...locks].join('; ')}${more > 0 ? ` (+${more} more)` : ''}`);
  }
  const extrapolated = rows.filter((r) => !r.asMeasured);
  if (extrapolated.length) lines.push(dim(`  Basis: ${extrapolated[0]!.basis}${extrapolated.length > 1 ? ` (and ${extrapolated.length - 1} more in the JSON report)` : ''}`));
  return lines;
}
