/**
 * The limits applied to predictions (pure, like src/verify/thresholds.ts and src/locks/verdicts.ts
 * for the measured values): with table-rows given,
 * - `max-up-seconds` / `max-down-seconds`: an up or down predicted to take longer at the
 *   production sizes is a `threshold` error, which says it was the prediction;
 *   A phase already over its limit as measured is left to the measured threshold problem.
 * - `max-predicted-lock-ms`: a blocking lock predicted to be held longer is a `lock` error, one per
 *   table and phase (the longest hold), naming the statement that takes it and why it is long. A
 *   hold over catalog changes only does not grow with the table: it is the measured hold, which
 *   `max-lock-ms` judges, so it is left out here.
 * Up and down are judged; the re-up repeats the up's statements and would only repeat its problems.
 * Without predictions in the result (no table-rows), nothing is found.
 */
import type { MigrationResult, PhaseName, Problem } from '../result/types.js';
import { approxDuration, COST_LABEL, longestPredictedLocks } from './summary.js';

export interface PredictionLimits {
  maxUpSeconds?: number;
  maxDownSeconds?: number;
  maxPredictedLockMs?: number;
}

const JUDGED: ReadonlyArray<{ phase: PhaseName; label: string; limit: 'maxUpSeconds' | 'maxDownSeconds'; flag: string }> = [
  { phase: 'up', label: 'up', limit: 'maxUpSeconds', flag: 'max-up-seconds' },
  { phase: 'down', label: 'down', limit: 'maxDownSeconds', flag: 'max-down-seconds' },
];

/** Problems for predictions over the limits; empty when the result holds no predictions. */
export function predictionProblems(migrations: readonly MigrationResult[], limits: PredictionLimits): Problem[] {
  const problems: Problem[] = [];
  for (const m of migrations) {
    const who = `${m.id}${m.name ? ` ${m.name}` : ''}`;
    for (const { phase, label, limit, flag } of JUDGED) {
      const result = m.phases[phase];
      const predicted = result?.predicted;
      if (!result || !predicted) continue;
      const file = phase === 'down' ? (m.files.down ?? m.files.up) : m.files.up;
      const seconds = limits[limit];
      // A phase already over the limit as measured has its threshold problem (thresholds.ts).
      if (seconds && seconds > 0 && predicted.ms > seconds * 1000 && result.ms <= seconds * 1000) {
        problems.push({
          kind: 'threshold', severity: 'error', migration: m.id, phase, file,
          message: `${who}: the ${label} is predicted to take ${approxDuration(predicted.ms)} at the table-rows sizes, over the ${seconds} s limit (${flag}; ${formatMs(result.ms)} on the seeded rows)`,
        });
      }
      const max = limits.maxPredictedLockMs;
      if (!max || max <= 0) continue;
      for (const lock of longestPredictedLocks(result)) {
        // A hold over nothing that grows with a table is the measured one: max-lock-ms judges it.
        if (lock.heldMs <= max || lock.cost === 'metadata') continue;
        problems.push({
          kind: 'lock', severity: 'error', migration: m.id, object: `${lock.relkind} ${lock.relation}`, file, line: lock.line, phase,
          message: `${who}: at ${lock.rows.toLocaleString('en-US')} rows the ${label} is predicted to hold ${lock.mode} on ${lock.relation} for ${approxDuration(lock.heldMs)} (${COST_LABEL[lock.cost]}), over the ${max} ms limit (max-predicted-lock-ms): ${lock.tag} at line ${lock.line}`,
        });
      }
    }
  }
  return problems;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}
