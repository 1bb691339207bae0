/**
 * The limits applied to predictions: each with a prediction over the limit (a problem naming the
 * migration, the phase, the table and the statement) and a near miss just under it (none); and
 * nothing at all without predictions, whatever the limits.
 */
import { describe, expect, it } from '@jest/globals';
import { predictionProblems } from '../../src/predict/verdicts.js';
import { problemHelp, problemReason } from '../../src/result/messages.js';
import type { MigrationResult, PhaseResult } from '../../src/result/types.js';
import { lock, statement } from './traces.js';

/** An up that rewrites public.events: 40 ms measured, `predictedMs` predicted, the lock held as long. */
function upPhase(predictedMs: number | undefined): PhaseResult {
  const held = { ...lock('public.events', 'ACCESS EXCLUSIVE', 40) };
  return {
    ms: 45,
    ok: true,
    ...(predictedMs !== undefined ? { predicted: { ms: predictedMs + 5, basis: 'trials' } } : {}),
    locks: {
      parser: 'libpg-query',
      statements: [
        statement({ tag: 'SET', line: 1, ms: 0.1, ...(predictedMs !== undefined ? { predicted: { ms: 0.1, cost: 'metadata' as const, basis: '' } } : {}) }),
        statement({
          tag: 'ALTER TABLE', line: 2, ms: 40,
          locks: [predictedMs !== undefined ? { ...held, predicted: { rows: 40_000_000, heldMs: predictedMs } } : held],
          rewrites: ['public.events'],
          ...(predictedMs !== undefined ? { predicted: { ms: predictedMs, cost: 'rewrite' as const, basis: 'rewrite of public.events' } } : {}),
        }),
      ],
    },
  };
}

function migration(predictedMs: number | undefined, downPredictedMs?: number): MigrationResult {
  return {
    id: '000002', name: 'add_score', status: 'ok',
    files: { up: 'db/000002_add_score.up.sql', down: 'db/000002_add_score.down.sql' },
    phases: {
      up: upPhase(predictedMs),
      down: { ms: 3, ok: true, ...(downPredictedMs !== undefined ? { predicted: { ms: downPredictedMs, basis: 'as measured' } } : {}) },
      reup: upPhase(predictedMs),
    },
  };
}

describe('predictionProblems', () => {
  it('a predicted blocking hold over max-predicted-lock-ms is a lock error naming table, rows, statement and cause', () => {
    const problems = predictionProblems([migration(192_000)], { maxPredictedLockMs: 5000 });
    expect(problems).toEqual([
      {
        kind: 'lock', severity: 'error', migration: '000002', object: 'table public.events', file: 'db/000002_add_score.up.sql', line: 2, phase: 'up',
        message: '000002 add_score: at 40,000,000 rows the up is predicted to hold ACCESS EXCLUSIVE on public.events for ~3.2 min (table rewrite), over the 5000 ms limit (max-predicted-lock-ms): ALTER TABLE at line 2',
      },
    ]);
    expect(problemReason(problems[0]!)).toBe('up would lock events for ~3.2 min at 40,000,000 rows (limit 5000 ms)');
    expect(problemHelp(problems[0]!)).toMatch(/raise --max-predicted-lock-ms\.$/);
  });

  it('near miss: a predicted hold at the limit is no problem', () => {
    expect(predictionProblems([migration(5000)], { maxPredictedLockMs: 5000 })).toEqual([]);
  });

  it('a phase predicted over max-up-seconds / max-down-seconds is a threshold error that says it was predicted', () => {
    const problems = predictionProblems([migration(192_000, 31_000)], { maxUpSeconds: 30, maxDownSeconds: 30 });
    expect(problems).toEqual([
      {
        kind: 'threshold', severity: 'error', migration: '000002', phase: 'up', file: 'db/000002_add_score.up.sql',
        message: '000002 add_score: the up is predicted to take ~3.2 min at the table-rows sizes, over the 30 s limit (max-up-seconds; 45 ms on the seeded rows)',
      },
      {
        kind: 'threshold', severity: 'error', migration: '000002', phase: 'down', file: 'db/000002_add_score.down.sql',
        message: '000002 add_score: the down is predicted to take ~31 s at the table-rows sizes, over the 30 s limit (max-down-seconds; 3 ms on the seeded rows)',
      },
    ]);
    expect(problems.map(problemReason)).toEqual(['up ~3.2 min at production size (limit 30 s)', 'down ~31 s at production size (limit 30 s)']);
    expect(problemHelp(problems[0]!)).toMatch(/^At production size this step runs past the limit/);
  });

  it('near miss: predictions under the limits, or limits off, are no problem', () => {
    expect(predictionProblems([migration(29_990, 30_000)], { maxUpSeconds: 30, maxDownSeconds: 30, maxPredictedLockMs: 30_000 })).toEqual([]);
    expect(predictionProblems([migration(192_000, 99_000)], { maxUpSeconds: 0, maxDownSeconds: 0, maxPredictedLockMs: 0 })).toEqual([]);
  });

  it('near miss: a long hold over a catalog change only, or a phase already over its limit as measured, is left to the measured verdicts', () => {
    const m = migration(192_000, 31_000);
    const alter = m.phases.up!.locks!.statements[1]!;
    m.phases.up!.locks!.statements[1] = { ...alter, rewrites: [], predicted: { ms: 300, cost: 'metadata', basis: 'metadata only: as measured' } };
    expect(predictionProblems([m], { maxPredictedLockMs: 100 })).toEqual([]);
    const slow = migration(192_000);
    slow.phases.up!.ms = 31_000;
    expect(predictionProblems([slow], { maxUpSeconds: 30 })).toEqual([]);
  });

  it('without predictions (no table-rows) nothing is judged, however tight the limits', () => {
    expect(predictionProblems([migration(undefined)], { maxUpSeconds: 0.001, maxDownSeconds: 0.001, maxPredictedLockMs: 1 })).toEqual([]);
  });
});
