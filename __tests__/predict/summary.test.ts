/** The longest predicted blocking lock per table, and what it is held for. */
import { describe, expect, it } from '@jest/globals';
import { approxDuration, compactRows, longestPredictedLocks } from '../../src/predict/summary.js';
import type { PhaseResult } from '../../src/result/types.js';
import { lock, statement } from './traces.js';

const predictedLock = (relation: string, mode: Parameters<typeof lock>[1], heldMs: number, rows = 1_000_000) => ({ ...lock(relation, mode, 1), predicted: { rows, heldMs } });

describe('longestPredictedLocks', () => {
  it('keeps the longest blocking lock per relation, longest first, with the cost that makes it long', () => {
    const phase: PhaseResult = {
      ms: 10,
      ok: true,
      locks: {
        parser: 'libpg-query',
        statements: [
          statement({ tag: 'LOCK', line: 1, locks: [predictedLock('public.events', 'ACCESS EXCLUSIVE', 2400)], predicted: { ms: 0.2, cost: 'metadata', basis: '' } }),
          statement({ tag: 'ALTER TABLE', line: 2, predicted: { ms: 2300, cost: 'rewrite', basis: '' } }),
          statement({ tag: 'CREATE INDEX', line: 3, locks: [predictedLock('public.users', 'SHARE', 900, 50_000), predictedLock('public.events', 'SHARE', 100)], predicted: { ms: 890, cost: 'index-build', basis: '' } }),
          // Not blocking: left out however long.
          statement({ tag: 'SELECT', line: 4, locks: [predictedLock('public.audit', 'ACCESS SHARE', 99_999)], predicted: { ms: 99_999, cost: 'scan', basis: '' } }),
        ],
      },
    };
    expect(longestPredictedLocks(phase)).toEqual([
      { relation: 'public.events', relkind: 'table', mode: 'ACCESS EXCLUSIVE', rows: 1_000_000, heldMs: 2400, line: 1, tag: 'LOCK', cost: 'rewrite' },
      { relation: 'public.users', relkind: 'table', mode: 'SHARE', rows: 50_000, heldMs: 900, line: 3, tag: 'CREATE INDEX', cost: 'index-build' },
    ]);
  });

  it('is empty without predictions', () => {
    expect(longestPredictedLocks({ ms: 1, ok: true, locks: { parser: 'splitter', statements: [statement({ tag: 'ALTER TABLE', locks: [lock('public.events', 'ACCESS EXCLUSIVE', 5)] })] } })).toEqual([]);
    expect(longestPredictedLocks({ ms: 1, ok: true })).toEqual([]);
  });
});

describe('approxDuration and compactRows', () => {
  it('say a prediction in two digits at most, in the unit a reviewer thinks in', () => {
    expect([0.2, 40.4, 999, 1000, 2540, 44_600, 95_000, 192_000, 750_000, 5_400_000, 45_000_000].map(approxDuration)).toEqual([
      '~1 ms', '~40 ms', '~999 ms', '~1 s', '~2.5 s', '~45 s', '~1.6 min', '~3.2 min', '~13 min', '~1.5 h', '~13 h',
    ]);
    expect([950, 12_000, 1_200_000, 40_000_000, 3_000_000_000].map(compactRows)).toEqual(['950', '12k', '1.2M', '40M', '3B']);
  });
});
