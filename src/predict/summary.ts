/**
 * What a reviewer reads first, from a phase whose `predicted` fields are filled in: the longest
 * predicted blocking lock on each table, and what caused it. Pure; the report renders it and the
 * thresholds check it (phase 2).
 */
import { BLOCKING_MODES, type CostKind, type LockMode } from '../locks/types.js';
import type { PhaseResult } from '../result/types.js';

/** The longest predicted blocking lock on one relation. */
export interface PredictedBlockingLock {
  relation: string;
  /** `table`, `index`, … as the tracer names the relation's kind. */
  relkind: string;
  mode: LockMode;
  /** Production rows it was predicted at. */
  rows: number;
  heldMs: number;
  /** The statement that took it: line, tag, what its cost grows with. */
  line: number;
  tag: string;
  cost: CostKind;
}

/** Words for the reason a lock is held long, for the report: "(table rewrite)". */
export const COST_LABEL: Record<CostKind, string> = {
  metadata: 'catalog change',
  scan: 'row work',
  rewrite: 'table rewrite',
  validate: 'validation scan',
  'index-build': 'index build',
};

/**
 * The longest predicted blocking lock per relation, longest first; empty when the phase has no
 * predictions. Its cost is that of the longest statement it is held over (a LOCK TABLE before a
 * rewrite is held long because of the rewrite): of the statements from its own on, the longest
 * predicted one that fits in the hold.
 */
export function longestPredictedLocks(phase: PhaseResult): PredictedBlockingLock[] {
  const statements = phase.locks?.statements ?? [];
  const best = new Map<string, PredictedBlockingLock>();
  statements.forEach((s, index) => {
    for (const l of s.locks) {
      if (!l.blocking || !l.predicted || !BLOCKING_MODES.has(l.mode)) continue;
      const had = best.get(l.relation);
      if (had && had.heldMs >= l.predicted.heldMs) continue;
      const spanned = statements.slice(index).filter((t) => t.predicted && t.predicted.ms <= l.predicted!.heldMs + 0.1);
      const cause = spanned.reduce((a, b) => (b.predicted!.ms > a.predicted!.ms ? b : a), spanned[0] ?? s);
      best.set(l.relation, { relation: l.relation, relkind: l.relkind, mode: l.mode, rows: l.predicted.rows, heldMs: l.predicted.heldMs, line: s.line, tag: s.tag, cost: cause.predicted?.cost ?? 'metadata' });
    }
  });
  return [...best.values()].sort((a, b) => b.heldMs - a.heldMs || a.relation.localeCompare(b.relation));
}

/**
 * A predicted duration the way a reviewer reads it: `~40 ms`, `~2.5 s`, `~45 s`, `~3.2 min`,
 * `~12 min`, `~1.5 h`. Two digits at most: the prediction is within 2× at best, so more would lie.
 */
export function approxDuration(ms: number): string {
  if (ms < 1000) return `~${Math.max(1, Math.round(ms))} ms`;
  const s = ms / 1000;
  if (s < 10) return `~${trim(s.toFixed(1))} s`;
  if (s < 90) return `~${Math.round(s)} s`;
  const min = s / 60;
  if (min < 90) return `~${min < 10 ? trim(min.toFixed(1)) : Math.round(min)} min`;
  const h = min / 60;
  return `~${h < 10 ? trim(h.toFixed(1)) : Math.round(h)} h`;
}

/** A row count in a few characters: `950`, `12k`, `1.2M`, `40M`, `3B`. */
export function compactRows(n: number): string {
  const units: Array<[number, string]> = [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, unit] of units) {
    if (n >= size) {
      const v = n / size;
      return `${v < 10 ? trim(v.toFixed(1)) : Math.round(v)}${unit}`;
    }
  }
  return String(Math.round(n));
}

function trim(fixed: string): string {
  return fixed.replace(/\.0$/, '');
}
