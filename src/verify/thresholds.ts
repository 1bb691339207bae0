/**
 * Timing thresholds: a phase slower than its limit is a `threshold` problem (an error) naming the
 * migration, the phase, the time and the limit. Timings are taken on seeded data, so they say
 * something about production. Pure: reads timings from migration results, nothing else.
 */
import type { MigrationResult, PhaseName, Problem } from '../result/types.js';

export interface ThresholdLimits {
  /** Per migration, for up and re-up; 0 or absent: no limit. */
  maxUpSeconds?: number;
  /** Per migration, for down; 0 or absent: no limit. */
  maxDownSeconds?: number;
  /** Whole run; 0 or absent: no limit. */
  maxTotalSeconds?: number;
  /** The run's total time, compared with maxTotalSeconds. */
  totalMs?: number;
}

const PHASES: ReadonlyArray<{ phase: PhaseName; label: string; limit: 'maxUpSeconds' | 'maxDownSeconds'; flag: string }> = [
  { phase: 'up', label: 'up', limit: 'maxUpSeconds', flag: 'max-up-seconds' },
  { phase: 'down', label: 'down', limit: 'maxDownSeconds', flag: 'max-down-seconds' },
  // Re-applying is the same work as applying, so it answers to the same limit.
  { phase: 'reup', label: 're-up', limit: 'maxUpSeconds', flag: 'max-up-seconds' },
];

/** Threshold problems for every timed phase over its limit, and for the run over its total. */
export function thresholdProblems(migrations: readonly MigrationResult[], limits: ThresholdLimits): Problem[] {
  const problems: Problem[] = [];
  for (const m of migrations) {
    for (const { phase, label, limit, flag } of PHASES) {
      const seconds = limits[limit];
      const timing = m.phases[phase];
      if (!seconds || seconds <= 0 || !timing || timing.ms <= seconds * 1000) continue;
      problems.push({
        kind: 'threshold',
        severity: 'error',
        migration: m.id,
        phase,
        message: `${m.id}${m.name ? ` ${m.name}` : ''}: ${label} took ${formatSeconds(timing.ms)}, over the ${seconds} s limit (${flag})`,
        file: phase === 'down' ? (m.files.down ?? m.files.up) : m.files.up,
      });
    }
  }
  const total = limits.maxTotalSeconds;
  if (total && total > 0 && limits.totalMs !== undefined && limits.totalMs > total * 1000) {
    problems.push({
      kind: 'threshold',
      severity: 'error',
      message: `the run took ${formatSeconds(limits.totalMs)}, over the ${total} s limit (max-total-seconds)`,
    });
  }
  return problems;
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
