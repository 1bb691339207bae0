/**
 * Predictions in the reports (pure, fixed results): the terminal and the Markdown say, per up and
 * down, the predicted time beside the measured one and the longest predicted blocking lock, in a
 * line a reviewer reads in seconds; the JSON carries every predicted field; a result without
 * predictions (no table-rows) shows none of it.
 */
import type { LockHold, StatementTrace } from '../../src/locks/types.js';
import { renderJsonReport } from '../../src/report/json.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { renderPredictionLines } from '../../src/report/predictions.js';
import { renderTerminalReport } from '../../src/report/terminal.js';
import type { MigrationResult, VerifyResult } from '../../src/result/types.js';

const held = (heldMs: number, predictedMs?: number): LockHold => ({
  relation: 'public.events', relkind: 'table', mode: 'ACCESS EXCLUSIVE', heldMs, rows: 1000, blocking: true,
  ...(predictedMs !== undefined ? { predicted: { rows: 40_000_000, heldMs: predictedMs } } : {}),
});

function stmt(line: number, sql: string, ms: number, locks: LockHold[], predicted?: StatementTrace['predicted']): StatementTrace {
  return { line, tag: sql.split(' ').slice(0, 2).join(' '), sql, ms, locks, rewrites: [], validations: [], indexBuilds: [], lockTimeoutMs: 5000, ...(predicted ? { predicted } : {}) };
}

const BASIS = 'trials at 320,000 / 640,000 rows per table of public.events (3 runs each); 1 statement scaled to production sizes, the rest as measured';
const REWRITE_BASIS = 'rewrite of public.events: linear fit of trials at 320,000 / 640,000 rows (3 runs each), extrapolated ×63 to 40,000,000 rows';

function migration(predicted: boolean): MigrationResult {
  return {
    id: '000002', name: 'score', status: 'ok', files: { up: 'db/000002_score.up.sql', down: 'db/000002_score.down.sql' },
    phases: {
      up: {
        ms: 45, ok: true,
        ...(predicted ? { predicted: { ms: 192_000, basis: BASIS } } : {}),
        locks: {
          parser: 'libpg-query',
          statements: [
            stmt(1, "SET lock_timeout = '5s'", 0.1, [], predicted ? { ms: 0.1, cost: 'metadata', basis: 'metadata only: as measured' } : undefined),
            stmt(2, 'ALTER TABLE events ADD COLUMN score float8 DEFAULT random()', 40, [held(41, predicted ? 191_000 : undefined)], predicted ? { ms: 190_000, cost: 'rewrite', basis: REWRITE_BASIS } : undefined),
          ],
        },
      },
      down: {
        ms: 3, ok: true,
        ...(predicted ? { predicted: { ms: 3, basis: 'no statement scales with a listed table: as measured' } } : {}),
        locks: { parser: 'libpg-query', statements: [stmt(1, 'ALTER TABLE events DROP COLUMN score', 1, [held(2, predicted ? 2 : undefined)], predicted ? { ms: 1, cost: 'metadata', basis: 'metadata only: as measured' } : undefined)] },
      },
      reup: { ms: 44, ok: true },
    },
  };
}

function result(predicted: boolean): VerifyResult {
  return {
    version: 1, status: 'pass', format: 'golang-migrate', postgres: '17', mode: 'step', migrationsDir: 'db', baselineCount: 1,
    migrations: [migration(predicted)], problems: [], seeded: [], totalMs: 10, notes: [], schemaChanges: [],
  };
}

describe('predictions in the reports', () => {
  test('terminal: one line per up and down, predicted beside measured, the longest predicted lock and why', () => {
    expect(renderPredictionLines(result(true))).toEqual([
      '',
      'Predicted at production size (table-rows; trials on grown copies, extrapolated)',
      '  000002 up    at 40M rows ~3.2 min (measured 45 ms); ACCESS EXCLUSIVE on events ~3.2 min (table rewrite)',
      '  000002 down  ~3 ms, as measured (nothing scales with a listed table)',
      `  Basis: ${BASIS}`,
    ]);
    expect(renderTerminalReport(result(true), { color: false })).toContain('000002 up    at 40M rows ~3.2 min (measured 45 ms)');
  });

  test('Markdown: a section before the locks, compact lines, and how each prediction was made', () => {
    const md = renderMarkdownReport(result(true));
    expect(md).toContain('### Predicted at production size');
    expect(md).toContain('- `000002` up: at 40M rows ~3.2 min (measured 45 ms); **ACCESS EXCLUSIVE on events ~3.2 min (table rewrite)**\n');
    expect(md).toContain('- `000002` down: ~3 ms, as measured (nothing scales with a listed table)\n');
    expect(md).toContain(`- \`000002\` up line 2 ALTER TABLE: ${REWRITE_BASIS}`);
    expect(md.indexOf('### Predicted at production size')).toBeLessThan(md.indexOf('### Locks on existing tables'));
  });

  test('JSON: every predicted field, on phases, statements and lock entries', () => {
    const json = JSON.parse(renderJsonReport(result(true)));
    expect(json.migrations[0].phases.up.predicted).toEqual({ ms: 192_000, basis: BASIS });
    expect(json.migrations[0].phases.up.locks.statements[1].predicted).toEqual({ ms: 190_000, cost: 'rewrite', basis: REWRITE_BASIS });
    expect(json.migrations[0].phases.up.locks.statements[1].locks[0].predicted).toEqual({ rows: 40_000_000, heldMs: 191_000 });
  });

  test('without table-rows: no prediction anywhere', () => {
    expect(renderPredictionLines(result(false))).toEqual([]);
    expect(renderTerminalReport(result(false), { color: false })).not.toMatch(/predict/i);
    expect(renderMarkdownReport(result(false))).not.toMatch(/predict/i);
    expect(renderJsonReport(result(false))).not.toMatch(/predicted/);
  });
});
