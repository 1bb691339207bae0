import { describe, expect, it } from '@jest/globals';
import { thresholdProblems } from '../../src/verify/thresholds.js';
import type { MigrationResult } from '../../src/result/types.js';
import { usePostgres } from '../helpers/postgres.js';

function result(id: string, up: number, down?: number, reup?: number): MigrationResult {
  return {
    id,
    name: `m${id}`,
    files: { up: `db/${id}.up.sql`, down: `db/${id}.down.sql` },
    status: 'ok',
    phases: {
      up: { ms: up, ok: true },
      ...(down !== undefined ? { down: { ms: down, ok: true } } : {}),
      ...(reup !== undefined ? { reup: { ms: reup, ok: true } } : {}),
    },
  };
}

describe('thresholdProblems', () => {
  it('names the migration, the phase, the time and the limit; re-up answers to max-up', () => {
    const problems = thresholdProblems([result('1', 100, 100, 100), result('2', 31_000, 2_500, 30_500)], {
      maxUpSeconds: 30,
      maxDownSeconds: 2,
    });
    expect(problems).toEqual([
      { kind: 'threshold', severity: 'error', migration: '2', phase: 'up', file: 'db/2.up.sql', message: '2 m2: up took 31.0 s, over the 30 s limit (max-up-seconds)' },
      { kind: 'threshold', severity: 'error', migration: '2', phase: 'down', file: 'db/2.down.sql', message: '2 m2: down took 2.50 s, over the 2 s limit (max-down-seconds)' },
      { kind: 'threshold', severity: 'error', migration: '2', phase: 'reup', file: 'db/2.up.sql', message: '2 m2: re-up took 30.5 s, over the 30 s limit (max-up-seconds)' },
    ]);
  });

  it('checks the whole run against max-total-seconds, and treats 0 or absent limits as off', () => {
    expect(thresholdProblems([result('1', 5_000, 5_000)], { maxUpSeconds: 0, maxDownSeconds: 0, totalMs: 99_000 })).toEqual([]);
    expect(thresholdProblems([], { maxUpSeconds: 30, maxDownSeconds: 30, maxTotalSeconds: 60, totalMs: 61_000 })).toEqual([
      { kind: 'threshold', severity: 'error', message: 'the run took 61.0 s, over the 60 s limit (max-total-seconds)' },
    ]);
    expect(thresholdProblems([], { maxUpSeconds: 30, maxDownSeconds: 30, maxTotalSeconds: 60, totalMs: 60_000 })).toEqual([]);
  });

  describe('on a real server', () => {
    const pg = usePostgres();
    it('a slow migration (pg_sleep) over a 1-second threshold is a threshold problem', () =>
      pg.withDatabase(async (client) => {
        const started = performance.now();
        await client.query('SELECT pg_sleep(1.1)');
        const ms = Math.round(performance.now() - started);
        const problems = thresholdProblems([result('7', ms, 1)], { maxUpSeconds: 1, maxDownSeconds: 1 });
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatchObject({ kind: 'threshold', migration: '7' });
        expect(problems[0].message).toMatch(/^7 m7: up took 1\.\d\d s, over the 1 s limit \(max-up-seconds\)$/);
      }));
  });
});
